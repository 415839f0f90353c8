//! Who gets in: the limits applied to each accepted socket before any SSH work.
//!
//! A global cap on open connections; per source address a cap on connections still in
//! the handshake (like OpenSSH's PerSourceMaxStartups), a cap on open connections and a
//! token-bucket rate of new ones. A conference room behind one NAT address must fit
//! under the defaults; one host must not be able to take the whole server. IPv4-mapped
//! IPv6 addresses count as IPv4, IPv6 addresses per /64. The per-address table is
//! bounded: idle entries are dropped when it fills, so many addresses cannot grow it.
//! An [`Admission`] is the guard that gives its slots back when dropped.
//!
//! Admission has two steps so that, behind a load balancer, the global cap can bound
//! the PROXY header read while the per-address limits wait for the address it names:
//! [`Limiter::slot`] takes a place under the global cap at accept, and
//! [`Limiter::admit_in`] applies the per-address limits. [`Limiter::admit`] does both.

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Most source addresses tracked at once.
pub const MAX_TRACKED_ADDRESSES: usize = 65_536;

/// A rate of new connections: `count` per `per`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub count: u32,
    pub per: Duration,
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.count, humantime::format_duration(self.per))
    }
}

impl std::str::FromStr for Rate {
    type Err = String;

    /// `N/DURATION`, e.g. `600/1m`, `10/s`; `0` disables the limit.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{s}` is not a rate: write N/DURATION, e.g. 600/1m (0 disables)");
        let (count, per) = s.split_once('/').unwrap_or((s, "1s"));
        let count: u32 = count.trim().parse().map_err(|_| bad())?;
        let per = per.trim();
        let per =
            if per.starts_with(|c: char| c.is_ascii_digit()) { per.to_owned() } else { format!("1{per}") };
        let per = humantime::parse_duration(&per).map_err(|_| bad())?;
        if per.is_zero() {
            return Err(bad());
        }
        Ok(Self { count, per })
    }
}

/// The limit settings; `0` disables a per-address limit.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    pub max_connections: usize,
    pub max_startups_per_ip: u32,
    pub max_per_ip: u32,
    pub rate_per_ip: Rate,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 2000,
            max_startups_per_ip: 100,
            max_per_ip: 400,
            rate_per_ip: Rate { count: 600, per: Duration::from_secs(60) },
        }
    }
}

/// Why a connection was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Refusal {
    MaxConnections,
    MaxPerIp,
    MaxStartupsPerIp,
    RatePerIp,
    AddressTableFull,
    /// `--proxy-protocol`: a connection from an address not in `--trusted-proxy`.
    UntrustedProxy,
    /// `--proxy-protocol`: a trusted proxy's connection without a valid header in time.
    ProxyHeader,
}

impl Refusal {
    pub const ALL: [Refusal; 7] = [
        Refusal::MaxConnections,
        Refusal::MaxPerIp,
        Refusal::MaxStartupsPerIp,
        Refusal::RatePerIp,
        Refusal::AddressTableFull,
        Refusal::UntrustedProxy,
        Refusal::ProxyHeader,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::MaxConnections => "max-connections",
            Refusal::MaxPerIp => "max-per-ip",
            Refusal::MaxStartupsPerIp => "max-startups-per-ip",
            Refusal::RatePerIp => "rate-per-ip",
            Refusal::AddressTableFull => "address-table-full",
            Refusal::UntrustedProxy => "untrusted-proxy",
            Refusal::ProxyHeader => "proxy-header",
        }
    }
}

/// The unit per-address limits count by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKey {
    V4(u32),
    /// The /64 prefix.
    V6(u64),
}

impl From<IpAddr> for SourceKey {
    fn from(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => SourceKey::V4(v4.into()),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => SourceKey::V4(v4.into()),
                None => SourceKey::V6((u128::from(v6) >> 64) as u64),
            },
        }
    }
}

#[derive(Debug)]
struct Entry {
    open: u32,
    handshaking: u32,
    tokens: f64,
    refilled: Instant,
}

impl Entry {
    fn is_idle(&self) -> bool {
        self.open == 0 && self.handshaking == 0
    }
}

/// Applies [`Limits`]; shared by every accept loop.
#[derive(Debug)]
pub struct Limiter {
    limits: Limits,
    global: Arc<Semaphore>,
    table: Mutex<HashMap<SourceKey, Entry>>,
    next_id: AtomicU64,
}

/// A place under the global cap, taken when the socket was accepted.
#[derive(Debug)]
pub struct Slot {
    /// When the socket was accepted: the login timeout counts from here.
    pub accepted: Instant,
    permit: OwnedSemaphorePermit,
}

/// An admitted connection's slots, given back when dropped.
#[derive(Debug)]
pub struct Admission {
    pub id: u64,
    /// When the socket was accepted.
    pub accepted: Instant,
    key: SourceKey,
    handshaking: bool,
    limiter: Arc<Limiter>,
    _permit: OwnedSemaphorePermit,
}

