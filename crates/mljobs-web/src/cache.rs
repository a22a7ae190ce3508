//! A bounded cache of search answers (the serialised JSON), keyed by the request's query string
//! and valid for one index generation: any commit (an ingest) empties it. Job-search traffic
//! repeats itself — the same handful of titles, skills and filters — and an answer from memory
//! costs microseconds where a search with exact totals costs milliseconds. Eviction is
//! first-in-first-out: simple, and with a generation-scoped cache nearly as good as LRU.
//!
//! Answers every visitor shares and that read every posting (the market pages, `/api/v1/stats`)
//! are kept apart, one [`PerGeneration`] slot each: no search evicts them, and after
//! a commit one request computes the new answer while the others get the previous one.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Bytes;

/// The cache; `capacity` 0 disables it.
pub struct ResponseCache {
    capacity: usize,
    inner: Mutex<Inner>,
    shared: Mutex<HashMap<String, std::sync::Arc<PerGeneration<Bytes>>>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

#[derive(Default)]
struct Inner {
    generation: u64,
    map: HashMap<String, Bytes>,
    order: VecDeque<String>,
    /// Bytes of the answers in `map`.
    bytes: usize,
}

impl ResponseCache {
    /// A cache of up to `capacity` answers.
    pub fn new(capacity: usize) -> ResponseCache {
        ResponseCache { capacity, inner: Mutex::new(Inner::default()), shared: Mutex::default(), hits: AtomicU64::new(0), misses: AtomicU64::new(0) }
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
            inner.bytes = 0;
            inner.generation = generation;
        }
        inner.bytes += value.len();
        match inner.map.insert(key.to_string(), value) {
            Some(replaced) => inner.bytes -= replaced.len(),
            None => {
                inner.order.push_back(key.to_string());
                while inner.order.len() > self.capacity {
                    if let Some(old) = inner.order.pop_front()
                        && let Some(gone) = inner.map.remove(&old)
                    {
                        inner.bytes -= gone.len();
                    }
                }
            }
        }
    }

    /// A shared answer (see the module's doc): computed at most once per generation by one
    /// caller at a time, the previous generation's served meanwhile. With the cache disabled,
    /// computed every time.
    pub fn shared<E>(&self, key: &str, generation: u64, compute: impl FnOnce() -> Result<Bytes, E>) -> Result<(Bytes, Freshness), E> {
        if self.capacity == 0 {
            return compute().map(|b| (b, Freshness::Computed));
        }
        let slot = self.shared.lock().unwrap_or_else(std::sync::PoisonError::into_inner).entry(key.to_string()).or_default().clone();
        let answer = slot.get_or_compute(generation, compute)?;
        let counter = if answer.1 == Freshness::Computed { &self.misses } else { &self.hits };
        counter.fetch_add(1, Ordering::Relaxed);
        Ok(answer)
    }

    /// (hits, misses, entries, bytes): shared answers count among the entries and bytes.
    pub fn stats(&self) -> (u64, u64, usize, usize) {
        let (mut shared, mut shared_bytes) = (0, 0);
        for slot in self.shared.lock().unwrap_or_else(std::sync::PoisonError::into_inner).values() {
            if let Some((_, v)) = &slot.lock().value {
                shared += 1;
                shared_bytes += v.len();
            }
        }
        let inner = self.lock();
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed), inner.map.len() + shared, inner.bytes + shared_bytes)
    }
}

/// Where an answer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Computed for this generation earlier.
    Fresh,
    /// The previous generation's, while another caller computes this one's.
    Stale,
    /// Computed by this call.
    Computed,
}

impl Freshness {
    /// The `x-cache` header's value.
    pub fn header(self) -> &'static str {
        match self {
            Freshness::Fresh => "hit",
            Freshness::Stale => "stale",
            Freshness::Computed => "miss",
        }
    }
}

/// A value computed once per index generation. The first caller of a new generation computes
/// it; callers meanwhile get the previous generation's value if there is one (a market figure
/// one commit old for a moment beats every visitor waiting or computing it again), or compute
/// it themselves if there is none yet.
pub struct PerGeneration<T> {
    slot: Mutex<Slot<T>>,
}

struct Slot<T> {
    value: Option<(u64, T)>,
    /// The generation a caller is computing now.
    computing: Option<u64>,
}

impl<T> Default for PerGeneration<T> {
    fn default() -> Self {
        PerGeneration { slot: Mutex::new(Slot { value: None, computing: None }) }
    }
}

