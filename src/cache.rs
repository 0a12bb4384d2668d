//! A value read from the database and trusted for a few seconds, for the hot paths that would
//! otherwise read the same small table on every request (zones and scan points on each scan).
//! The table stays the truth: a miss reloads at once, and a change made on another instance
//! is seen within the time to live.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// One cached value with a time to live.
pub struct Ttl<T> {
    ttl: Duration,
    slot: RwLock<Option<(Instant, Arc<T>)>>,
}

impl<T> Ttl<T> {
    /// An empty cache.
    pub fn new(ttl: Duration) -> Ttl<T> {
        Ttl {
            ttl,
            slot: RwLock::new(None),
        }
    }

    /// The cached value if fresh and `usable`, else a freshly loaded one.
    pub fn get<E>(
        &self,
        usable: impl Fn(&T) -> bool,
        load: impl FnOnce() -> Result<T, E>,
    ) -> Result<Arc<T>, E> {
        if let Ok(slot) = self.slot.read() {
            if let Some((at, value)) = slot.as_ref() {
                if at.elapsed() < self.ttl && usable(value) {
                    return Ok(Arc::clone(value));
                }
            }
        }
        let value = Arc::new(load()?);
        if let Ok(mut slot) = self.slot.write() {
            *slot = Some((Instant::now(), Arc::clone(&value)));
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_value_is_reused_and_an_unusable_one_reloaded() {
        let cache = Ttl::new(Duration::from_secs(60));
        let first = cache.get(|_| true, || Ok::<_, ()>(vec![1])).unwrap();
        let again = cache.get(|_| true, || Ok::<_, ()>(vec![2])).unwrap();
        assert_eq!((first.as_slice(), again.as_slice()), (&[1][..], &[1][..]));
        let missing_three = cache
            .get(|v: &Vec<i32>| v.contains(&3), || Ok::<_, ()>(vec![3]))
            .unwrap();
        assert_eq!(*missing_three, vec![3]);
    }

    #[test]
    fn an_expired_value_is_reloaded() {
        let cache = Ttl::new(Duration::ZERO);
        cache.get(|_| true, || Ok::<_, ()>(1)).unwrap();
        assert_eq!(*cache.get(|_| true, || Ok::<_, ()>(2)).unwrap(), 2);
    }
}
