//! Behind a load balancer: the PROXY protocol header (v1 text or v2 binary) in which the
//! balancer names the visitor, and the addresses trusted to send it.
//!
//! With `--proxy-protocol` every connection must come from a trusted proxy and start
//! with a header; the accept loop refuses anyone else before reading a byte, so nobody
//! can claim another address. [`read_header`] reads exactly the header and not one byte
//! more: the client's SSH version line, even when it came in the same TCP segment, stays
//! in the socket for russh. The parsing itself is the `ppp` crate's. This module does
//! not apply limits or time anything; the accept loop in `mod.rs` does.

use std::net::{IpAddr, SocketAddr};

use ppp::{v1, v2};
use tokio::io::{AsyncRead, AsyncReadExt};

use crate::admission::cidr::Cidr;

/// `--proxy-protocol` with its `--trusted-proxy` ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyProtocol {
    pub trusted: Vec<Cidr>,
}

impl ProxyProtocol {
    /// May `ip` connect and say who the visitor is?
    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.trusted.iter().any(|range| range.contains(ip))
    }
}

/// What a valid header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Header {
    /// A visitor at `source` who connected to the balancer at `destination`.
    Proxied { source: SocketAddr, destination: SocketAddr },
    /// The balancer relays a connection whose source it cannot name (v1 `UNKNOWN`, v2
    /// `PROXY` with an unspecified or UNIX address): the connection's own addresses count.
    Unknown,
    /// v2 `LOCAL`: the balancer's own connection, e.g. HAProxy's health check.
    Local,
}

/// Why a trusted proxy's connection did not start with a valid header.
#[derive(Debug, thiserror::Error)]
pub enum HeaderError {
    #[error("closed before the end of the PROXY header")]
    Closed,
    #[error("cannot read the PROXY header: {0}")]
    Io(std::io::Error),
    #[error("the connection does not start with a PROXY header")]
    Missing,
    #[error("the PROXY header is longer than {0} bytes")]
    TooLong(usize),
    #[error("invalid PROXY header: {0}")]
    Invalid(String),
}

impl From<std::io::Error> for HeaderError {
    fn from(err: std::io::Error) -> Self {
        match err.kind() {
            std::io::ErrorKind::UnexpectedEof => HeaderError::Closed,
            _ => HeaderError::Io(err),
        }
    }
}

const V1_PREFIX: &[u8] = b"PROXY ";
const V2_SIGNATURE: &[u8] = v2::PROTOCOL_PREFIX;
/// No header is shorter: `PROXY UNKNOWN\r\n`; a v2 header has at least 16 bytes.
const SHORTEST: usize = 15;
/// The longest v1 header, CR LF included (the specification's limit).
pub const V1_MAX: usize = 107;
/// The most address and TLV bytes a v2 header may carry here. HAProxy sends 12 (IPv4)
/// or 36 (IPv6) plus the TLVs it is configured to add; the bound caps each header's
/// buffer, and the global connection cap bounds how many are read at once.
pub const V2_MAX_PAYLOAD: usize = 2048;

/// A stream whose next bytes can be looked at without taking them.
pub trait Peek: AsyncRead + Unpin {
    /// Copies bytes that are ready (at least one, waiting for one if needed) into
    /// `buf` without consuming them; returns how many.
    fn peek(&mut self, buf: &mut [u8]) -> impl Future<Output = std::io::Result<usize>> + Send;
}

impl Peek for tokio::net::TcpStream {
    fn peek(&mut self, buf: &mut [u8]) -> impl Future<Output = std::io::Result<usize>> + Send {
        tokio::net::TcpStream::peek(self, buf)
    }
}

/// Reads one PROXY header from the start of `stream`, consuming exactly its bytes.
pub async fn read_header<S: Peek + Send>(stream: &mut S) -> Result<Header, HeaderError> {
    let mut header = vec![0u8; 1];
    stream.read_exact(&mut header).await?;
    // A client's version line (`SSH-…`) is refused at its first byte, not at the timeout.
    if header[0] != V1_PREFIX[0] && header[0] != V2_SIGNATURE[0] {
        return Err(HeaderError::Missing);
    }
    header.resize(SHORTEST, 0);
    stream.read_exact(&mut header[1..]).await?;
    if header.starts_with(V2_SIGNATURE) {
        read_v2(stream, header).await
    } else if header.starts_with(V1_PREFIX) {
        read_v1(stream, header).await
    } else {
        Err(HeaderError::Missing)
    }
}

