//! Giving a retired snapshot's memory back to the system.
//!
//! glibc's allocator keeps the memory a program frees: a reload frees the
//! old zone (tens of MiB per million records) and the parser's buffers,
//! but the pages stay resident in its arenas, so after one reload the
//! process held twice the memory of a fresh start. The answer path
//! allocates nothing, so nothing would ever reuse or release them.
//!
//! So after every swap the reload thread itself waits for the old
//! snapshot's last reader, drops it, and asks the allocator to return
//! every free page (`malloc_trim`, which since glibc 2.8 walks all arenas
//! and releases whole free pages inside them too). Readers are never
//! blocked: they finish on the old snapshot as before, and the freeing
//! happens on the reload thread, never on a query thread. The large
//! buffers of a zone each get a mapping of their own
//! ([`configure_allocator`]), so dropping a zone unmaps them at once and
//! only the parser's small allocations are left for the trim.

use std::sync::Arc;
use std::time::{Duration, Instant};

use zone_loader::Snapshot;

/// How long the reload thread waits for queries still answering from the
/// old snapshot before leaving its last reference to them. A query holds
/// the snapshot for microseconds; a wait this long means something else
/// (a stopped process, a debugger) and the memory is then freed by
/// whoever drops it last, and returned at the next reload.
const LAST_READER_WAIT: Duration = Duration::from_secs(2);

/// Drops `old`, a snapshot just replaced, once no query reads it any
/// more, then returns the freed memory to the system.
pub fn retire(old: Arc<Snapshot>) {
    let start = Instant::now();
    let mut pause = Duration::from_micros(50);
    while Arc::strong_count(&old) > 1 && start.elapsed() < LAST_READER_WAIT {
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(10));
    }
    drop(old);
    release_free_pages();
}

/// The size from which glibc gives an allocation its own mapping: its
/// default, 128 KiB, but fixed. Left alone, glibc raises the threshold to
/// the size of every mapped block freed (up to 32 MiB), so after the
/// first reload a zone's large buffers would come from the arenas, mixed
/// with the parser's small allocations, and could not all be given back.
const MMAP_THRESHOLD: i32 = 128 * 1024;

/// Sets the allocator up for snapshots that come and go: every large
/// buffer of a zone (its bytes, nodes, RRsets and index) in a mapping of
/// its own, unmapped as soon as the zone is dropped. Call once at start.
pub fn configure_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[allow(unsafe_code)]
    // SAFETY: mallopt only sets a tuning parameter of the allocator,
    // under its own lock; no pointer is involved.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    }
}

/// Asks the allocator to return the pages it holds free to the system.
pub fn release_free_pages() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[allow(unsafe_code)]
    // SAFETY: malloc_trim takes no pointer and only rearranges the
    // allocator's own free lists under its own locks; it is safe to call
    // from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}
