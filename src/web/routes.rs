//! The web view's routes and the headers every answer carries.
//!
//! `/` is negotiated (see [`negotiate`]); `/resume.json`, `/resume.md`, `/resume.txt`
//! and `/qr.svg` are the fixed forms; `/style.css` is the page's only stylesheet. Every
//! résumé answer has a weak `ETag` and a `Last-Modified` (when the résumé was first
//! served) and is answered with 304 when the client's copy is current; it may be kept
//! for a minute, so a reload reaches readers within one. Every answer, errors included,
//! carries a CSP that allows no script at all, and the other security headers. Unknown
//! paths get a small 404 page; `HEAD` is answered by the `GET` routes without a body.
//! Every résumé answer is kept compressed ([`Encoded`]) and goes out in the coding the
//! client accepts best; the few small answers that are not (errors, the 404 page, the
//! message form's answer) go out as they are. Nothing is compressed per request.
//!
//! With `--web-messages` the page carries a form and `POST /message` takes it
//! (`application/x-www-form-urlencoded`, at most [`MAX_FORM_BYTES`]): a filled honeypot
//! field gets the "sent" page and stores nothing; everything else goes through the same
//! mailbox as the SSH side, limited by the visitor's address (the one a trusted proxy
//! names), and the answer is a plain page: sent, or what went wrong. The CSP then allows
//! `form-action 'self'`, and only then.

use std::sync::{Arc, LazyLock};
use std::time::{Instant, SystemTime};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use bytes::Bytes;
use sha2::{Digest, Sha256};
use tracing::debug;

use super::cache::{Encoded, Rendered};
use super::message_form::post_message;
use super::negotiate::{Choice, encoding, negotiate};
use super::page::{self, Invite};
use super::{Peer, Web, forwarded};
use crate::admission::limits::Refusal;
use crate::downloads::files::{Door, FileName};
use crate::record::Event;

/// The paths served, which are also the `route` label of the metrics (else `other`).
pub const ROUTES: [&str; 9] = [
    "/",
    "/style.css",
    "/resume.json",
    "/resume.md",
    "/resume.txt",
    "/resume.pdf",
    "/resume.vcf",
    "/qr.svg",
    "/message",
];

/// Largest `POST /message` body: every field at its limit, each character
/// percent-encoded UTF-8 (12 bytes), with room for the names.
pub const MAX_FORM_BYTES: usize = 32 * 1024;

/// No script, no frames, no forms; styles and images only from here.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; \
                       form-action 'none'; frame-ancestors 'none'";

/// [`CSP`] with the "Write to me" form posting here (`--web-messages`).
pub const CSP_WITH_FORM: &str = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; \
                                 form-action 'self'; frame-ancestors 'none'";

pub(super) const HTML: &str = "text/html; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";
const MARKDOWN: &str = "text/markdown; charset=utf-8";
const JSON: &str = "application/json";
const SVG: &str = "image/svg+xml";
const CSS: &str = "text/css; charset=utf-8";

/// Résumé answers: kept a minute, then revalidated (a 304 when nothing changed).
const RESUME_CACHING: &str = "public, max-age=60";

/// The stylesheet, addressed by a hash of its content so it can be kept for good.
pub(super) struct Style {
    body: Encoded,
    version: String,
    pub(super) href: String,
}

pub(super) static STYLE: LazyLock<Style> = LazyLock::new(|| {
    let hash = Sha256::digest(page::STYLE.as_bytes());
    let version: String = hash[..6].iter().map(|b| format!("{b:02x}")).collect();
    Style {
        body: Encoded::new(Bytes::from_static(page::STYLE.as_bytes())),
        href: format!("/style.css?v={version}"),
        version,
    }
});

pub fn router(web: Arc<Web>) -> Router {
    let mut router = Router::new();
    if web.settings.messages {
        router = router.route("/message", post(post_message));
    }
    router
        .route("/", get(index))
        .route("/style.css", get(style))
        .route("/resume.json", get(json))
        .route("/resume.md", get(markdown))
        .route("/resume.txt", get(text))
        .route("/resume.pdf", get(|state, request| file(state, request, FileName::Pdf)))
        .route("/resume.vcf", get(|state, request| file(state, request, FileName::Vcard)))
        .route("/qr.svg", get(qr))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(web.clone(), limit))
        .layer(middleware::map_response_with_state(web.clone(), security_headers))
        .layer(middleware::from_fn_with_state(web.clone(), observe))
        .with_state(web)
}

/// One answer before the conditional-request check.
struct Answer {
    body: Bytes,
    /// The body's `Content-Encoding`, when it is compressed already.
    coding: Option<&'static str>,
    content_type: &'static str,
    etag: HeaderValue,
    /// `Vary` for the answer: `Accept` too where the answer was negotiated.
    vary: &'static str,
    cors: bool,
}