/// The rest of a v2 header: the 16-byte prefix ends with the payload's length.
async fn read_v2<S: AsyncRead + Unpin>(stream: &mut S, mut header: Vec<u8>) -> Result<Header, HeaderError> {
    header.push(stream.read_u8().await?);
    let length = usize::from(u16::from_be_bytes([header[14], header[15]]));
    if length > V2_MAX_PAYLOAD {
        return Err(HeaderError::TooLong(16 + V2_MAX_PAYLOAD));
    }
    let start = header.len();
    header.resize(start + length, 0);
    stream.read_exact(&mut header[start..]).await?;
    let parsed = v2::Header::try_from(header.as_slice()).map_err(|e| HeaderError::Invalid(e.to_string()))?;
    Ok(match (parsed.command, parsed.addresses) {
        (v2::Command::Local, _) => Header::Local,
        (v2::Command::Proxy, v2::Addresses::IPv4(a)) => Header::Proxied {
            source: SocketAddr::from((a.source_address, a.source_port)),
            destination: SocketAddr::from((a.destination_address, a.destination_port)),
        },
        (v2::Command::Proxy, v2::Addresses::IPv6(a)) => Header::Proxied {
            source: SocketAddr::from((a.source_address, a.source_port)),
            destination: SocketAddr::from((a.destination_address, a.destination_port)),
        },
        (v2::Command::Proxy, v2::Addresses::Unspecified | v2::Addresses::Unix(_)) => Header::Unknown,
    })
}

