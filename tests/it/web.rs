//! The web view over real sockets: the server on `127.0.0.1:0`, requests written by
//! hand so every header is the test's choice, answers checked as a browser, `curl` or a
//! cache would see them.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common::http::{HttpResponse, get, request};
use crate::common::{LIVENESS, TestServer, http_get, manifest_path, read_until_closed, temp_dir};
use crate::common::{Launch, ServiceSettings};
use ssh_resume::admission::limits::Limits;
use ssh_resume::downloads::files::Directory;
use ssh_resume::resume::outline::Block;
use ssh_resume::resume::{Loaded, export, load};
use ssh_resume::web::WebSettings;
use tokio::io::AsyncWriteExt;

/// What Chromium sends for a page.
const BROWSER: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,\
                       image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";

async fn start(name: &str, service: ServiceSettings, web: WebSettings) -> (TestServer, SocketAddr) {
    start_with(name, "resume.toml", service, web).await
}

async fn start_with(
    name: &str,
    resume: &str,
    service: ServiceSettings,
    web: WebSettings,
) -> (TestServer, SocketAddr) {
    let launch = Launch { resume: manifest_path(resume), service, ..Launch::default() };
    let server = TestServer::launch(&temp_dir(name), launch).await;
    let addr = server.start_web(web).await;
    (server, addr)
}

fn shipped() -> Loaded {
    Loaded::from_path(&manifest_path("resume.toml")).unwrap()
}

fn browser() -> [(&'static str, &'static str); 1] {
    [("Accept", BROWSER)]
}

#[tokio::test]
async fn browsers_get_the_page_and_command_line_clients_text() {
    let (server, addr) = start("web-negotiate", ServiceSettings::default(), WebSettings::default()).await;
    let doc = shipped();

    let page = get(addr, "/", &browser()).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(page.text().starts_with("<!DOCTYPE html>"));
    assert_eq!(page.header("vary"), Some("Accept, Accept-Encoding"));

    let curl = get(addr, "/", &[("User-Agent", "curl/8.5.0"), ("Accept", "*/*")]).await;
    assert_eq!(curl.header("content-type"), Some("text/plain; charset=utf-8"));
    let coloured = curl.text();
    assert!(coloured.contains("\x1b[1;35mEXPERIENCE\x1b[0m"), "{coloured}");
    assert_eq!(curl.header("vary"), Some("Accept, Accept-Encoding"));
    let ssh = format!("ssh -p {} localhost", server.addr.port());
    assert!(coloured.ends_with(&format!(
        "\x1b[1m{ssh}\x1b[0m\n\x1b[2mHost key fingerprint:\x1b[0m {}\n",
        server.fingerprint
    )));

    // wget sends */* too; no Accept at all is the same.
    let wget = get(addr, "/", &[("User-Agent", "Wget/1.21.3"), ("Accept", "*/*")]).await;
    assert_eq!(wget.body, curl.body);
    let plain_text = export::text(&doc.outline, 80);
    for asked in [get(addr, "/?nocolor", &[]).await, get(addr, "/", &[("Accept", "text/plain")]).await] {
        let text = asked.text();
        assert!(!text.contains('\x1b'), "{text}");
        assert!(text.starts_with(&plain_text) && text.ends_with(&format!("{}\n", server.fingerprint)));
    }

    let json = get(addr, "/", &[("Accept", "application/json")]).await;
    assert_eq!(json.header("content-type"), Some("application/json"));
    assert_eq!(json.text(), export::json_resume(&doc.resume));
    let httpie =
        get(addr, "/", &[("User-Agent", "HTTPie/3.2.2"), ("Accept", "application/json, */*;q=0.5")]).await;
    assert_eq!(httpie.body, json.body);
    let markdown = get(addr, "/", &[("Accept", "text/markdown")]).await;
    assert_eq!(markdown.text(), export::markdown(&doc.outline));
    server.stop().await;
}

