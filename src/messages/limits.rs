//! How many messages get through: per sending address (IPv6: per /64) and for the whole
//! server, each a sliding hour (configurable), and the same text from the same address
//! stored once a day. Pure: the caller passes the clock.
//!
//! No address is kept, here or in the store: the tables are keyed by the privacy
//! redactor's keyed hash, whose key lives only in memory and changes every UTC day
//! (so a restart, or midnight UTC, starts the per-address windows and the de-duplication
//! afresh, which errs on the visitor's side). A message is *reserved* against both
//! windows before the store is asked and the reservation is given back when the store
//! fails, so concurrent senders cannot slip past a limit and a failed send costs
//! nothing. Both tables are bounded ([`MAX_TRACKED`]); a full address table refuses new
//! addresses until old windows expire rather than forgetting recent senders.

use std::collections::{HashMap, VecDeque};
use std::time::Instant;

use crate::admission::limits::Rate;

/// Most sending addresses, and most de-duplication entries, tracked at once.
pub const MAX_TRACKED: usize = 65_536;

/// The message limits; a rate with `count` 0 is no limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MessageRates {
    pub per_address: Rate,
    pub global: Rate,
}

impl Default for MessageRates {
    fn default() -> Self {
        let hour = std::time::Duration::from_secs(3600);
        Self { per_address: Rate { count: 3, per: hour }, global: Rate { count: 60, per: hour } }
    }
}

/// What the gate says about a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Stored already today under this id: answer as if stored again.
    Duplicate(i64),
    /// Go ahead; give the reservation back with [`MessageGate::release`] if the store
    /// fails, or settle it with [`MessageGate::stored`].
    Reserved(Reservation),
    /// Over a limit (`per_address`), or the address table is full (`false`).
    Refused { per_address: bool },
}

/// A place taken in both windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservation {
    address: u64,
    at: Instant,
}

/// The windows and the de-duplication table.
#[derive(Debug, Default)]
pub struct MessageGate {
    rates: MessageRates,
    /// Per keyed address hash: when its messages in the window were accepted.
    addresses: HashMap<u64, VecDeque<Instant>>,
    global: VecDeque<Instant>,
    /// Per keyed (address, text) hash: (id, UTC day).
    seen: HashMap<u64, (i64, u64)>,
}

/// Drops the instants that left the window of `rate` by `now`.
fn expire(window: &mut VecDeque<Instant>, rate: Rate, now: Instant) {
    while window.front().is_some_and(|&at| now.saturating_duration_since(at) >= rate.per) {
        window.pop_front();
    }
}

fn is_full(window: &VecDeque<Instant>, rate: Rate) -> bool {
    rate.count > 0 && window.len() >= usize::try_from(rate.count).unwrap_or(usize::MAX)
}

impl MessageGate {
    pub fn new(rates: MessageRates) -> Self {
        Self { rates, ..Self::default() }
    }

    /// Checks a message from `address` whose text hashes to `text` on UTC `day`.
    pub fn check(&mut self, address: u64, text: u64, day: u64, now: Instant) -> Verdict {
        if let Some(&(id, seen_day)) = self.seen.get(&text)
            && seen_day == day
        {
            return Verdict::Duplicate(id);
        }
        expire(&mut self.global, self.rates.global, now);
        if is_full(&self.global, self.rates.global) {
            return Verdict::Refused { per_address: false };
        }
        if !self.addresses.contains_key(&address) && self.addresses.len() >= MAX_TRACKED {
            self.forget_idle(now);
            if self.addresses.len() >= MAX_TRACKED {
                return Verdict::Refused { per_address: false };
            }
        }
        let window = self.addresses.entry(address).or_default();
        expire(window, self.rates.per_address, now);
        if is_full(window, self.rates.per_address) {
            return Verdict::Refused { per_address: true };
        }
        window.push_back(now);
        self.global.push_back(now);
        Verdict::Reserved(Reservation { address, at: now })
    }

    /// The store failed: the reservation no longer counts.
    pub fn release(&mut self, reservation: Reservation) {
        let drop_one = |window: &mut VecDeque<Instant>| {
            if let Some(index) = window.iter().rposition(|&at| at == reservation.at) {
                window.remove(index);
            }
        };
        if let Some(window) = self.addresses.get_mut(&reservation.address) {
            drop_one(window);
        }
        drop_one(&mut self.global);
    }

    /// The store committed `id`: the same text from the same address is a duplicate
    /// for the rest of `day`.
    pub fn stored(&mut self, text: u64, id: i64, day: u64) {
        if self.seen.len() >= MAX_TRACKED {
            self.seen.retain(|_, (_, seen_day)| *seen_day == day);
        }
        if self.seen.len() < MAX_TRACKED {
            self.seen.insert(text, (id, day));
        }
    }

