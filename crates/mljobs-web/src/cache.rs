//! A bounded cache of search answers (the serialised JSON), keyed by the request's query string
//! and valid for one index generation: any commit (an ingest) empties it. Job-search traffic
//! repeats itself — the same handful of titles, skills and filters — and an answer from memory
//! costs microseconds where a search with exact totals costs milliseconds. Eviction is
//! first-in-first-out: simple, and with a generation-scoped cache nearly as good as LRU.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Bytes;

/// The cache; `capacity` 0 disables it.
pub struct ResponseCache {
    capacity: usize,
    inner: Mutex<Inner>,
    hits: AtomicU64,
    misses: AtomicU64,
}

#[derive(Default)]
struct Inner {
    generation: u64,
    map: HashMap<String, Bytes>,
    order: VecDeque<String>,
}

impl ResponseCache {
    /// A cache of up to `capacity` answers.
    pub fn new(capacity: usize) -> ResponseCache {
        ResponseCache { capacity, inner: Mutex::new(Inner::default()), hits: AtomicU64::new(0), misses: AtomicU64::new(0) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The cached answer for `key` in index `generation`.
    pub fn get(&self, key: &str, generation: u64) -> Option<Bytes> {
        if self.capacity == 0 {
            return None;
        }
        let inner = self.lock();
        let found = if inner.generation == generation { inner.map.get(key).cloned() } else { None };
        drop(inner);
        let counter = if found.is_some() { &self.hits } else { &self.misses };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Remembers an answer computed in index `generation`.
    pub fn put(&self, key: &str, generation: u64, value: Bytes) {
        if self.capacity == 0 {
            return;
        }
        let mut inner = self.lock();
        if inner.generation != generation {
            inner.map.clear();
            inner.order.clear();
            inner.generation = generation;
        }
        if inner.map.insert(key.to_string(), value).is_none() {
            inner.order.push_back(key.to_string());
            while inner.order.len() > self.capacity {
                if let Some(old) = inner.order.pop_front() {
                    inner.map.remove(&old);
                }
            }
        }
    }

    /// (hits, misses, entries).
    pub fn stats(&self) -> (u64, u64, usize) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed), self.lock().map.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_kept_per_generation_and_bounded() {
        let c = ResponseCache::new(2);
        c.put("a", 1, Bytes::from_static(b"A"));
        c.put("b", 1, Bytes::from_static(b"B"));
        assert_eq!(c.get("a", 1).as_deref(), Some(&b"A"[..]));
        assert_eq!(c.get("a", 2), None, "another generation does not see it");
        c.put("c", 1, Bytes::from_static(b"C"));
        assert_eq!(c.get("a", 1), None, "the oldest was evicted");
        assert_eq!(c.get("c", 1).as_deref(), Some(&b"C"[..]));
        c.put("d", 2, Bytes::from_static(b"D"));
        assert_eq!((c.get("b", 1), c.stats().2), (None, 1), "a new generation empties it");
        assert_eq!(ResponseCache::new(0).get("x", 0), None);
    }
}