#[tokio::test]
async fn every_route_answers_with_its_type_and_body() {
    let (server, addr) = start("web-routes", ServiceSettings::default(), WebSettings::default()).await;
    let doc = shipped();
    let routes = [
        ("/resume.json", "application/json", export::json_resume(&doc.resume)),
        ("/resume.md", "text/markdown; charset=utf-8", export::markdown(&doc.outline)),
        ("/resume.txt", "text/plain; charset=utf-8", export::text(&doc.outline, 80)),
    ];
    for (path, content_type, body) in routes {
        let answer = get(addr, path, &browser()).await;
        assert_eq!((answer.status, answer.header("content-type")), (200, Some(content_type)), "{path}");
        assert_eq!(answer.text(), body, "{path}");
        assert_eq!(answer.header("access-control-allow-origin"), Some("*"), "{path}");
        assert_eq!(answer.header("vary"), Some("Accept-Encoding"), "{path} is not negotiated");
        assert_eq!(answer.header("cache-control"), Some("public, max-age=60"));
    }
    let value: serde_json::Value =
        serde_json::from_slice(&get(addr, "/resume.json", &[]).await.body).unwrap();
    assert_eq!(value["basics"]["label"], "Staff Software Engineer");

    // Without a share_url the code points at the page itself, on the host asked for.
    let qr = get(addr, "/qr.svg", &[("Host", "cv.example.org:8080")]).await;
    assert_eq!(qr.header("content-type"), Some("image/svg+xml"));
    assert_eq!(decode_qr(&qr.text()), "http://cv.example.org:8080/");

    let page = get(addr, "/", &browser()).await.text();
    let href = page.split("rel=\"stylesheet\" href=\"").nth(1).and_then(|s| s.split('"').next()).unwrap();
    let css = get(addr, href, &[]).await;
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert_eq!(css.header("cache-control"), Some("public, max-age=31536000, immutable"));
    assert!(css.text().contains("prefers-color-scheme: dark") && css.text().contains("@media print"));
    assert_eq!(get(addr, "/style.css", &[]).await.header("cache-control"), Some("public, max-age=3600"));
    server.stop().await;
}

#[tokio::test]
async fn the_qr_code_carries_the_share_url() {
    let (server, addr) =
        start_with("web-qr", "tests/fixtures/links.toml", ServiceSettings::default(), WebSettings::default())
            .await;
    let qr = get(addr, "/qr.svg", &[]).await;
    assert_eq!(decode_qr(&qr.text()), "https://ada.example.org/cv");
    let page = get(addr, "/", &browser()).await.text();
    assert!(page.contains("alt=\"QR code of https://ada.example.org/cv\""));
    server.stop().await;
}

/// Draws the SVG's module squares (`M x yh wv hH…V…` per run) and reads the code.
fn decode_qr(svg: &str) -> String {
    let number = |s: &str| s.parse::<usize>().unwrap();
    let size = number(svg.split("width=\"").nth(1).unwrap().split('"').next().unwrap());
    let path = svg.split(" d=\"").nth(1).unwrap().split('"').next().unwrap();
    let mut dark = vec![false; size * size];
    for run in path.split('M').filter(|r| !r.is_empty()) {
        let (x, rest) = run.split_once(' ').unwrap();
        let (y, rest) = rest.split_once('h').unwrap();
        let (w, rest) = rest.split_once('v').unwrap();
        let h = rest.split('H').next().unwrap();
        for row in number(y)..number(y) + number(h) {
            for col in number(x)..number(x) + number(w) {
                dark[row * size + col] = true;
            }
        }
    }
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(
            size,
            size,
            |x, y| {
                if dark[y * size + x] { 0 } else { 255 }
            },
        );
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the SVG");
    grids[0].decode().unwrap().1
}