/// The rest of a v1 line (at most [`V1_MAX`] bytes), consuming nothing past its CR LF:
/// found in one peek at what has arrived, then read in one go; only a line that
/// arrives in pieces is read a byte at a time.
async fn read_v1<S: Peek + Send>(stream: &mut S, mut header: Vec<u8>) -> Result<Header, HeaderError> {
    let mut ahead = [0u8; V1_MAX];
    let seen = stream.peek(&mut ahead[..V1_MAX - header.len()]).await?;
    if let Some(end) = ahead[..seen].windows(2).position(|pair| pair == b"\r\n") {
        let start = header.len();
        header.resize(start + end + 2, 0);
        stream.read_exact(&mut header[start..]).await?;
    }
    while !header.ends_with(b"\r\n") {
        if header.len() >= V1_MAX {
            return Err(HeaderError::TooLong(V1_MAX));
        }
        header.push(stream.read_u8().await?);
    }
    let parsed = v1::Header::try_from(header.as_slice()).map_err(|e| HeaderError::Invalid(e.to_string()))?;
    Ok(match parsed.addresses {
        v1::Addresses::Tcp4(a) => Header::Proxied {
            source: SocketAddr::from((a.source_address, a.source_port)),
            destination: SocketAddr::from((a.destination_address, a.destination_port)),
        },
        v1::Addresses::Tcp6(a) => Header::Proxied {
            source: SocketAddr::from((a.source_address, a.source_port)),
            destination: SocketAddr::from((a.destination_address, a.destination_port)),
        },
        v1::Addresses::Unknown => Header::Unknown,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes that have all arrived, as a stream that can be peeked at.
    struct Arrived(std::io::Cursor<Vec<u8>>);

    impl AsyncRead for Arrived {
        fn poll_read(
            mut self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
            buf: &mut tokio::io::ReadBuf<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            std::pin::Pin::new(&mut self.0).poll_read(cx, buf)
        }
    }

    impl Peek for Arrived {
        async fn peek(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let at = usize::try_from(self.0.position()).unwrap();
            let rest = &self.0.get_ref()[at..];
            let n = rest.len().min(buf.len());
            buf[..n].copy_from_slice(&rest[..n]);
            Ok(n)
        }
    }

    /// Reads a header from `bytes` and returns it with what is left in the stream.
    async fn read(bytes: &[u8]) -> (Result<Header, HeaderError>, Vec<u8>) {
        let mut ours = Arrived(std::io::Cursor::new(bytes.to_vec()));
        let header = read_header(&mut ours).await;
        let mut rest = Vec::new();
        ours.read_to_end(&mut rest).await.unwrap();
        (header, rest)
    }

    fn v2_proxy(source: &str, destination: &str) -> Vec<u8> {
        let addresses = (source.parse::<SocketAddr>().unwrap(), destination.parse::<SocketAddr>().unwrap());
        v2::Builder::with_addresses(0x21, v2::Protocol::Stream, addresses).build().unwrap()
    }

    #[tokio::test]
    async fn v2_header_then_the_version_line_leaves_the_line_unread() {
        let mut bytes = v2_proxy("127.0.0.5:40000", "127.0.0.1:22");
        bytes.extend_from_slice(b"SSH-2.0-OpenSSH_9.6\r\n");
        let (header, rest) = read(&bytes).await;
        let source = "127.0.0.5:40000".parse().unwrap();
        let destination = "127.0.0.1:22".parse().unwrap();
        assert_eq!(header.unwrap(), Header::Proxied { source, destination });
        assert_eq!(rest, b"SSH-2.0-OpenSSH_9.6\r\n");
    }

    #[tokio::test]
    async fn v2_ipv6_and_tlvs() {
        let addresses = ("[2001:db8::5]:1234".parse::<SocketAddr>().unwrap(), "[::1]:22".parse().unwrap());
        let mut bytes = v2::Builder::with_addresses(0x21, v2::Protocol::Stream, addresses)
            .write_tlv(v2::Type::UniqueId, b"abc")
            .unwrap()
            .build()
            .unwrap();
        bytes.extend_from_slice(b"SSH");
        let (header, rest) = read(&bytes).await;
        assert!(matches!(header.unwrap(), Header::Proxied { source, .. } if source.port() == 1234));
        assert_eq!(rest, b"SSH");
    }

    #[tokio::test]
    async fn v2_local_is_a_health_check() {
        let bytes = v2::Builder::with_addresses(0x20, v2::Protocol::Unspecified, v2::Addresses::Unspecified)
            .build()
            .unwrap();
        assert_eq!(read(&bytes).await.0.unwrap(), Header::Local);
    }

    #[tokio::test]
    async fn v1_header_then_the_version_line_leaves_the_line_unread() {
        let (header, rest) = read(b"PROXY TCP4 192.0.2.7 127.0.0.1 5555 22\r\nSSH-2.0-x\r\n").await;
        assert!(
            matches!(header.unwrap(), Header::Proxied { source, .. } if source == "192.0.2.7:5555".parse().unwrap())
        );
        assert_eq!(rest, b"SSH-2.0-x\r\n");
        let (header, rest) = read(b"PROXY TCP6 2001:db8::1 ::1 5555 22\r\n").await;
        assert!(matches!(header.unwrap(), Header::Proxied { .. }));
        assert!(rest.is_empty());
        assert_eq!(read(b"PROXY UNKNOWN\r\n").await.0.unwrap(), Header::Unknown);
    }

    #[tokio::test]
    async fn no_header_or_a_broken_one_is_an_error() {
        let (header, rest) = read(b"SSH-2.0-OpenSSH_9.6\r\n").await;
        assert!(matches!(header, Err(HeaderError::Missing)), "{header:?}");
        assert_eq!(rest, b"SH-2.0-OpenSSH_9.6\r\n", "refused after one byte");
        assert!(matches!(read(b"PROXY TCP4 1.2.3\r\n").await.0, Err(HeaderError::Invalid(_))));
        assert!(matches!(
            read(b"PROXY TCP4 999.0.0.1 127.0.0.1 1 2\r\n").await.0,
            Err(HeaderError::Invalid(_))
        ));
        assert!(matches!(read(b"PROXY TCP4 1.2.3.4").await.0, Err(HeaderError::Closed)));
        let long = format!("PROXY {}\r\n", "x".repeat(200));
        assert!(matches!(read(long.as_bytes()).await.0, Err(HeaderError::TooLong(V1_MAX))));
        let mut huge = v2_proxy("127.0.0.5:1", "127.0.0.1:2");
        huge[14..16].copy_from_slice(&u16::MAX.to_be_bytes());
        assert!(matches!(read(&huge).await.0, Err(HeaderError::TooLong(_))));
        let mut wrong_version = v2_proxy("127.0.0.5:1", "127.0.0.1:2");
        wrong_version[12] = 0x11;
        assert!(matches!(read(&wrong_version).await.0, Err(HeaderError::Invalid(_))));
    }
}
