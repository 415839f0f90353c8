//! `ssh-resume healthcheck`: is an SSH server answering on this address? It connects
//! over TCP, reads until the server's `SSH-2.0-` version line (RFC 4253 section 4.2
//! lets a server send other lines first), sends its own version line so the server logs
//! an SSH client rather than a port scan, and hangs up before the key exchange.
//!
//! Against a server behind a load balancer (`--proxy-protocol`), `--proxy-protocol`
//! makes the probe start with a PROXY v2 `LOCAL` header, as the balancer's own health
//! check does; the server must trust the probe's address (e.g. `--trusted-proxy 127.0.0.1`).
//!
//! It exists so a container image needs no curl or ssh client for its `HEALTHCHECK`.
//! It does not log in, so it proves the listener and the handshake start, not the TUI.
//! Blocking `std::net` with deadlines: it runs alone in its own short-lived process.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// What the probe sends once the server has identified itself.
pub const CLIENT_VERSION: &str = "SSH-2.0-ssh-resume-healthcheck";

/// A PROXY protocol v2 header with the `LOCAL` command and no addresses: the signature,
/// version 2 + LOCAL, unspecified family and protocol, and a zero length.
pub const PROXY_V2_LOCAL: [u8; 16] = *b"\r\n\r\n\0\r\nQUIT\n\x20\x00\x00\x00";

/// Most bytes read while looking for the version line, so a chatty peer cannot make
/// the probe read forever (RFC 4253 caps each line at 255 bytes).
const MAX_PREAMBLE: u64 = 8 * 1024;

/// Why the address is not a healthy SSH server. Each message is complete on its own
/// (the I/O error is in it, not a separate source), so `{:#}` prints it once.
#[derive(Debug, thiserror::Error)]
pub enum HealthError {
    #[error("cannot connect to {addr}: {cause}; is ssh-resume running and listening there?")]
    Connect { addr: SocketAddr, cause: std::io::Error },
    #[error("{addr} sent no SSH version line within {timeout:?}")]
    Timeout { addr: SocketAddr, timeout: Duration },
    #[error("{addr}: cannot read the SSH version line: {cause}")]
    Read { addr: SocketAddr, cause: std::io::Error },
    #[error("{addr} closed the connection without sending an SSH version line")]
    Closed { addr: SocketAddr },
    #[error("{addr} sent {MAX_PREAMBLE} bytes without an SSH version line")]
    TooLong { addr: SocketAddr },
    #[error("{addr} answered {line:?}, not an SSH-2.0 version line")]
    NotSsh2 { addr: SocketAddr, line: String },
}

/// Connects to `addr` and returns the server's version line (printable ASCII only),
/// all within `timeout`; with `proxy_local`, sends [`PROXY_V2_LOCAL`] first.
pub fn check(addr: SocketAddr, timeout: Duration, proxy_local: bool) -> Result<String, HealthError> {
    let deadline = Instant::now() + timeout;
    let stream = TcpStream::connect_timeout(&addr, timeout).map_err(|cause| match cause.kind() {
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
            HealthError::Timeout { addr, timeout }
        }
        _ => HealthError::Connect { addr, cause },
    })?;
    if proxy_local {
        stream.set_write_timeout(Some(timeout)).map_err(|cause| HealthError::Read { addr, cause })?;
        (&stream).write_all(&PROXY_V2_LOCAL).map_err(|cause| HealthError::Read { addr, cause })?;
    }
    let mut reader = BufReader::new((&stream).take(MAX_PREAMBLE));
    let mut line = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(HealthError::Timeout { addr, timeout });
        }
        stream.set_read_timeout(Some(left)).map_err(|cause| HealthError::Read { addr, cause })?;
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) if reader.get_ref().limit() == 0 => return Err(HealthError::TooLong { addr }),
            Ok(0) => return Err(HealthError::Closed { addr }),
            Ok(_) if line.starts_with(b"SSH-") => break,
            Ok(_) => continue,
            Err(err) if is_timeout(&err) => return Err(HealthError::Timeout { addr, timeout }),
            Err(cause) => return Err(HealthError::Read { addr, cause }),
        }
    }
    let version = printable(&line);
    if !is_ssh2(&version) {
        return Err(HealthError::NotSsh2 { addr, line: version });
    }
    // Best effort: the answer is already known, and the server may have hung up.
    let _ = (&stream).write_all(format!("{CLIENT_VERSION}\r\n").as_bytes());
    Ok(version)
}

fn is_timeout(err: &std::io::Error) -> bool {
    matches!(err.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)
}

/// `SSH-2.0-…`, or `SSH-1.99-…`, which RFC 4253 section 5.1 defines as 2.0-compatible.
fn is_ssh2(version: &str) -> bool {
    ["SSH-2.0-", "SSH-1.99-"].iter().any(|prefix| version.len() > prefix.len() && version.starts_with(prefix))
}

/// The line without its CR LF, with anything but printable ASCII shown as `?`, so a
/// hostile peer cannot send escape sequences to the terminal that prints it.
fn printable(line: &[u8]) -> String {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    line.iter().map(|&byte| if (0x20..0x7f).contains(&byte) { char::from(byte) } else { '?' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_lines() {
        assert!(is_ssh2("SSH-2.0-russh_0.65.1"));
        assert!(is_ssh2("SSH-1.99-OpenSSH_3.0"));
        assert!(!is_ssh2("SSH-1.5-old"));
        assert!(!is_ssh2("SSH-2.0-"));
        assert!(!is_ssh2("HTTP/1.1 400 Bad Request"));
    }

    #[test]
    fn the_local_header_is_what_ppp_reads_as_local() {
        let header = ppp::v2::Header::try_from(&PROXY_V2_LOCAL[..]).unwrap();
        assert_eq!(header.command, ppp::v2::Command::Local);
        assert_eq!(header.len(), PROXY_V2_LOCAL.len());
    }

    #[test]
    fn printable_strips_crlf_and_escapes() {
        assert_eq!(printable(b"SSH-2.0-x\r\n"), "SSH-2.0-x");
        assert_eq!(printable(b"SSH-2.0-\x1b[2Jx\n"), "SSH-2.0-?[2Jx");
        assert_eq!(printable("SSH-2.0-é".as_bytes()), "SSH-2.0-??");
    }
}