impl Admission {
    /// The visitor's shell or exec started: their handshake slot is free again.
    pub fn handshake_done(&mut self) {
        if std::mem::take(&mut self.handshaking) {
            self.limiter.update(self.key, |entry| entry.handshaking -= 1);
        }
    }
}

impl Drop for Admission {
    fn drop(&mut self) {
        let handshaking = u32::from(self.handshaking);
        self.limiter.update(self.key, |entry| {
            entry.open -= 1;
            entry.handshaking -= handshaking;
        });
    }
}

impl Limiter {
    pub fn new(limits: Limits) -> Arc<Self> {
        let global = Arc::new(Semaphore::new(limits.max_connections.min(Semaphore::MAX_PERMITS)));
        Arc::new(Self { limits, global, table: Mutex::new(HashMap::new()), next_id: AtomicU64::new(1) })
    }

    /// Open connections right now.
    pub fn open(&self) -> usize {
        self.limits.max_connections.saturating_sub(self.global.available_permits())
    }

    /// Admits a new connection from `ip`, or says which limit refuses it.
    pub fn admit(self: &Arc<Self>, ip: IpAddr) -> Result<Admission, Refusal> {
        self.admit_in(self.slot()?, ip)
    }

    /// Takes a place under the global cap for a socket accepted now.
    pub fn slot(&self) -> Result<Slot, Refusal> {
        let permit = self.global.clone().try_acquire_owned().map_err(|_| Refusal::MaxConnections)?;
        Ok(Slot { accepted: Instant::now(), permit })
    }

    /// Applies the per-address limits to a connection from `ip` that holds `slot`;
    /// a refused connection gives the slot back.
    pub fn admit_in(self: &Arc<Self>, slot: Slot, ip: IpAddr) -> Result<Admission, Refusal> {
        let key = SourceKey::from(ip);
        let mut table = self.table.lock().map_err(|_| Refusal::AddressTableFull)?;
        if !table.contains_key(&key) && table.len() >= MAX_TRACKED_ADDRESSES {
            table.retain(|_, entry| !entry.is_idle());
            if table.len() >= MAX_TRACKED_ADDRESSES {
                return Err(Refusal::AddressTableFull);
            }
        }
        let rate = self.limits.rate_per_ip;
        let now = Instant::now();
        let entry = table.entry(key).or_insert(Entry {
            open: 0,
            handshaking: 0,
            tokens: f64::from(rate.count),
            refilled: now,
        });
        self.check(entry, now)?;
        entry.open += 1;
        entry.handshaking += 1;
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let Slot { accepted, permit } = slot;
        Ok(Admission { id, accepted, key, handshaking: true, limiter: self.clone(), _permit: permit })
    }

    fn check(&self, entry: &mut Entry, now: Instant) -> Result<(), Refusal> {
        let Limits { max_per_ip, max_startups_per_ip, rate_per_ip: rate, .. } = self.limits;
        if max_per_ip != 0 && entry.open >= max_per_ip {
            return Err(Refusal::MaxPerIp);
        }
        if max_startups_per_ip != 0 && entry.handshaking >= max_startups_per_ip {
            return Err(Refusal::MaxStartupsPerIp);
        }
        if rate.count != 0 {
            let capacity = f64::from(rate.count);
            let refill = now.duration_since(entry.refilled).as_secs_f64() / rate.per.as_secs_f64();
            entry.tokens = (entry.tokens + refill * capacity).min(capacity);
            entry.refilled = now;
            if entry.tokens < 1.0 {
                return Err(Refusal::RatePerIp);
            }
            entry.tokens -= 1.0;
        }
        Ok(())
    }

    fn update(&self, key: SourceKey, change: impl FnOnce(&mut Entry)) {
        if let Ok(mut table) = self.table.lock()
            && let Some(entry) = table.get_mut(&key)
        {
            change(entry);
        }
    }

    #[cfg(test)]
    fn tracked(&self) -> usize {
        self.table.lock().map_or(0, |t| t.len())
    }
}

/// Logs refusals at most once per reason per interval, counting what it held back, so
/// a flood cannot flood the log.
#[derive(Debug)]
pub struct RefusalLog {
    interval: Duration,
    state: Mutex<HashMap<Refusal, (Instant, u64)>>,
}

impl RefusalLog {
    pub fn new(interval: Duration) -> Self {
        Self { interval, state: Mutex::new(HashMap::new()) }
    }

    /// `Some(suppressed)` when this refusal should be logged now.
    pub fn should_log(&self, refusal: Refusal) -> Option<u64> {
        let mut state = self.state.lock().ok()?;
        let now = Instant::now();
        match state.get_mut(&refusal) {
            Some((last, held)) if now.duration_since(*last) < self.interval => {
                *held += 1;
                None
            }
            Some((last, held)) => {
                *last = now;
                Some(std::mem::take(held))
            }
            None => {
                state.insert(refusal, (now, 0));
                Some(0)
            }
        }
    }
}

#[cfg(test)]
mod tests;
