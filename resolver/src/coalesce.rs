//! Coalescing of identical work in flight: the first caller with a key
//! does the work; callers with the same key that arrive meanwhile wait
//! for its result instead of doing it again. Used for upstream queries
//! (server, question), so a burst of clients asking for the same cold
//! name sends one query, not one per client.
//!
//! If the caller doing the work is cancelled, the waiting ones do the
//! work themselves: a cancelled client never fails another.

use std::hash::Hash;

use dashmap::DashMap;
use tokio::sync::watch;

/// Work in flight, by key.
#[derive(Debug)]
pub struct Coalescer<K: Eq + Hash, V> {
    inflight: DashMap<K, watch::Receiver<Option<V>>>,
}

impl<K: Eq + Hash, V> Default for Coalescer<K, V> {
    fn default() -> Self {
        Self {
            inflight: DashMap::new(),
        }
    }
}

/// Removes the key when the work ends or is cancelled.
struct Leader<'a, K: Eq + Hash, V> {
    coalescer: &'a Coalescer<K, V>,
    key: Option<K>,
}

impl<K: Eq + Hash, V> Drop for Leader<'_, K, V> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            self.coalescer.inflight.remove(&key);
        }
    }
}

impl<K: Eq + Hash + Clone, V: Clone> Coalescer<K, V> {
    /// Nothing in flight.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether work for `key` is in flight.
    pub fn contains(&self, key: &K) -> bool {
        self.inflight.contains_key(key)
    }

    /// Whether nothing is in flight.
    pub fn is_empty(&self) -> bool {
        self.inflight.is_empty()
    }

    /// The result of `work` for `key`: done here, or shared from the same
    /// work already in flight. The flag says whether it was shared.
    pub async fn run<F>(&self, key: K, work: F) -> (V, bool)
    where
        F: Future<Output = V>,
    {
        let waiting = self.inflight.get(&key).map(|rx| rx.clone());
        if let Some(mut rx) = waiting
            && let Ok(value) = rx.wait_for(Option::is_some).await
            && let Some(value) = value.as_ref()
        {
            return (value.clone(), true);
        }
        let (tx, rx) = watch::channel(None);
        // Two first callers may race here; the later one's entry wins and
        // the work runs twice, which is harmless.
        self.inflight.insert(key.clone(), rx);
        let leader = Leader {
            coalescer: self,
            key: Some(key),
        };
        let value = work.await;
        drop(leader);
        let _ = tx.send(Some(value.clone()));
        (value, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn simultaneous_callers_share_one_run() {
        let coalescer = Arc::new(Coalescer::<&str, u32>::new());
        let runs = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..10 {
            let (coalescer, runs) = (Arc::clone(&coalescer), Arc::clone(&runs));
            tasks.push(tokio::spawn(async move {
                coalescer
                    .run("q", async {
                        runs.fetch_add(1, Ordering::Relaxed);
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        7
                    })
                    .await
            }));
        }
        let mut shared = 0;
        for task in tasks {
            let (value, was_shared) = task.await.unwrap();
            assert_eq!(value, 7);
            shared += usize::from(was_shared);
        }
        assert_eq!(runs.load(Ordering::Relaxed), 1);
        assert_eq!(shared, 9);
        assert!(coalescer.is_empty(), "the key is gone once done");
        // Later callers run again.
        let (value, was_shared) = coalescer.run("q", async { 8 }).await;
        assert_eq!((value, was_shared), (8, false));
    }

    #[tokio::test]
    async fn a_cancelled_leader_leaves_the_work_to_the_waiters() {
        let coalescer = Arc::new(Coalescer::<&str, u32>::new());
        let leader = {
            let coalescer = Arc::clone(&coalescer);
            tokio::spawn(async move {
                coalescer
                    .run("q", async {
                        tokio::time::sleep(Duration::from_secs(60)).await;
                        1
                    })
                    .await
            })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        let waiter = {
            let coalescer = Arc::clone(&coalescer);
            tokio::spawn(async move { coalescer.run("q", async { 2 }).await })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        leader.abort();
        let (value, was_shared) = tokio::time::timeout(Duration::from_secs(2), waiter)
            .await
            .expect("the waiter does not hang")
            .unwrap();
        assert_eq!((value, was_shared), (2, false));
    }
}
