//! How visitors appear in logs: their address (and the user name their client sends)
//! in full, as a keyed hash, or not at all.
//!
//! The hash key is random, generated in memory at start and replaced every UTC day, so
//! the owner can tell visitors apart within a day but no address is ever stored and
//! yesterday's hashes cannot be linked to today's. The same key hashes addresses for
//! the message limits ([`Redactor::keyed`]), whatever the logging mode: the limits need
//! to tell senders apart without keeping an address.

use std::hash::{BuildHasher, RandomState};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// `--log-peers`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerLogging {
    Full,
    Hashed,
    None,
}

/// Turns addresses and user names into what the logs may show.
#[derive(Debug)]
pub struct Redactor {
    mode: PeerLogging,
    /// The day's key, and the day (days since the epoch, UTC) it belongs to.
    key: Mutex<(RandomState, u64)>,
    /// Today, as days since the epoch (UTC); the wall clock outside tests.
    today: fn() -> u64,
}

/// Days since the Unix epoch, UTC.
fn today() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() / 86_400)
}

impl Redactor {
    pub fn new(mode: PeerLogging) -> Self {
        Self::with_clock(mode, today)
    }

    /// A redactor whose days come from `today` (days since the epoch), for tests of the
    /// daily key change.
    pub fn with_clock(mode: PeerLogging, today: fn() -> u64) -> Self {
        Self { mode, key: Mutex::new((RandomState::new(), today())), today }
    }

    /// The visitor's address as logged, or `None` when peers are not logged.
    pub fn peer(&self, ip: IpAddr) -> Option<String> {
        match self.mode {
            PeerLogging::Full => Some(ip.to_string()),
            PeerLogging::Hashed => Some(self.hash(&ip.to_string())),
            PeerLogging::None => None,
        }
    }

    /// The user name a client sent, treated like its address.
    pub fn user(&self, user: &str) -> Option<String> {
        match self.mode {
            PeerLogging::Full => Some(user.chars().filter(|c| !c.is_control()).take(64).collect()),
            PeerLogging::Hashed => Some(self.hash(user)),
            PeerLogging::None => None,
        }
    }

    fn hash(&self, value: &str) -> String {
        format!("h-{:012x}", self.keyed(value).0 >> 16)
    }

    /// `value` hashed with the day's key, and the day (days since the epoch, UTC): stable
    /// within a UTC day, unrelated across days and runs, whatever `--log-peers` says.
    pub fn keyed(&self, value: impl std::hash::Hash) -> (u64, u64) {
        let day = (self.today)();
        let mut key = self.key.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if key.1 != day {
            *key = (RandomState::new(), day);
        }
        (key.0.hash_one(value), day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_peers_are_stable_within_a_day_and_hide_the_address() {
        let redactor = Redactor::new(PeerLogging::Hashed);
        let ip: IpAddr = "127.0.0.9".parse().unwrap();
        let first = redactor.peer(ip).unwrap();
        assert_eq!(redactor.peer(ip).unwrap(), first);
        assert!(!first.contains("127") && first.starts_with("h-"), "{first}");
        assert_ne!(redactor.peer("127.0.0.8".parse().unwrap()).unwrap(), first);
    }

    static FAKE_DAY: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(20_000);

    fn fake_today() -> u64 {
        FAKE_DAY.load(std::sync::atomic::Ordering::SeqCst)
    }

    #[test]
    fn the_key_changes_with_the_utc_day_and_not_within_it() {
        let redactor = Redactor::with_clock(PeerLogging::Hashed, fake_today);
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        let monday = redactor.peer(ip).unwrap();
        assert_eq!(redactor.peer(ip).unwrap(), monday, "stable within the day");
        assert_eq!(redactor.user("alice"), redactor.user("alice"));
        FAKE_DAY.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let tuesday = redactor.peer(ip).unwrap();
        assert_ne!(tuesday, monday, "a new key the next day: yesterday's hash cannot be followed");
        assert_eq!(redactor.peer(ip).unwrap(), tuesday);
    }

    #[test]
    fn keys_differ_between_runs() {
        let ip: IpAddr = "10.1.2.3".parse().unwrap();
        let a = Redactor::new(PeerLogging::Hashed).peer(ip);
        let b = Redactor::new(PeerLogging::Hashed).peer(ip);
        assert_ne!(a, b);
    }

    #[test]
    fn keyed_hashes_work_when_peers_are_not_logged() {
        let redactor = Redactor::new(PeerLogging::None);
        let (a, day) = redactor.keyed("192.0.2.7");
        assert_eq!(redactor.keyed("192.0.2.7"), (a, day));
        assert_ne!(redactor.keyed("192.0.2.8").0, a);
    }

    #[test]
    fn none_logs_nothing_and_full_logs_the_address() {
        let ip: IpAddr = "127.0.0.9".parse().unwrap();
        assert_eq!(Redactor::new(PeerLogging::None).peer(ip), None);
        assert_eq!(Redactor::new(PeerLogging::None).user("alice"), None);
        assert_eq!(Redactor::new(PeerLogging::Full).peer(ip).as_deref(), Some("127.0.0.9"));
    }
}