    /// Addresses tracked now.
    pub fn tracked(&self) -> usize {
        self.addresses.len()
    }

    fn forget_idle(&mut self, now: Instant) {
        let rate = self.rates.per_address;
        self.addresses.retain(|_, window| {
            expire(window, rate, now);
            !window.is_empty()
        });
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn rates(per_address: u32, global: u32) -> MessageRates {
        let hour = Duration::from_secs(3600);
        MessageRates {
            per_address: Rate { count: per_address, per: hour },
            global: Rate { count: global, per: hour },
        }
    }

    fn reserve(gate: &mut MessageGate, address: u64, text: u64, now: Instant) -> Verdict {
        let verdict = gate.check(address, text, 1, now);
        if let Verdict::Reserved(_) = verdict {
            gate.stored(text, i64::try_from(text).unwrap(), 1);
        }
        verdict
    }

    #[test]
    fn three_an_hour_per_address_then_refused_until_the_window_moves() {
        let mut gate = MessageGate::new(rates(3, 60));
        let start = Instant::now();
        for text in 1..=3 {
            assert!(matches!(reserve(&mut gate, 7, text, start), Verdict::Reserved(_)));
        }
        assert_eq!(reserve(&mut gate, 7, 4, start), Verdict::Refused { per_address: true });
        assert!(matches!(reserve(&mut gate, 8, 5, start), Verdict::Reserved(_)), "another address is fine");
        let later = start + Duration::from_secs(3600);
        assert!(matches!(reserve(&mut gate, 7, 6, later), Verdict::Reserved(_)));
    }

    #[test]
    fn the_global_hour_bounds_every_address_together() {
        let mut gate = MessageGate::new(rates(3, 5));
        let now = Instant::now();
        for address in 1..=5 {
            assert!(matches!(reserve(&mut gate, address, address, now), Verdict::Reserved(_)));
        }
        assert_eq!(reserve(&mut gate, 99, 99, now), Verdict::Refused { per_address: false });
    }

    #[test]
    fn the_same_text_the_same_day_is_a_duplicate_and_costs_nothing() {
        let mut gate = MessageGate::new(rates(1, 60));
        let now = Instant::now();
        assert!(matches!(reserve(&mut gate, 7, 42, now), Verdict::Reserved(_)));
        assert_eq!(gate.check(7, 42, 1, now), Verdict::Duplicate(42));
        assert!(matches!(gate.check(7, 42, 2, now), Verdict::Refused { per_address: true }), "a new day");
    }

    #[test]
    fn a_released_reservation_no_longer_counts() {
        let mut gate = MessageGate::new(rates(1, 1));
        let now = Instant::now();
        let Verdict::Reserved(reservation) = gate.check(7, 1, 1, now) else { panic!() };
        assert!(matches!(gate.check(7, 2, 1, now), Verdict::Refused { .. }));
        gate.release(reservation);
        assert!(matches!(gate.check(7, 2, 1, now), Verdict::Reserved(_)));
    }

    #[test]
    fn zero_means_no_limit() {
        let mut gate = MessageGate::new(rates(0, 0));
        let now = Instant::now();
        for text in 0..1000 {
            assert!(matches!(gate.check(7, text, 1, now), Verdict::Reserved(_)));
        }
    }

    #[test]
    fn the_address_table_is_bounded_and_makes_room_from_expired_windows() {
        let mut gate = MessageGate::new(rates(3, 0));
        let start = Instant::now();
        for address in 0..MAX_TRACKED as u64 {
            assert!(matches!(gate.check(address, address, 1, start), Verdict::Reserved(_)));
        }
        assert_eq!(gate.tracked(), MAX_TRACKED);
        let extra = MAX_TRACKED as u64 + 1;
        assert_eq!(gate.check(extra, extra, 1, start), Verdict::Refused { per_address: false });
        let later = start + Duration::from_secs(3600);
        assert!(matches!(gate.check(extra, extra, 1, later), Verdict::Reserved(_)));
        assert!(gate.tracked() <= MAX_TRACKED);
    }

    #[test]
    fn the_duplicate_table_is_bounded() {
        let mut gate = MessageGate::new(rates(0, 0));
        for text in 0..(MAX_TRACKED as u64 + 10) {
            gate.stored(text, 1, 1);
        }
        assert!(gate.seen.len() <= MAX_TRACKED);
        gate.stored(u64::MAX, 2, 2);
        assert_eq!(gate.seen.len(), 1, "a new day makes room from the old one");
    }
}