impl<T: Clone> PerGeneration<T> {
    fn lock(&self) -> std::sync::MutexGuard<'_, Slot<T>> {
        self.slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The value for `generation`, computing it unless another caller is (see the type's doc).
    pub fn get_or_compute<E>(&self, generation: u64, compute: impl FnOnce() -> Result<T, E>) -> Result<(T, Freshness), E> {
        {
            let mut slot = self.lock();
            match (&slot.value, slot.computing) {
                (Some((g, v)), _) if *g >= generation => return Ok((v.clone(), Freshness::Fresh)),
                (Some((_, v)), Some(c)) if c >= generation => return Ok((v.clone(), Freshness::Stale)),
                _ => slot.computing = Some(generation),
            }
        }
        // Whatever happens to the computation (an error, a panic), the claim is let go.
        struct Release<'a, T>(&'a PerGeneration<T>, u64);
        impl<T> Drop for Release<'_, T> {
            fn drop(&mut self) {
                let mut slot = self.0.slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                if slot.computing == Some(self.1) {
                    slot.computing = None;
                }
            }
        }
        let _release = Release(self, generation);
        let value = compute()?;
        let mut slot = self.lock();
        if slot.value.as_ref().is_none_or(|(g, _)| *g < generation) {
            slot.value = Some((generation, value.clone()));
        }
        Ok((value, Freshness::Computed))
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
        c.put("b", 1, Bytes::from_static(b"BB"));
        assert_eq!(c.stats().3, 3, "bytes held: A and the new BB");
        c.put("c", 1, Bytes::from_static(b"CCCC"));
        assert_eq!(c.get("a", 1), None, "the oldest was evicted");
        assert_eq!(c.stats().3, 6, "bytes held: BB and CCCC");
        assert_eq!(c.get("c", 1).as_deref(), Some(&b"CCCC"[..]));
        c.put("d", 2, Bytes::from_static(b"D"));
        assert_eq!((c.get("b", 1), c.stats().2), (None, 1), "a new generation empties it");
        assert_eq!(c.stats().3, 1, "D alone");
        assert_eq!(ResponseCache::new(0).get("x", 0), None);
    }

    #[test]
    fn a_shared_answer_is_computed_once_per_generation_and_the_old_one_served_meanwhile() {
        use std::sync::{Arc, Barrier};
        let slot = Arc::new(PerGeneration::<u64>::default());
        assert_eq!(slot.get_or_compute::<()>(1, || Ok(10)), Ok((10, Freshness::Computed)));
        assert_eq!(slot.get_or_compute::<()>(1, || panic!("not again")), Ok((10, Freshness::Fresh)));
        // Generation 2: one caller computes (slowly); another meanwhile gets generation 1's.
        let (started, finish) = (Arc::new(Barrier::new(2)), Arc::new(Barrier::new(2)));
        let computing = {
            let (slot, started, finish) = (slot.clone(), started.clone(), finish.clone());
            std::thread::spawn(move || {
                slot.get_or_compute::<()>(2, || {
                    started.wait();
                    finish.wait();
                    Ok(20)
                })
            })
        };
        started.wait();
        assert_eq!(slot.get_or_compute::<()>(2, || panic!("computed twice")), Ok((10, Freshness::Stale)));
        finish.wait();
        assert_eq!(computing.join().expect("no panic"), Ok((20, Freshness::Computed)));
        assert_eq!(slot.get_or_compute::<()>(2, || panic!("not again")), Ok((20, Freshness::Fresh)));
        // A failed computation lets go of its claim: the next caller tries again.
        assert_eq!(slot.get_or_compute(3, || Err("store busy")), Err("store busy"));
        assert_eq!(slot.get_or_compute::<()>(3, || Ok(30)), Ok((30, Freshness::Computed)));
    }

    #[test]
    fn shared_answers_are_not_evicted_by_searches() {
        let c = ResponseCache::new(2);
        let page = |n: u8| move || Ok::<_, ()>(Bytes::from(vec![n]));
        assert_eq!(c.shared("/skills", 1, page(1)).map(|a| a.1), Ok(Freshness::Computed));
        for q in ["a", "b", "c", "d"] {
            c.put(q, 1, Bytes::from_static(b"x"));
        }
        assert_eq!(c.shared("/skills", 1, page(2)), Ok((Bytes::from(vec![1]), Freshness::Fresh)));
        assert_eq!(ResponseCache::new(0).shared("/skills", 1, page(3)).map(|a| a.1), Ok(Freshness::Computed), "a disabled cache computes");
    }
}
