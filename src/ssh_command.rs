//! What a visitor types to reach this server — `ssh HOST`, or `ssh -p PORT HOST` off
//! port 22 — in one place for everything that shows it: the view's help box and share
//! card, the `help` exec command and the web page. The host is the configured public
//! one (`--public-host host[:port]`) when there is one, else the address or host name
//! the visitor used. A leaf: imports nothing of ours.

use std::net::SocketAddr;

/// SSH's own port: the command needs no `-p` for it.
const SSH_PORT: u16 = 22;

/// `ssh HOST`, or `ssh -p PORT HOST` when `port` is another than 22.
pub fn for_host(host: &str, port: Option<u16>) -> String {
    match port {
        Some(port) if port != SSH_PORT => format!("ssh -p {port} {host}"),
        _ => format!("ssh {host}"),
    }
}

/// The command for a configured public `host[:port]`; an IPv6 address with a port is
/// written in brackets (`[2001:db8::7]:2222`), as in URLs.
pub fn for_public_host(public: &str) -> String {
    if let Ok(addr) = public.parse::<SocketAddr>() {
        return for_address(addr);
    }
    match public.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => match port.parse::<u16>() {
            Ok(port) => for_host(host, Some(port)),
            Err(_) => for_host(public, None),
        },
        _ => for_host(public.trim_start_matches('[').trim_end_matches(']'), None),
    }
}

/// The command for the address a visitor connected to.
pub fn for_address(addr: SocketAddr) -> String {
    for_host(&addr.ip().to_string(), Some(addr.port()))
}

/// The `scp` command that copies `file` from the same server into the current
/// directory, from an `ssh` command made here: `scp [-P PORT] HOST:FILE .` (scp takes
/// the port as `-P`). An IPv6 address is bracketed, as scp needs.
pub fn scp_for(ssh_command: &str, file: &str) -> String {
    let target = ssh_command.strip_prefix("ssh ").unwrap_or(ssh_command);
    let (port, host) = match target.strip_prefix("-p ").and_then(|rest| rest.split_once(' ')) {
        Some((port, host)) => (format!("-P {port} "), host),
        None => (String::new(), target),
    };
    let host = if host.contains(':') { format!("[{host}]") } else { host.to_owned() };
    format!("scp {port}{host}:{file} .")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scp_takes_the_port_as_capital_p_and_brackets_ipv6() {
        assert_eq!(
            scp_for(&for_host("cv.example.org", None), "resume.pdf"),
            "scp cv.example.org:resume.pdf ."
        );
        assert_eq!(
            scp_for(&for_host("cv.example.org", Some(2222)), "resume.pdf"),
            "scp -P 2222 cv.example.org:resume.pdf ."
        );
        assert_eq!(scp_for(&for_host("2001:db8::7", Some(2222)), "x"), "scp -P 2222 [2001:db8::7]:x .");
    }

    #[test]
    fn port_22_needs_no_flag() {
        assert_eq!(for_public_host("resume.example.com"), "ssh resume.example.com");
        assert_eq!(for_public_host("resume.example.com:22"), "ssh resume.example.com");
        assert_eq!(for_address("192.0.2.7:22".parse().unwrap()), "ssh 192.0.2.7");
    }

    #[test]
    fn other_ports_are_named() {
        assert_eq!(for_public_host("resume.example.com:2222"), "ssh -p 2222 resume.example.com");
        assert_eq!(for_address("127.0.0.1:2222".parse().unwrap()), "ssh -p 2222 127.0.0.1");
        assert_eq!(for_address("[::1]:2222".parse().unwrap()), "ssh -p 2222 ::1");
    }

    #[test]
    fn ipv6_public_hosts_lose_their_brackets() {
        assert_eq!(for_public_host("[2001:db8::7]:2222"), "ssh -p 2222 2001:db8::7");
        assert_eq!(for_public_host("2001:db8::7"), "ssh 2001:db8::7");
        assert_eq!(for_public_host("[2001:db8::7]"), "ssh 2001:db8::7");
    }
}