impl Answer {
    fn new(body: Bytes, content_type: &'static str, etag: HeaderValue) -> Self {
        Self { body, coding: None, content_type, etag, vary: "Accept-Encoding", cors: false }
    }

    /// `body` in the coding the request accepts best.
    fn encoded(request: &HeaderMap, body: &Encoded, content_type: &'static str, etag: HeaderValue) -> Self {
        let accepted = request.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok());
        let (body, coding) = body.get(encoding(accepted));
        Self { coding, ..Self::new(body, content_type, etag) }
    }
}

/// 200 with the body, or 304 when the request's validators match; both with the
/// validators and caching headers.
fn respond(request: &HeaderMap, rendered: &Rendered, answer: Answer) -> Response {
    let current = is_current(request, &answer.etag, Some(rendered.modified));
    let mut response = if current {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = ([(header::CONTENT_TYPE, answer.content_type)], answer.body).into_response();
        if let Some(coding) = answer.coding {
            response.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        response
    };
    let headers = response.headers_mut();
    headers.insert(header::ETAG, answer.etag);
    if let Ok(date) = HeaderValue::from_str(&httpdate::fmt_http_date(rendered.modified)) {
        headers.insert(header::LAST_MODIFIED, date);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(RESUME_CACHING));
    headers.insert(header::VARY, HeaderValue::from_static(answer.vary));
    if answer.cors {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    }
    response
}

/// Whether the client's copy is current: `If-None-Match` (weak comparison) when sent,
/// else `If-Modified-Since` when the answer has a modification time.
fn is_current(request: &HeaderMap, etag: &HeaderValue, modified: Option<SystemTime>) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    if let Some(wanted) = request.get(header::IF_NONE_MATCH) {
        let ours = opaque(etag.to_str().unwrap_or_default());
        let wanted = wanted.to_str().unwrap_or_default();
        return wanted.split(',').any(|tag| tag.trim() == "*" || opaque(tag) == ours);
    }
    let since = request.get(header::IF_MODIFIED_SINCE).and_then(|v| v.to_str().ok());
    let since = since.and_then(|since| httpdate::parse_http_date(since).ok());
    modified.zip(since).is_some_and(|(modified, since)| modified <= since)
}

async fn index(State(web): State<Arc<Web>>, request: Request) -> Response {
    web.count_page_visit(&request);
    let rendered = web.rendered();
    let headers = request.headers();
    let invite = invite(&web, &rendered, &request);
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let mut answer = match negotiate(accept) {
        Choice::Html => {
            let (body, etag) = rendered.page(&invite, &STYLE.href);
            Answer::encoded(headers, &body, HTML, etag)
        }
        Choice::Json => Answer::encoded(headers, &rendered.json, JSON, rendered.etag("json", &[])),
        Choice::Markdown => {
            Answer::encoded(headers, &rendered.markdown, MARKDOWN, rendered.etag("markdown", &[]))
        }
        Choice::Text { colour } => {
            let colour = colour && !has_flag(request.uri().query(), "nocolor");
            let (body, etag) = rendered.text_page(colour, &invite.ssh_command, &invite.fingerprint);
            Answer::encoded(headers, &body, TEXT, etag)
        }
    };
    answer.vary = "Accept, Accept-Encoding";
    respond(headers, &rendered, answer)
}

/// A fixed export of the résumé, readable from other sites' scripts too.
fn export(
    request: &Request,
    rendered: &Rendered,
    kind: &str,
    body: &Encoded,
    content_type: &'static str,
) -> Response {
    let etag = rendered.etag(kind, &[]);
    let answer = Answer { cors: true, ..Answer::encoded(request.headers(), body, content_type, etag) };
    respond(request.headers(), rendered, answer)
}

async fn json(State(web): State<Arc<Web>>, request: Request) -> Response {
    let rendered = web.rendered();
    export(&request, &rendered, "json", &rendered.json, JSON)
}

async fn markdown(State(web): State<Arc<Web>>, request: Request) -> Response {
    let rendered = web.rendered();
    export(&request, &rendered, "markdown", &rendered.markdown, MARKDOWN)
}

async fn text(State(web): State<Arc<Web>>, request: Request) -> Response {
    let rendered = web.rendered();
    export(&request, &rendered, "text", &rendered.text, TEXT)
}

async fn qr(State(web): State<Arc<Web>>, request: Request) -> Response {
    let rendered = web.rendered();
    let url = invite(&web, &rendered, &request).share_url;
    match rendered.qr(&url) {
        Ok(svg) => {
            let answer = Answer::encoded(request.headers(), &svg, SVG, rendered.etag("qr", &[&url]));
            respond(request.headers(), &rendered, answer)
        }
        Err(why) => {
            let why = format!("cannot make a QR code of {url}: {why}");
            (StatusCode::INTERNAL_SERVER_ERROR, [(header::CACHE_CONTROL, "no-store")], why).into_response()
        }
    }
}