#[tokio::test]
async fn head_answers_like_get_without_a_body() {
    let (server, addr) = start("web-head", ServiceSettings::default(), WebSettings::default()).await;
    for (path, accept) in [("/", BROWSER), ("/", "*/*"), ("/resume.json", "*/*"), ("/qr.svg", "*/*")] {
        let full = get(addr, path, &[("Accept", accept)]).await;
        let head = request(addr, "HEAD", path, &[("Accept", accept)]).await;
        assert_eq!(head.status, 200, "{path}");
        for name in ["content-type", "etag", "last-modified", "content-length"] {
            assert_eq!(head.header(name), full.header(name), "{name} of HEAD {path}");
        }
        assert_eq!(head.header("content-length"), Some(full.body.len().to_string().as_str()));
    }
    let raw = raw_exchange(addr, "HEAD /resume.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await;
    assert!(raw.ends_with("\r\n\r\n"), "no body after a HEAD answer:\n{raw}");
    server.stop().await;
}

/// Writes `head` on a new connection and reads until the server closes it.
async fn raw_exchange(addr: SocketAddr, head: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    String::from_utf8_lossy(&read_until_closed(&mut stream).await).into_owned()
}

#[tokio::test]
async fn validators_answer_revalidation_with_304() {
    let (server, addr) = start("web-etag", ServiceSettings::default(), WebSettings::default()).await;
    for (path, accept) in [("/", BROWSER), ("/", "*/*"), ("/resume.json", "*/*"), ("/qr.svg", "*/*")] {
        let first = get(addr, path, &[("Accept", accept)]).await;
        let etag = first.header("etag").unwrap().to_owned();
        let modified = first.header("last-modified").unwrap().to_owned();
        assert!(etag.starts_with("W/\""), "{etag}");
        let again = get(addr, path, &[("Accept", accept), ("If-None-Match", &etag)]).await;
        assert_eq!(again.status, 304, "{path} {accept}");
        assert!(again.body.is_empty());
        assert_eq!(again.header("etag"), Some(etag.as_str()));
        assert_eq!(again.header("cache-control"), first.header("cache-control"));
        assert_eq!(again.header("vary"), first.header("vary"));
        let since = get(addr, path, &[("Accept", accept), ("If-Modified-Since", &modified)]).await;
        assert_eq!(since.status, 304, "If-Modified-Since {path}");
        let stale = get(addr, path, &[("Accept", accept), ("If-None-Match", "W/\"stale\"")]).await;
        assert_eq!((stale.status, stale.body.len()), (200, first.body.len()));
    }
    // The page and the text of / are different answers with different validators.
    let page = get(addr, "/", &browser()).await;
    let text = get(addr, "/", &[("Accept", "*/*"), ("If-None-Match", page.header("etag").unwrap())]).await;
    assert_eq!(text.status, 200);
    server.stop().await;
}

#[tokio::test]
async fn answers_are_compressed_when_the_client_accepts_it() {
    let (server, addr) = start("web-compress", ServiceSettings::default(), WebSettings::default()).await;
    // Kept compressed (the page, the exports, the stylesheet) and compressed on the fly (text).
    for (path, accept) in [("/", BROWSER), ("/resume.json", "*/*"), ("/style.css", "*/*"), ("/", "*/*")] {
        let identity = get(addr, path, &[("Accept", accept)]).await;
        assert_eq!(identity.header("content-encoding"), None);
        for encoding in ["gzip", "br"] {
            let squeezed = get(addr, path, &[("Accept", accept), ("Accept-Encoding", encoding)]).await;
            assert_eq!(squeezed.header("content-encoding"), Some(encoding), "{path}");
            assert!(squeezed.header_list("vary").to_ascii_lowercase().contains("accept-encoding"));
            assert!(squeezed.body.len() < identity.body.len() / 2, "{path} {encoding}");
            assert_eq!(squeezed.decoded(), identity.body, "{path} {encoding}");
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let (server, addr) = start("web-security", ServiceSettings::default(), WebSettings::default()).await;
    let page = get(addr, "/", &browser()).await;
    let answers = [
        get(addr, "/", &browser()).await,
        get(addr, "/resume.json", &[]).await,
        get(addr, "/qr.svg", &[]).await,
        get(addr, "/nowhere", &browser()).await,
        get(addr, "/", &[("Accept", BROWSER), ("If-None-Match", page.header("etag").unwrap())]).await,
        request(addr, "POST", "/", &[("Content-Length", "0")]).await,
    ];
    for answer in &answers {
        let csp = answer.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(!csp.contains("script-src") && !csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(answer.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(answer.header("referrer-policy"), Some("no-referrer"));
        assert_eq!(answer.header("x-frame-options"), Some("DENY"));
    }
    assert_eq!(answers[4].status, 304);
    assert_eq!(answers[5].status, 405);
    let html = page.text();
    assert!(!html.contains("<script") && !html.contains("style=") && !html.contains("<style"));
    server.stop().await;
}

#[tokio::test]
async fn unknown_paths_get_a_small_404_page() {
    let (server, addr) = start("web-404", ServiceSettings::default(), WebSettings::default()).await;
    let page = get(addr, "/wp-login.php", &browser()).await;
    assert_eq!(page.status, 404);
    assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(page.body.len() < 1024, "{} bytes", page.body.len());
    assert!(page.text().contains("<a href=\"/\">"));
    let curl = get(addr, "/nope", &[("Accept", "*/*")]).await;
    assert_eq!((curl.status, curl.text().as_str()), (404, "not found: the résumé is at /\n"));
    let head = request(addr, "HEAD", "/nope", &[]).await;
    assert_eq!(head.status, 404);
    server.stop().await;
}

#[tokio::test]
async fn a_client_slow_to_send_its_headers_is_cut_off() {
    let web = WebSettings { header_read_timeout: Duration::from_millis(300), ..WebSettings::default() };
    let (server, addr) = start("web-slow", ServiceSettings::default(), web).await;
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    let started = Instant::now();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: slowloris\r\n").await.unwrap();
    let seen = read_until_closed(&mut slow).await;
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(250) && waited < LIVENESS, "cut after {waited:?}");
    let seen = String::from_utf8_lossy(&seen);
    assert!(seen.is_empty() || seen.starts_with("HTTP/1.1 408"), "{seen}");

    // An idle keep-alive connection is closed after the same time.
    let mut idle = tokio::net::TcpStream::connect(addr).await.unwrap();
    idle.write_all(b"GET /resume.txt HTTP/1.1\r\nHost: localhost\r\n\r\n").await.unwrap();
    let answered = String::from_utf8_lossy(&read_until_closed(&mut idle).await).into_owned();
    assert!(answered.starts_with("HTTP/1.1 200"), "{answered}");
    server.stop().await;
}

#[tokio::test]
async fn request_heads_are_bounded() {
    let (server, addr) = start("web-head-size", ServiceSettings::default(), WebSettings::default()).await;
    let big = "a".repeat(20 * 1024);
    let answer = raw_exchange(addr, &format!("GET / HTTP/1.1\r\nHost: x\r\nX-Big: {big}\r\n\r\n")).await;
    assert!(answer.starts_with("HTTP/1.1 431"), "{}", &answer[..answer.len().min(200)]);
    let many: String = (0..200).map(|n| format!("X-{n}: 1\r\n")).collect();
    let answer = raw_exchange(addr, &format!("GET / HTTP/1.1\r\nHost: x\r\n{many}\r\n")).await;
    assert!(answer.starts_with("HTTP/1.1 431"), "{}", &answer[..answer.len().min(200)]);
    server.stop().await;
}

#[tokio::test]
async fn a_reload_shows_on_the_next_request() {
    let (server, addr) = start("web-reload", ServiceSettings::default(), WebSettings::default()).await;
    let before = get(addr, "/", &browser()).await;
    assert!(before.text().contains("<h1>Staff Software Engineer</h1>"));
    let toml = "[basics]\nname = \"Ada Lovelace\"\nlabel = \"Analyst of Engines\"\n";
    let reloaded = Loaded::from_resume(load::parse_str(toml, "reloaded.toml").unwrap());
    let downloads = Directory::new(&reloaded, None, std::time::SystemTime::now());
    server.publisher.publish(Arc::new(reloaded), downloads);
    let etag = before.header("etag").unwrap();
    let after = get(addr, "/", &[("Accept", BROWSER), ("If-None-Match", etag)]).await;
    assert_eq!(after.status, 200, "the old validator no longer matches");
    assert!(after.text().contains("<h1>Ada Lovelace</h1>"));
    assert!(after.text().contains("<p class=\"headline\">Analyst of Engines</p>"));
    assert!(get(addr, "/resume.txt", &[]).await.text().starts_with("Ada Lovelace\nAnalyst of Engines\n"));
    server.stop().await;
}

#[tokio::test]
async fn the_ssh_command_names_the_public_host_or_the_host_asked_for() {
    let settings =
        ServiceSettings { public_host: Some("resume.example.com:2222".into()), ..ServiceSettings::default() };
    let (server, addr) = start("web-public-host", settings, WebSettings::default()).await;
    let page = get(addr, "/", &browser()).await.text();
    assert!(page.contains("<code class=\"cmd\">ssh -p 2222 resume.example.com</code>"));
    assert!(page.contains(&format!("<code>{}</code>", server.fingerprint)));
    server.stop().await;

    let web = WebSettings { ssh_port: Some(22), ..WebSettings::default() };
    let (server, addr) = start("web-host-header", ServiceSettings::default(), web).await;
    let page = get(addr, "/", &[("Accept", BROWSER), ("Host", "cv.example.org:8080")]).await.text();
    assert!(page.contains("<code class=\"cmd\">ssh cv.example.org</code>"));
    let odd = get(addr, "/", &[("Accept", BROWSER), ("Host", "<b>x</b>")]).await;
    assert!(odd.text().contains("<code class=\"cmd\">ssh 127.0.0.1</code>"), "an odd Host is not echoed");
    server.stop().await;
}

/// The value of the sample line starting with `series`, or 0 when absent.
fn sample(metrics: &str, series: &str) -> f64 {
    let line = metrics.lines().find(|line| line.starts_with(series) && line[series.len()..].starts_with(' '));
    line.and_then(|line| line.rsplit(' ').next()).and_then(|value| value.parse().ok()).unwrap_or(0.0)
}

#[tokio::test]
async fn direct_clients_are_limited_per_connection_and_counted() {
    // No trusted proxy: loopback is a direct client, and its X-Forwarded-For is ignored.
    let limits = Limits { rate_per_ip: "2/1h".parse().unwrap(), ..Limits::default() };
    let settings = ServiceSettings { limits, ..ServiceSettings::default() };
    let web = WebSettings { trusted_proxies: Vec::new(), ..WebSettings::default() };
    let (server, addr) = start("web-limits", settings, web).await;
    let admin = server.start_admin().await;
    assert_eq!(get(addr, "/", &browser()).await.status, 200);
    assert_eq!(get(addr, "/nope", &[("X-Forwarded-For", "198.51.100.1")]).await.status, 404);
    let refused =
        raw_exchange(addr, "GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 198.51.100.2\r\n\r\n").await;
    assert_eq!(refused, "", "the third connection is closed unanswered");

    let (_, metrics) = http_get(admin, "/metrics").await;
    assert_eq!(
        sample(&metrics, "ssh_resume_http_requests_total{route=\"/\",status=\"200\"}"),
        1.0,
        "{metrics}"
    );
    assert_eq!(sample(&metrics, "ssh_resume_http_requests_total{route=\"other\",status=\"404\"}"), 1.0);
    assert_eq!(sample(&metrics, "ssh_resume_http_request_duration_seconds_count{route=\"/\"}"), 1.0);
    assert_eq!(sample(&metrics, "ssh_resume_http_refused_total{reason=\"rate-per-ip\"}"), 1.0);
    server.stop().await;
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_address_is_limited() {
    // Loopback is trusted by default: each request counts for the client it forwards.
    let limits = Limits { rate_per_ip: "1/1h".parse().unwrap(), ..Limits::default() };
    let settings = ServiceSettings { limits, ..ServiceSettings::default() };
    let (server, addr) = start("web-proxy", settings, WebSettings::default()).await;
    let from = |client: &'static str| [("Accept", BROWSER), ("X-Forwarded-For", client)];
    assert_eq!(get(addr, "/", &from("203.0.113.7")).await.status, 200);
    let again: HttpResponse = get(addr, "/", &from("203.0.113.7")).await;
    assert_eq!(again.status, 429);
    assert_eq!(again.header("retry-after"), Some("60"));
    assert!(again.header("content-security-policy").is_some());
    assert_eq!(get(addr, "/", &from("203.0.113.8")).await.status, 200, "another client still gets in");
    // A client cannot pick a new address by writing one in front of the proxy's.
    assert_eq!(get(addr, "/", &from("198.51.100.9, 203.0.113.7")).await.status, 429);
    server.stop().await;
}

#[tokio::test]
async fn the_page_is_valid_html_with_every_role_and_bullet() {
    let (server, addr) = start("web-html", ServiceSettings::default(), WebSettings::default()).await;
    let html = get(addr, "/", &browser()).await.text();
    let doc = shipped();
    let document = scraper::Html::parse_document(&html);
    assert!(document.errors.is_empty(), "HTML parse errors: {:?}", document.errors);
    assert_eq!(format!("{:?}", document.quirks_mode), "NoQuirks", "a doctype that keeps standards mode");
    let select = |css: &str| -> Vec<String> {
        let selector = scraper::Selector::parse(css).unwrap();
        document.select(&selector).map(|e| e.text().collect::<String>()).collect()
    };
    assert_eq!(select("html[lang]").len(), 1);
    for landmark in ["body > header", "body > nav", "body > main", "body > footer", "body > aside"] {
        assert_eq!(select(landmark).len(), 1, "{landmark}");
    }
    assert_eq!(select("h1").len(), 1);
    let titles: Vec<String> = doc.outline.sections.iter().map(|s| s.title.to_owned()).collect();
    assert_eq!(select("main > section > h2"), titles);
    assert_eq!(select("img:not([alt])").len(), 0);

    let items = select("main li");
    let headings = select("main h3");
    let periods = select("main .period");
    let paragraphs = select("body p, body li");
    for section in &doc.outline.sections {
        for block in &section.blocks {
            match block {
                Block::Bullet(text) => assert!(items.contains(text), "bullet missing: {text}"),
                Block::Heading { title, period, .. } => {
                    // An activity's heading is its section's title, shown as the h2.
                    assert!(title == section.title || headings.contains(title), "role missing: {title}");
                    if let Some(period) = period {
                        assert!(periods.contains(period), "period missing: {period}");
                    }
                }
                Block::Label(text) => assert!(headings.contains(text), "label missing: {text}"),
                Block::Paragraph(text) => assert!(paragraphs.contains(text), "paragraph missing: {text}"),
                Block::Gap => {}
            }
        }
    }
    assert_eq!(select("main article").len(), doc.resume.work.len() + doc.resume.education.len());
    let times = scraper::Selector::parse("time[datetime]").unwrap();
    let datetimes: Vec<&str> = document.select(&times).filter_map(|t| t.value().attr("datetime")).collect();
    assert!(datetimes.contains(&"2025-07") && datetimes.contains(&"2008"), "{datetimes:?}");
    validate_with_tidy(&html);
    server.stop().await;
}

/// HTML Tidy, where installed, must report neither errors nor warnings.
fn validate_with_tidy(html: &str) {
    use std::process::{Command, Stdio};
    let available =
        Command::new("tidy").arg("-v").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok();
    if !available {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but `tidy` is not installed");
        eprintln!("skipping the Tidy check: `tidy` is not installed (apt-get install tidy)");
        return;
    }
    let path = temp_dir("web-tidy").join("page.html");
    std::fs::write(&path, html).unwrap();
    let out = Command::new("tidy").args(["-q", "-e", "--show-warnings", "yes"]).arg(&path).output().unwrap();
    assert!(out.status.success(), "tidy:\n{}", String::from_utf8_lossy(&out.stderr));
}

#[tokio::test]
async fn the_page_is_small() {
    let (server, addr) = start("web-size", ServiceSettings::default(), WebSettings::default()).await;
    let page = get(addr, "/", &browser()).await;
    let css = get(addr, "/style.css", &[]).await;
    let gzipped = get(addr, "/", &[("Accept", BROWSER), ("Accept-Encoding", "gzip")]).await;
    eprintln!(
        "page: {} bytes ({} gzipped), stylesheet: {} bytes",
        page.body.len(),
        gzipped.body.len(),
        css.body.len()
    );
    assert!(page.body.len() < 24 * 1024 && gzipped.body.len() < 8 * 1024 && css.body.len() < 6 * 1024);
    server.stop().await;
}

#[test]
fn the_caddy_example_is_valid() {
    use std::process::{Command, Stdio};
    let found = Command::new("caddy").arg("version").stdout(Stdio::null()).status().is_ok();
    if !found {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but `caddy` is not installed");
        eprintln!("skipping: `caddy` is not installed (apt-get install caddy)");
        return;
    }
    let home = temp_dir("caddy-home");
    let out = Command::new("caddy")
        .args(["validate", "--adapter", "caddyfile", "--config"])
        .arg(manifest_path("deploy/Caddyfile"))
        .env("HOME", &home)
        .env("XDG_DATA_HOME", &home)
        .env("XDG_CONFIG_HOME", &home)
        .output()
        .unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && said.contains("Valid configuration"), "caddy validate:\n{said}");
    let example = std::fs::read_to_string(manifest_path("deploy/Caddyfile")).unwrap();
    assert!(
        example.contains("reverse_proxy 127.0.0.1:8080") && example.contains("--http-listen 127.0.0.1:8080")
    );
}
