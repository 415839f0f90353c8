//! What the web view answers with, made once per loaded résumé and kept until the
//! next reload: the exports (the very bytes the SSH side prints, from the résumé's own
//! printouts, not rendered again), the coloured text, a digest of those bodies for
//! validators, the time the résumé was first served (its `Last-Modified`), and the last
//! page, text page and QR code drawn. Every answer is kept gzip- and brotli-compressed
//! as well ([`Encoded`]), so compression costs once per résumé instead of once per
//! request, and nothing is compressed on the fly.
//!
//! The page, the text of `/` and the QR code depend on the request too (the `Host` it
//! names, when no public host is configured), so each keeps one slot: the last answer
//! and what it was made for. Every visitor normally asks with the same host and gets
//! the kept copy; a client sending odd `Host` headers only makes its own answers
//! slower, never the cache bigger.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::HeaderValue;
use bytes::Bytes;
use qrcode::render::svg;
use qrcode::types::QrError;
use qrcode::{EcLevel, QrCode};
use sha2::{Digest, Sha256};

use super::ansi;
use super::negotiate::Encoding;
use super::page::{self, Invite};
use crate::resume::export::Format;
use crate::resume::{Loaded, PRINT_WIDTH, PrintForm, Printout};

/// Pixels per QR module in the SVG's own size; it scales cleanly to any other.
const QR_MODULE_PIXELS: u32 = 6;

/// Brotli quality and window for answers compressed once: near the best ratio for a
/// page this size at about a millisecond.
const BROTLI_QUALITY: u32 = 9;
const BROTLI_WINDOW: u32 = 20;

/// A body with its gzip and brotli forms.
#[derive(Debug, Clone)]
pub struct Encoded {
    identity: Bytes,
    gzip: Bytes,
    brotli: Bytes,
}

impl Encoded {
    pub fn new(body: impl Into<Bytes>) -> Self {
        let identity: Bytes = body.into();
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let mut brotli = brotli::CompressorWriter::new(Vec::new(), 4096, BROTLI_QUALITY, BROTLI_WINDOW);
        // Writing into a Vec cannot fail; an empty result would only mean a larger answer.
        let gzip = gzip.write_all(&identity).and_then(|()| gzip.finish()).unwrap_or_default();
        let _ = brotli.write_all(&identity);
        let brotli = brotli.into_inner();
        Self { identity, gzip: gzip.into(), brotli: brotli.into() }
    }

    pub fn identity(&self) -> &Bytes {
        &self.identity
    }

    /// The body in `encoding`, and the `Content-Encoding` that says so.
    pub fn get(&self, encoding: Encoding) -> (Bytes, Option<&'static str>) {
        match encoding {
            Encoding::Brotli if !self.brotli.is_empty() => (self.brotli.clone(), Some("br")),
            Encoding::Gzip | Encoding::Brotli if !self.gzip.is_empty() => (self.gzip.clone(), Some("gzip")),
            _ => (self.identity.clone(), None),
        }
    }
}

/// The last value made, and the key it was made for.
struct Slot<K, V>(Mutex<Option<(K, V)>>);

impl<K: PartialEq, V: Clone> Slot<K, V> {
    fn new() -> Self {
        Self(Mutex::new(None))
    }

    /// The kept value if it was made for `key`, else `make(key)`, kept from now on.
    fn get(&self, key: K, make: impl FnOnce(&K) -> V) -> V {
        let mut slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        match slot.as_ref() {
            Some((kept, value)) if *kept == key => value.clone(),
            _ => {
                let value = make(&key);
                *slot = Some((key, value.clone()));
                value
            }
        }
    }
}

/// One résumé's answers.
pub struct Rendered {
    pub loaded: Arc<Loaded>,
    /// When this résumé was first served, to the second (HTTP dates have no finer).
    pub modified: SystemTime,
    /// A hash of every body below and of what the page is made from.
    digest: [u8; 32],
    pub json: Encoded,
    pub markdown: Encoded,
    pub text: Encoded,
    ansi: Bytes,
    page: Slot<(Invite, String), (Encoded, HeaderValue)>,
    /// The text of `/` for `curl`, coloured and plain, with the footer for one host.
    text_page: [Slot<(String, String), Encoded>; 2],
    qr: Slot<String, Result<Encoded, QrError>>,
}

