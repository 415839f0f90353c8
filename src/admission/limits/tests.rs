//! Tests of `limits`.

use super::*;

fn limiter(max_per_ip: u32, startups: u32, rate: &str) -> Arc<Limiter> {
    Limiter::new(Limits {
        max_connections: 10_000,
        max_startups_per_ip: startups,
        max_per_ip,
        rate_per_ip: rate.parse().unwrap(),
    })
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn rates_parse() {
    assert_eq!("600/1m".parse::<Rate>().unwrap(), Rate { count: 600, per: Duration::from_secs(60) });
    assert_eq!("10/s".parse::<Rate>().unwrap().per, Duration::from_secs(1));
    assert_eq!("0".parse::<Rate>().unwrap().count, 0);
    assert!("ten/m".parse::<Rate>().is_err());
    assert!("5/0s".parse::<Rate>().is_err());
}

#[test]
fn per_ip_cap_refuses_the_next_and_frees_on_drop() {
    let limiter = limiter(2, 0, "0");
    let a = limiter.admit(ip("10.0.0.1")).unwrap();
    let _b = limiter.admit(ip("10.0.0.1")).unwrap();
    assert_eq!(limiter.admit(ip("10.0.0.1")).unwrap_err(), Refusal::MaxPerIp);
    assert!(limiter.admit(ip("10.0.0.2")).is_ok(), "another source still gets in");
    drop(a);
    assert!(limiter.admit(ip("10.0.0.1")).is_ok());
}

#[test]
fn handshake_slots_free_when_the_session_starts() {
    let limiter = limiter(0, 1, "0");
    let mut first = limiter.admit(ip("10.0.0.1")).unwrap();
    assert_eq!(limiter.admit(ip("10.0.0.1")).unwrap_err(), Refusal::MaxStartupsPerIp);
    first.handshake_done();
    assert!(limiter.admit(ip("10.0.0.1")).is_ok());
}

#[test]
fn rate_limit_refuses_past_the_bucket() {
    let limiter = limiter(0, 0, "3/1h");
    let held: Vec<_> = (0..3).map(|_| limiter.admit(ip("10.0.0.1")).unwrap()).collect();
    drop(held);
    assert_eq!(limiter.admit(ip("10.0.0.1")).unwrap_err(), Refusal::RatePerIp);
}

#[test]
fn global_cap_applies_to_everyone() {
    let limiter = Limiter::new(Limits { max_connections: 1, ..Limits::default() });
    let _one = limiter.admit(ip("10.0.0.1")).unwrap();
    assert_eq!(limiter.admit(ip("10.0.0.2")).unwrap_err(), Refusal::MaxConnections);
    assert_eq!(limiter.open(), 1);
}

#[test]
fn a_slot_counts_under_the_global_cap_and_a_refusal_gives_it_back() {
    let limiter = Limiter::new(Limits { max_connections: 2, max_per_ip: 1, ..Limits::default() });
    let _first = limiter.admit(ip("10.0.0.1")).unwrap();
    let slot = limiter.slot().unwrap();
    assert_eq!(limiter.open(), 2);
    assert_eq!(limiter.slot().unwrap_err(), Refusal::MaxConnections);
    assert_eq!(limiter.admit_in(slot, ip("10.0.0.1")).unwrap_err(), Refusal::MaxPerIp);
    assert_eq!(limiter.open(), 1);
}

#[test]
fn mapped_v4_and_v6_prefixes_share_a_key() {
    assert_eq!(SourceKey::from(ip("::ffff:10.0.0.1")), SourceKey::from(ip("10.0.0.1")));
    assert_eq!(SourceKey::from(ip("2001:db8::1")), SourceKey::from(ip("2001:db8::ffff:1")));
    assert_ne!(SourceKey::from(ip("2001:db8:0:1::1")), SourceKey::from(ip("2001:db8:0:2::1")));
}

#[test]
fn address_table_stays_bounded() {
    let limiter = limiter(0, 0, "0");
    for n in 0..(MAX_TRACKED_ADDRESSES as u32 + 10) {
        drop(limiter.admit(IpAddr::V4(n.into())).unwrap());
    }
    assert!(limiter.tracked() <= MAX_TRACKED_ADDRESSES);
}

#[test]
fn a_full_table_of_active_addresses_refuses_new_ones_and_serves_known_ones() {
    let limiter = Limiter::new(Limits {
        max_connections: MAX_TRACKED_ADDRESSES + 10,
        max_startups_per_ip: 0,
        max_per_ip: 0,
        rate_per_ip: "0".parse().unwrap(),
    });
    // Every tracked address holds an open connection: nothing is idle to drop.
    let open: Vec<Admission> =
        (0..MAX_TRACKED_ADDRESSES as u32).map(|n| limiter.admit(IpAddr::V4(n.into())).unwrap()).collect();
    assert_eq!(limiter.tracked(), MAX_TRACKED_ADDRESSES);
    let newcomer = ip("203.0.113.7");
    assert_eq!(limiter.admit(newcomer).err(), Some(Refusal::AddressTableFull));
    assert!(limiter.admit(IpAddr::V4(5u32.into())).is_ok(), "a known address still gets in");
    assert_eq!(limiter.open(), MAX_TRACKED_ADDRESSES, "the refusal gave its slot back");
    // One address leaving makes room for the newcomer.
    drop(open);
    assert!(limiter.admit(newcomer).is_ok());
}

#[test]
fn refusal_log_is_throttled() {
    let log = RefusalLog::new(Duration::from_secs(3600));
    assert_eq!(log.should_log(Refusal::MaxPerIp), Some(0));
    assert_eq!(log.should_log(Refusal::MaxPerIp), None);
    assert_eq!(log.should_log(Refusal::RatePerIp), Some(0));
}
