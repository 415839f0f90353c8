//! A small HTTP/1.1 client over a raw socket, for tests of the web view: it sends
//! exactly the request head a test writes (no headers added but `Host` and
//! `Connection: close`), and hands back the status, the headers and the body with any
//! chunked transfer coding removed (content codings are left to the test).

use std::net::SocketAddr;
use std::sync::Arc;

use ssh_resume::web::{self, WebSettings};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{LIVENESS, TestServer};

/// A response as it came over the wire.
#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    /// Header names lower-cased, in order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// Every value of header `name`, joined with `, ` as HTTP allows.
    pub fn header_list(&self, name: &str) -> String {
        let values: Vec<&str> =
            self.headers.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect();
        values.join(", ")
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("the body is not UTF-8")
    }

    /// The body with its `Content-Encoding` (gzip or br) undone.
    pub fn decoded(&self) -> Vec<u8> {
        use std::io::Read;
        let mut out = Vec::new();
        match self.header("content-encoding") {
            None => out.extend_from_slice(&self.body),
            Some("gzip") => {
                flate2::read::GzDecoder::new(&self.body[..]).read_to_end(&mut out).unwrap();
            }
            Some("br") => {
                brotli::Decompressor::new(&self.body[..], 4096).read_to_end(&mut out).unwrap();
            }
            Some(other) => panic!("unexpected content encoding {other}"),
        }
        out
    }
}

/// Sends `method path` with `headers` and reads the whole response (the server closes
/// the connection after it).
pub async fn request(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)]) -> HttpResponse {
    send(addr, method, path, headers, &[], LIVENESS).await
}

/// Sends a request with `body` (and its `Content-Length`, when not empty); panics
/// without a whole response within `patience`.
pub async fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    patience: std::time::Duration,
) -> HttpResponse {
    let mut head = format!("{method} {path} HTTP/1.1\r\n");
    if !headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("host")) {
        head.push_str("Host: localhost\r\n");
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("Connection: close\r\n\r\n");
    let head_only = method == "HEAD";
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(body).await.unwrap();
        let mut response = Vec::new();
        let mut chunk = [0u8; 16 * 1024];
        // Until the server closes, or the response is complete (not every server
        // closes after `Connection: close`).
        while !is_complete(&response, head_only) {
            match stream.read(&mut chunk).await.unwrap() {
                0 => break,
                n => response.extend_from_slice(&chunk[..n]),
            }
        }
        response
    };
    let raw = tokio::time::timeout(patience, exchange).await.expect("no HTTP response in time");
    parse(&raw, head_only)
}

/// Whether `raw` holds a whole response whose end is known without the connection
/// closing: one with a `Content-Length`, or a 304.
fn is_complete(raw: &[u8], head_only: bool) -> bool {
    let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else { return false };
    let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
    let length = head.lines().find_map(|line| line.strip_prefix("content-length:")).map(str::trim);
    match length.and_then(|l| l.parse::<usize>().ok()) {
        Some(_) if head_only => true,
        Some(length) => raw.len() >= end + 4 + length,
        None => head.starts_with("http/1.1 304"),
    }
}

/// `GET path` with `headers`.
pub async fn get(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> HttpResponse {
    request(addr, "GET", path, headers).await
}

/// Splits a raw response into its parts.
pub fn parse(raw: &[u8], head_only: bool) -> HttpResponse {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("no end of the response head");
    let head = std::str::from_utf8(&raw[..end]).expect("the response head is not UTF-8");
    let mut lines = head.split("\r\n");
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let rest = &raw[end + 4..];
    let chunked = headers.iter().any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    let body = if head_only {
        Vec::new()
    } else if chunked {
        dechunk(rest)
    } else {
        rest.to_vec()
    };
    HttpResponse { status, headers, body }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").expect("a chunk size line");
        let size_text = std::str::from_utf8(&data[..line_end]).unwrap();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        data = &data[line_end + 2..];
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

impl TestServer {
    /// Starts the web view on `127.0.0.1:0` for this server, with the test's settings
    /// (the host key's fingerprint and, unless set, the SSH port filled in, as `cli` does).
    pub async fn start_web(&self, settings: WebSettings) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let ssh_port = settings.ssh_port.or(Some(self.addr.port()));
        let settings = WebSettings { fingerprint: self.fingerprint.clone(), ssh_port, ..settings };
        tokio::spawn(web::serve(listener, Arc::clone(&self.shared.service), settings));
        addr
    }
}