/// `format` as the SSH side prints it to a pipe: the résumé's own printout, shared.
fn printed(loaded: &Loaded, format: Format) -> Bytes {
    let as_is = |text: &str| text.as_bytes().to_vec();
    loaded.printout(Printout::Whole(format), PrintForm::AsIs, as_is).unwrap_or_default()
}

impl Rendered {
    pub fn new(loaded: Arc<Loaded>) -> Self {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        let [json, markdown, text] =
            [Format::Json, Format::Markdown, Format::Text].map(|f| printed(&loaded, f));
        let ansi = Bytes::from(ansi::text(&loaded.outline, PRINT_WIDTH));
        let mut hasher = Sha256::new();
        for part in
            [env!("CARGO_PKG_VERSION").as_bytes(), page::STYLE.as_bytes(), &json, &markdown, &text, &ansi]
        {
            hasher.update(u64::try_from(part.len()).unwrap_or(u64::MAX).to_le_bytes());
            hasher.update(part);
        }
        Self {
            modified: UNIX_EPOCH + Duration::from_secs(now.as_secs()),
            digest: hasher.finalize().into(),
            json: Encoded::new(json),
            markdown: Encoded::new(markdown),
            text: Encoded::new(text),
            ansi,
            page: Slot::new(),
            text_page: [Slot::new(), Slot::new()],
            qr: Slot::new(),
            loaded,
        }
    }

    /// The text of `/` for a terminal's HTTP client, coloured or plain, with the
    /// footer naming `ssh_command` and `fingerprint`, and its validator.
    pub fn text_page(&self, colour: bool, ssh_command: &str, fingerprint: &str) -> (Encoded, HeaderValue) {
        let kind = if colour { "ansi" } else { "text" };
        let etag = self.etag(kind, &[ssh_command, fingerprint]);
        let key = (ssh_command.to_owned(), fingerprint.to_owned());
        let body = self.text_page[usize::from(colour)].get(key, |(command, fingerprint)| {
            let text = if colour { &self.ansi } else { self.text.identity() };
            let footer = ansi::footer(command, fingerprint, colour);
            Encoded::new([text.as_ref(), footer.as_bytes()].concat())
        });
        (body, etag)
    }

    /// A weak validator for the answer `kind` made from this résumé and `inputs` (what
    /// else the answer shows). Weak, because compression changes the bytes, not the meaning.
    pub fn etag(&self, kind: &str, inputs: &[&str]) -> HeaderValue {
        let mut hasher = Sha256::new();
        hasher.update(self.digest);
        for part in std::iter::once(kind).chain(inputs.iter().copied()) {
            hasher.update(u64::try_from(part.len()).unwrap_or(u64::MAX).to_le_bytes());
            hasher.update(part);
        }
        let hash = hasher.finalize();
        let hex: String = hash[..12].iter().map(|b| format!("{b:02x}")).collect();
        HeaderValue::from_str(&format!("W/\"{hex}\"")).unwrap_or(HeaderValue::from_static("W/\"0\""))
    }

    /// The HTML page for `invite`, with its validator.
    pub fn page(&self, invite: &Invite, style_href: &str) -> (Encoded, HeaderValue) {
        let key = (invite.clone(), style_href.to_owned());
        self.page.get(key, |(invite, href)| {
            let etag = self.etag(
                "page",
                &[
                    &invite.ssh_command,
                    &invite.fingerprint,
                    &invite.share_url,
                    href,
                    if invite.messages { "m" } else { "" },
                    if invite.pdf { "p" } else { "" },
                    if invite.vcard { "v" } else { "" },
                    &invite.scp_command,
                ],
            );
            (Encoded::new(page::page(&self.loaded, invite, href)), etag)
        })
    }

    /// The QR code of `url` as SVG, or why there is none (too long to encode).
    pub fn qr(&self, url: &str) -> Result<Encoded, QrError> {
        self.qr.get(url.to_owned(), |url| qr_svg(url).map(Encoded::new))
    }
}

/// `url` as an SVG QR code, black on white with the full quiet zone, medium error
/// correction (as on the share card).
///
/// # Errors
/// `url` does not fit in a QR code.
pub fn qr_svg(url: &str) -> Result<String, QrError> {
    let code = QrCode::with_error_correction_level(url, EcLevel::M)?;
    Ok(code.render::<svg::Color>().module_dimensions(QR_MODULE_PIXELS, QR_MODULE_PIXELS).build())
}

