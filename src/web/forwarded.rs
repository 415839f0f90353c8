//! Who a request is really from: the direct peer, or, when that peer is a trusted
//! reverse proxy, the client it names in `X-Forwarded-For`.
//!
//! The header is read right to left, the way proxies append to it: hops that are
//! trusted proxies themselves are skipped, and the first address that is not one is the
//! client. Anything a client wrote further left is never believed. A peer that is not
//! trusted is the client, whatever headers it sends. `Forwarded` (RFC 7239) is not read:
//! Caddy, nginx and the common balancers send `X-Forwarded-For`.

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;

pub use crate::admission::cidr::Cidr;

/// `127.0.0.0/8` and `::1`: a proxy on the same host, trusted by default.
pub fn loopback() -> Vec<Cidr> {
    ["127.0.0.0/8", "::1"].iter().filter_map(|block| block.parse().ok()).collect()
}

/// Whether `ip` is in any of `blocks`.
pub fn trusted(blocks: &[Cidr], ip: IpAddr) -> bool {
    blocks.iter().any(|block| block.contains(ip))
}

/// The client behind `peer`: the rightmost `X-Forwarded-For` hop that is not a trusted
/// proxy, when `peer` is one; otherwise `peer` itself. A malformed hop ends the walk at
/// the last proxy that vouched for it.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, proxies: &[Cidr]) -> IpAddr {
    let mut client = peer;
    if !trusted(proxies, peer) {
        return client;
    }
    let values: Vec<&str> =
        headers.get_all("x-forwarded-for").iter().filter_map(|value| value.to_str().ok()).collect();
    for hop in values.iter().rev().flat_map(|value| value.rsplit(',')) {
        let Some(ip) = parse_hop(hop.trim()) else { return client };
        client = ip;
        if !trusted(proxies, ip) {
            break;
        }
    }
    client
}

/// `192.0.2.1`, `2001:db8::1`, `192.0.2.1:4711` or `[2001:db8::1]:4711`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|addr| addr.ip()))
        .map(|ip| ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn loopback_is_both_families() {
        let blocks = loopback();
        assert!(trusted(&blocks, ip("127.0.0.1")) && trusted(&blocks, ip("127.9.9.9")));
        assert!(trusted(&blocks, ip("::1")) && trusted(&blocks, ip("::ffff:127.0.0.1")));
        assert!(!trusted(&blocks, ip("10.0.0.1")) && !trusted(&blocks, ip("::2")));
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let headers = forwarded(&["198.51.100.1"]);
        assert_eq!(client_ip(ip("203.0.113.9"), &headers, &loopback()), ip("203.0.113.9"));
        assert_eq!(client_ip(ip("127.0.0.1"), &headers, &[]), ip("127.0.0.1"));
    }

    #[test]
    fn a_trusted_peer_names_the_rightmost_untrusted_hop() {
        let mut proxies = loopback();
        proxies.push("10.0.0.0/8".parse().unwrap());
        let headers = forwarded(&["6.6.6.6, 198.51.100.1", "10.0.0.2"]);
        assert_eq!(client_ip(ip("127.0.0.1"), &headers, &proxies), ip("198.51.100.1"));
        let ported = forwarded(&["[2001:db8::5]:4711"]);
        assert_eq!(client_ip(ip("::1"), &ported, &proxies), ip("2001:db8::5"));
    }

    #[test]
    fn without_a_usable_header_the_last_trusted_hop_stands() {
        let proxies = loopback();
        assert_eq!(client_ip(ip("127.0.0.1"), &HeaderMap::new(), &proxies), ip("127.0.0.1"));
        let garbage = forwarded(&["198.51.100.1, not-an-address"]);
        assert_eq!(client_ip(ip("127.0.0.1"), &garbage, &proxies), ip("127.0.0.1"));
    }
}