/// A file to keep, as the download doors serve it: its bytes as they are (a PDF is
/// compressed inside already), a strong validator (the bytes' hash: the same file has
/// the same bytes from every instance), named after the person when known. Counted as a
/// download when its bytes are sent; a PDF that did not typeset is 503 "not available"
/// until a reload fixes it.
async fn file(State(web): State<Arc<Web>>, request: Request, name: FileName) -> Response {
    let directory = web.service.current_downloads();
    let Some(file) = directory.get(name) else {
        let (status, why) = match name {
            FileName::Pdf => {
                (StatusCode::SERVICE_UNAVAILABLE, "the PDF is not available right now; /resume.txt is\n")
            }
            _ => (StatusCode::NOT_FOUND, "no contact card: the résumé has no name or no way to reach them\n"),
        };
        return (status, [(header::CONTENT_TYPE, TEXT), (header::CACHE_CONTROL, "no-store")], why)
            .into_response();
    };
    let etag = HeaderValue::from_str(&file.etag).unwrap_or(HeaderValue::from_static("\"0\""));
    let strong = request.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok());
    let current = match strong {
        Some(tags) => tags.split(',').any(|tag| tag.trim() == "*" || tag.trim() == file.etag),
        None => is_current(request.headers(), &etag, Some(directory.modified)),
    };
    let mut response = if current {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        if request.method() == axum::http::Method::GET {
            web.service.record(Event::Downloaded { file: name, door: Door::Web, count: 1 });
        }
        let disposition = disposition(name, web.service.current_resume().outline.name.as_deref());
        let headers = [
            (header::CONTENT_TYPE, HeaderValue::from_static(name.media_type())),
            (header::CONTENT_DISPOSITION, disposition),
        ];
        (headers, file.bytes.clone()).into_response()
    };
    let headers = response.headers_mut();
    headers.insert(header::ETAG, etag);
    if let Ok(date) = HeaderValue::from_str(&httpdate::fmt_http_date(directory.modified)) {
        headers.insert(header::LAST_MODIFIED, date);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(RESUME_CACHING));
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    response
}

/// `inline; filename="…"` (RFC 6266): the person's name and the file's kind when the
/// résumé has a name (`Jane Doe - résumé.pdf`), else the file's own name; the plain
/// `filename` in ASCII for old clients, `filename*` in UTF-8 (RFC 8187) beside it.
fn disposition(name: FileName, person: Option<&str>) -> HeaderValue {
    let extension = name.label();
    let person: Option<String> = person
        .map(|person| person.chars().filter(|c| !c.is_control() && !matches!(c, '"' | '\\' | '/')).collect())
        .filter(|person: &String| !person.trim().is_empty());
    let value = match person {
        Some(person) => {
            let utf8 = format!("{} - résumé.{extension}", person.trim());
            let ascii = deunicode::deunicode(&utf8).replace(['"', '\\'], "");
            let encoded: String =
                form_urlencoded::byte_serialize(utf8.as_bytes()).collect::<String>().replace('+', "%20");
            format!("inline; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
        }
        None => format!("inline; filename=\"{}\"", name.as_str()),
    };
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("inline"))
}

/// The stylesheet; kept for a year when asked for by the version the page links.
async fn style(request: Request) -> Response {
    let versioned = request.uri().query() == Some(&format!("v={}", STYLE.version));
    let caching = if versioned { "public, max-age=31536000, immutable" } else { "public, max-age=3600" };
    let etag = HeaderValue::from_str(&format!("W/\"{}\"", STYLE.version))
        .unwrap_or(HeaderValue::from_static("W/\"0\""));
    let vary = (header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if is_current(request.headers(), &etag, None) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag), vary]).into_response();
    }
    let accepted = request.headers().get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok());
    let (body, coding) = STYLE.body.get(encoding(accepted));
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static(CSS)),
        (header::CACHE_CONTROL, HeaderValue::from_static(caching)),
        (header::ETAG, etag),
        vary,
    ];
    let mut response = (headers, body).into_response();
    if let Some(coding) = coding {
        response.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
    }
    response
}

async fn not_found(request: Request) -> Response {
    let accept = request.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let (content_type, body) = match negotiate(accept) {
        Choice::Html => (HTML, page::not_found(&STYLE.href)),
        _ => (TEXT, "not found: the résumé is at /\n".to_owned()),
    };
    let headers = [
        (header::CONTENT_TYPE, content_type),
        (header::CACHE_CONTROL, "no-cache"),
        (header::VARY, "Accept, Accept-Encoding"),
    ];
    (StatusCode::NOT_FOUND, headers, body).into_response()
}

