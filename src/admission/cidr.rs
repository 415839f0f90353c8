//! Address ranges (`ADDRESS/PREFIX`), as `--trusted-proxy` and `--http-trusted-proxy`
//! take them: parsed, printed and matched (by the `ipnet` crate). IPv4-mapped IPv6 addresses count as IPv4,
//! so `10.0.0.0/8` matches `::ffff:10.1.2.3`. A leaf: imports nothing of ours.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;

/// An address range, `ADDRESS/PREFIX`; a bare address is a range of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr(IpNet);

impl Cidr {
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.contains(&ip.to_canonical())
    }
}

/// Why a text is not an address range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CidrError {
    #[error("`{0}` is not an address or CIDR range like 10.0.0.0/8 or 2001:db8::/32")]
    NotARange(String),
    #[error("`{text}` has bits set past the /{prefix} prefix: write {network}/{prefix}")]
    HostBits { text: String, network: IpAddr, prefix: u8 },
}

impl FromStr for Cidr {
    type Err = CidrError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || CidrError::NotARange(text.to_owned());
        let (address, prefix) = text.split_once('/').map_or((text, None), |(a, p)| (a, Some(p)));
        let address: IpAddr = address.trim().parse().map_err(|_| bad())?;
        let address = address.to_canonical();
        let net = match prefix {
            None => IpNet::from(address),
            Some(prefix) => {
                let prefix = prefix.trim().parse::<u8>().map_err(|_| bad())?;
                IpNet::new(address, prefix).map_err(|_| bad())?
            }
        };
        if net.trunc() != net {
            let (network, prefix) = (net.network(), net.prefix_len());
            return Err(CidrError::HostBits { text: text.to_owned(), network, prefix });
        }
        Ok(Self(net))
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.0.addr(), self.0.prefix_len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn cidr(text: &str) -> Cidr {
        text.parse().unwrap()
    }

    #[test]
    fn ranges_contain_their_addresses() {
        assert!(cidr("10.0.0.0/8").contains(ip("10.255.1.2")));
        assert!(!cidr("10.0.0.0/8").contains(ip("11.0.0.1")));
        assert!(cidr("127.0.0.1").contains(ip("127.0.0.1")));
        assert!(!cidr("127.0.0.1").contains(ip("127.0.0.2")));
        assert!(cidr("0.0.0.0/0").contains(ip("192.0.2.1")));
        assert!(!cidr("0.0.0.0/0").contains(ip("2001:db8::1")));
        assert!(cidr("2001:db8::/32").contains(ip("2001:db8:ffff::1")));
        assert!(cidr("::/0").contains(ip("::1")));
        assert!(cidr("10.0.0.0/8").contains(ip("::ffff:10.1.2.3")), "mapped IPv4 is IPv4");
        assert_eq!(cidr("::ffff:10.0.0.1").to_string(), "10.0.0.1/32", "written as IPv4");
        assert_eq!(cidr(" 192.0.2.0/24 ").to_string(), "192.0.2.0/24");
    }

    #[test]
    fn bad_ranges_say_what_to_write() {
        let err = "10.0.0.1/8".parse::<Cidr>().unwrap_err().to_string();
        assert!(err.contains("write 10.0.0.0/8"), "{err}");
        assert!("10.0.0.0/33".parse::<Cidr>().is_err());
        assert!("example.com".parse::<Cidr>().is_err());
        assert!("10.0.0.0/".parse::<Cidr>().is_err());
    }
}