/// The rendered answers of the résumé in service, re-rendered when it is replaced.
pub struct Cache {
    current: Mutex<Arc<Rendered>>,
}

impl Cache {
    pub fn new(loaded: Arc<Loaded>) -> Self {
        Self { current: Mutex::new(Arc::new(Rendered::new(loaded))) }
    }

    /// The answers for `loaded`: the kept ones if it is the résumé they were made from.
    pub fn get(&self, loaded: Arc<Loaded>) -> Arc<Rendered> {
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        if !Arc::ptr_eq(&current.loaded, &loaded) {
            *current = Arc::new(Rendered::new(loaded));
        }
        current.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resume::load::parse_str;

    fn loaded(label: &str) -> Arc<Loaded> {
        let toml = format!("[basics]\nlabel = \"{label}\"\n");
        Arc::new(Loaded::from_resume(parse_str(&toml, "t").unwrap()))
    }

    fn invite(host: &str) -> Invite {
        Invite {
            ssh_command: format!("ssh {host}"),
            fingerprint: "SHA256:x".into(),
            share_url: host.into(),
            messages: false,
            pdf: false,
            vcard: false,
            scp_command: String::new(),
        }
    }

    #[test]
    fn a_new_resume_is_rendered_anew_and_changes_validators() {
        let one = loaded("One");
        let cache = Cache::new(one.clone());
        let first = cache.get(one);
        assert!(Arc::ptr_eq(&first, &cache.get(first.loaded.clone())), "same résumé, same answers");
        let second = cache.get(loaded("Two"));
        assert!(second.text.identity().starts_with(b"Two\n"));
        let printout =
            second.loaded.printout(Printout::Whole(Format::Text), PrintForm::AsIs, |_| unreachable!());
        assert_eq!(
            second.text.identity().as_ptr(),
            printout.unwrap().as_ptr(),
            "the SSH side's bytes, shared"
        );
        assert_ne!(first.etag("json", &[]), second.etag("json", &[]));
        assert_ne!(second.etag("json", &[]), second.etag("markdown", &[]));
        assert_ne!(second.etag("page", &["ab", "c"]), second.etag("page", &["a", "bc"]));
        assert!(second.etag("json", &[]).to_str().unwrap().starts_with("W/\""));
    }

    #[test]
    fn encoded_bodies_decode_to_the_original() {
        use std::io::Read;
        let body = "résumé ".repeat(500);
        let encoded = Encoded::new(body.clone());
        let (gzip, coding) = encoded.get(Encoding::Gzip);
        assert_eq!(coding, Some("gzip"));
        let mut out = String::new();
        flate2::read::GzDecoder::new(&gzip[..]).read_to_string(&mut out).unwrap();
        assert_eq!(out, body);
        let (br, coding) = encoded.get(Encoding::Brotli);
        assert_eq!(coding, Some("br"));
        let mut out = String::new();
        brotli::Decompressor::new(&br[..], 4096).read_to_string(&mut out).unwrap();
        assert_eq!(out, body);
        assert!(br.len() < 200 && gzip.len() < 200);
        assert_eq!(encoded.get(Encoding::Identity), (Bytes::from(body), None));
    }

    #[test]
    fn the_page_slot_keeps_the_last_host_only() {
        let rendered = Rendered::new(loaded("One"));
        let (a, etag_a) = rendered.page(&invite("a.example"), "/s.css");
        let (again, _) = rendered.page(&invite("a.example"), "/s.css");
        assert_eq!(a.identity().as_ptr(), again.identity().as_ptr(), "kept, not rendered again");
        let (b, etag_b) = rendered.page(&invite("b.example"), "/s.css");
        assert!(String::from_utf8_lossy(b.identity()).contains("ssh b.example"));
        assert_ne!(etag_a, etag_b);
    }

    #[test]
    fn qr_codes_are_svg_and_overlong_urls_an_error() {
        let rendered = Rendered::new(loaded("One"));
        let svg = rendered.qr("https://example.org/cv").unwrap();
        let svg = svg.identity();
        assert!(svg.starts_with(b"<?xml") && String::from_utf8_lossy(svg).contains("viewBox"));
        assert!(rendered.qr(&"x".repeat(5000)).is_err());
    }
}