/// The command and share URL the page shows. Without a configured public host they
/// name the host the reader asked for (its `Host` header, when it is a plain host name
/// or address; else our own address).
fn invite(web: &Web, rendered: &Rendered, request: &Request) -> Invite {
    let peer = request.extensions().get::<Peer>().copied();
    let host = request_host(request.headers())
        .map(str::to_owned)
        .or_else(|| peer.map(|p| p.local.to_string()))
        .unwrap_or_else(|| "localhost".to_owned());
    let ssh_command = match &web.service.settings.public_host {
        Some(public) => crate::ssh_command::for_public_host(public),
        None => crate::ssh_command::for_host(host_name(&host), web.settings.ssh_port),
    };
    let share_url = match &rendered.loaded.resume.basics.share_url {
        Some(url) => url.to_string(),
        None => {
            let proto = request.headers().get("x-forwarded-proto").and_then(|v| v.to_str().ok());
            let proxied = peer.is_some_and(|p| p.via_proxy);
            let scheme = if proxied && proto == Some("https") { "https" } else { "http" };
            format!("{scheme}://{host}/")
        }
    };
    let messages = web.settings.messages && web.service.mailbox.is_some();
    let downloads = web.service.current_downloads();
    let pdf = downloads.get(FileName::Pdf).is_some();
    let vcard = downloads.get(FileName::Vcard).is_some();
    let scp_command = crate::ssh_command::scp_for(&ssh_command, FileName::Pdf.as_str());
    Invite {
        ssh_command,
        fingerprint: web.settings.fingerprint.clone(),
        share_url,
        messages,
        pdf,
        vcard,
        scp_command,
    }
}

/// The `Host` header when it is a host name or address with an optional port, nothing else.
fn request_host(headers: &HeaderMap) -> Option<&str> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let allowed = |c: char| c.is_ascii_alphanumeric() || ".-:[]".contains(c);
    (!host.is_empty() && host.len() <= 255 && host.chars().all(allowed)).then_some(host)
}

/// `host:port` → `host`, `[2001:db8::1]:80` → `2001:db8::1`.
fn host_name(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match host.split_once(':') {
        Some((name, port)) if !port.contains(':') => name,
        _ => host,
    }
}

/// Whether `query` has the key `flag` (`?nocolor`, `?nocolor=1`).
fn has_flag(query: Option<&str>, flag: &str) -> bool {
    query.is_some_and(|q| q.split('&').any(|pair| pair.split('=').next() == Some(flag)))
}

/// Limits each request a trusted proxy forwards, by the client address it names.
async fn limit(State(web): State<Arc<Web>>, request: Request, next: Next) -> Response {
    let Some(peer) = request.extensions().get::<Peer>().copied().filter(|p| p.via_proxy) else {
        return next.run(request).await;
    };
    let client = forwarded::client_ip(peer.addr.ip(), request.headers(), &web.settings.trusted_proxies);
    match web.admit(client) {
        Ok(mut admission) => {
            admission.handshake_done();
            next.run(request).await
        }
        Err(refusal) => refused(refusal),
    }
}

fn refused(refusal: Refusal) -> Response {
    let (status, body) = match refusal {
        Refusal::MaxConnections | Refusal::AddressTableFull => {
            (StatusCode::SERVICE_UNAVAILABLE, "the server is busy; try again in a minute\n")
        }
        _ => (StatusCode::TOO_MANY_REQUESTS, "too many requests from your address; try again in a minute\n"),
    };
    let headers =
        [(header::RETRY_AFTER, "60"), (header::CACHE_CONTROL, "no-store"), (header::CONTENT_TYPE, TEXT)];
    (status, headers, body).into_response()
}

/// The security headers, on every answer.
async fn security_headers(State(web): State<Arc<Web>>, mut response: Response) -> Response {
    let headers = response.headers_mut();
    let csp = if web.settings.messages { CSP_WITH_FORM } else { CSP };
    let set: [(HeaderName, &'static str); 5] = [
        (header::CONTENT_SECURITY_POLICY, csp),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
    ];
    for (name, value) in set {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// Counts every request by route and status, with its latency to the response head.
async fn observe(State(web): State<Arc<Web>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let path = request.uri().path();
    let route = ROUTES.iter().find(|route| **route == path).copied().unwrap_or("other");
    let method = request.method().clone();
    let peer = request.extensions().get::<Peer>().map(|p| p.addr.ip());
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    web.service.metrics.http_request(route, status, elapsed);
    let peer = peer.and_then(|ip| web.service.redactor.peer(ip));
    debug!(peer, %method, route, status, duration_ms = elapsed.as_secs_f64() * 1e3, "web request");
    response
}

#[cfg(test)]
mod tests;
