//! Who a request is really from: the direct peer, or, when that peer is a trusted
//! reverse proxy, the client it names in `X-Forwarded-For`.
//!
//! The header is read right to left, the way proxies append to it: hops that are
//! trusted proxies themselves are skipped, and the first address that is not one is the
//! client. Anything a client wrote further left is never believed. A peer that is not
//! trusted is the client, whatever headers it sends. `Forwarded` (RFC 7239) is not read:
//! Caddy, nginx and the common balancers send `X-Forwarded-For`.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;

use axum::http::HeaderMap;

/// An address block such as `10.0.0.0/8` or `2001:db8::/32`; a bare address is a /32
/// or /128.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// `127.0.0.0/8` and `::1/128`: a proxy on the same host.
    pub fn loopback() -> [Cidr; 2] {
        [
            Cidr { network: IpAddr::V4(Ipv4Addr::new(127, 0, 0, 0)), prefix: 8 },
            Cidr { network: IpAddr::V6(Ipv6Addr::LOCALHOST), prefix: 128 },
        ]
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => mask32(ip.into(), self.prefix) == u32::from(net),
            (IpAddr::V6(net), IpAddr::V6(ip)) => mask128(ip.into(), self.prefix) == u128::from(net),
            _ => false,
        }
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{s}` is not an address block: write e.g. 10.0.0.0/8, 192.0.2.7 or fd00::/8");
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix.parse::<u8>().map_err(|_| bad())?)),
            None => (s.trim(), None),
        };
        let network = canonical(addr.parse::<IpAddr>().map_err(|_| bad())?);
        let bits = if network.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(bits);
        if prefix > bits {
            return Err(bad());
        }
        // Host bits are dropped: `10.1.2.3/8` means `10.0.0.0/8`.
        let network = match network {
            IpAddr::V4(v4) => IpAddr::V4(mask32(v4.into(), prefix).into()),
            IpAddr::V6(v6) => IpAddr::V6(mask128(v6.into(), prefix).into()),
        };
        Ok(Self { network, prefix })
    }
}

fn mask32(value: u32, prefix: u8) -> u32 {
    value.checked_shr(32 - u32::from(prefix)).unwrap_or(0).checked_shl(32 - u32::from(prefix)).unwrap_or(0)
}

fn mask128(value: u128, prefix: u8) -> u128 {
    value.checked_shr(128 - u32::from(prefix)).unwrap_or(0).checked_shl(128 - u32::from(prefix)).unwrap_or(0)
}

/// IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`) as the IPv4 address they are.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
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
    hop.parse::<IpAddr>().ok().or_else(|| hop.parse::<SocketAddr>().ok().map(|addr| addr.ip())).map(canonical)
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
    fn blocks_parse_and_contain() {
        let block: Cidr = "10.1.2.3/8".parse().unwrap();
        assert_eq!(block.to_string(), "10.0.0.0/8");
        assert!(block.contains(ip("10.200.0.1")) && !block.contains(ip("11.0.0.1")));
        assert!(block.contains(ip("::ffff:10.0.0.9")), "mapped IPv4 counts as IPv4");
        let v6: Cidr = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains(ip("2001:db8:ffff::1")) && !v6.contains(ip("2001:db9::1")));
        let host: Cidr = "192.0.2.7".parse().unwrap();
        assert!(host.contains(ip("192.0.2.7")) && !host.contains(ip("192.0.2.8")));
        let everything: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(everything.contains(ip("203.0.113.1")) && !everything.contains(ip("::2")));
        for bad in ["10.0.0.0/33", "::/129", "example.org", "10.0.0.0/x", ""] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let headers = forwarded(&["198.51.100.1"]);
        assert_eq!(client_ip(ip("203.0.113.9"), &headers, &Cidr::loopback()), ip("203.0.113.9"));
        assert_eq!(client_ip(ip("127.0.0.1"), &headers, &[]), ip("127.0.0.1"));
    }

    #[test]
    fn a_trusted_peer_names_the_rightmost_untrusted_hop() {
        let mut proxies = Cidr::loopback().to_vec();
        proxies.push("10.0.0.0/8".parse().unwrap());
        let headers = forwarded(&["6.6.6.6, 198.51.100.1", "10.0.0.2"]);
        assert_eq!(client_ip(ip("127.0.0.1"), &headers, &proxies), ip("198.51.100.1"));
        let ported = forwarded(&["[2001:db8::5]:4711"]);
        assert_eq!(client_ip(ip("::1"), &ported, &proxies), ip("2001:db8::5"));
    }

    #[test]
    fn without_a_usable_header_the_last_trusted_hop_stands() {
        let proxies = Cidr::loopback();
        assert_eq!(client_ip(ip("127.0.0.1"), &HeaderMap::new(), &proxies), ip("127.0.0.1"));
        let garbage = forwarded(&["198.51.100.1, not-an-address"]);
        assert_eq!(client_ip(ip("127.0.0.1"), &garbage, &proxies), ip("127.0.0.1"));
    }
}
