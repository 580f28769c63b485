//! Sockets: UDP on blocking worker threads, TCP on tokio.

pub mod tcp;
pub mod udp;

/// Seconds since the Unix epoch, for cookies.
pub(crate) fn unix_now() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as u32)
}
