//! The web page in a real browser: Debian's headless Chromium driven through
//! chromedriver's WebDriver protocol (spoken here over plain HTTP, so nothing downloads
//! a browser of its own). At phone width (390x844, and 320x568) and at 1280x800 the
//! page must not scroll sideways, nothing may stick out of the viewport, and every
//! section heading must be visible, not covered. Screenshots of the whole page (light,
//! dark at phone width) and a printed PDF are saved under `target/web-screenshots/` to
//! be looked at. Where Chromium is missing the test is skipped with a message, except
//! under `CI=true`, where `.ci/run` installs it and a missing browser is a failure.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::http::send;
use crate::common::{TestServer, manifest_path, temp_dir};
use base64::Engine;
use serde_json::{Value, json};
use ssh_resume::resume::Loaded;
use ssh_resume::server::Settings;
use ssh_resume::web::WebSettings;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "chromedriver";
/// Starting a browser on a busy two-core machine can take a while.
const PATIENCE: Duration = Duration::from_secs(60);

/// The checks run in the page: sideways overflow, what sticks out, each heading.
const INSPECT: &str = r#"
const root = document.documentElement;
const width = root.clientWidth;
const outside = [...document.querySelectorAll('body *')]
  .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > width + 0.5 || r.left < -0.5); })
  .map(e => `${e.tagName.toLowerCase()}.${e.className}: ${Math.round(e.getBoundingClientRect().left)}..${Math.round(e.getBoundingClientRect().right)}`);
const headings = [...document.querySelectorAll('h1, main h2')].map(h => {
  h.scrollIntoView({block: 'center'});
  const r = h.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + Math.min(r.width, 40) / 2, r.top + r.height / 2);
  const style = getComputedStyle(h);
  const visible = r.width > 0 && r.height > 0 && style.visibility === 'visible' && style.display !== 'none'
    && hit !== null && h.contains(hit) && r.top >= 0 && r.bottom <= window.innerHeight;
  return {text: h.textContent, visible};
});
window.scrollTo(0, 0);
return {
  innerWidth: window.innerWidth, clientWidth: width, scrollWidth: root.scrollWidth, outside, headings,
  fontSize: parseFloat(getComputedStyle(document.body).fontSize),
  background: getComputedStyle(document.body).backgroundColor,
};
"#;

/// chromedriver on a free loopback port, stopped when dropped.
struct Driver {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    /// Starts chromedriver, or `None` (with a message) where Chromium is not installed.
    async fn start() -> Option<Self> {
        let installed = std::path::Path::new(CHROMIUM).exists()
            && Command::new(CHROMEDRIVER).arg("--version").stdout(Stdio::null()).status().is_ok();
        if !installed {
            assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but Chromium is not installed");
            eprintln!("skipping: Chromium is not installed (apt-get install chromium chromium-driver)");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(CHROMEDRIVER)
            .args([format!("--port={port}"), "--log-level=SEVERE".to_owned()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let driver = Self { child, addr: SocketAddr::from(([127, 0, 0, 1], port)) };
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let ready = tokio::net::TcpStream::connect(driver.addr).await.is_ok()
                && driver.call("GET", "/status", None).await["ready"] == json!(true);
            if ready {
                return Some(driver);
            }
            assert!(tokio::time::Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// One WebDriver command; returns its `value`, panicking on a WebDriver error.
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let headers = [("Content-Type", "application/json; charset=utf-8")];
        let response = send(self.addr, method, path, &headers, body.as_bytes(), PATIENCE).await;
        let answer: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
        assert_eq!(response.status, 200, "{method} {path}: {answer}");
        answer["value"].clone()
    }

    /// A new browser: `mobile` emulates a phone of that size, else a window of `size`.
    async fn session(&self, size: (u32, u32), mobile: bool) -> Session<'_> {
        let profile = temp_dir(&format!("chromium-{}x{}", size.0, size.1));
        let mut args = vec![
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            format!("--user-data-dir={}", profile.display()),
        ];
        let mut options = json!({ "binary": CHROMIUM });
        if mobile {
            let metrics = json!({ "width": size.0, "height": size.1, "pixelRatio": 2.0, "touch": true });
            options["mobileEmulation"] = json!({ "deviceMetrics": metrics });
        } else {
            args.push(format!("--window-size={},{}", size.0, size.1));
        }
        options["args"] = json!(args);
        let capabilities =
            json!({ "alwaysMatch": { "browserName": "chrome", "goog:chromeOptions": options } });
        let created = self.call("POST", "/session", Some(json!({ "capabilities": capabilities }))).await;
        let id = created["sessionId"].as_str().expect("a session id").to_owned();
        Session { driver: self, id }
    }
}

/// One browser.
struct Session<'a> {
    driver: &'a Driver,
    id: String,
}

impl Session<'_> {
    async fn call(&self, method: &str, command: &str, body: Option<Value>) -> Value {
        self.driver.call(method, &format!("/session/{}/{command}", self.id), body).await
    }

    async fn open(&self, url: &str) {
        self.call("POST", "url", Some(json!({ "url": url }))).await;
    }

    async fn run(&self, script: &str) -> Value {
        self.call("POST", "execute/sync", Some(json!({ "script": script, "args": [] }))).await
    }

    /// A Chrome DevTools command through chromedriver.
    async fn devtools(&self, cmd: &str, params: Value) -> Value {
        self.call("POST", "goog/cdp/execute", Some(json!({ "cmd": cmd, "params": params }))).await
    }

    /// The whole page, not only the viewport, as a PNG.
    async fn screenshot(&self, name: &str) -> PathBuf {
        let layout = self.devtools("Page.getLayoutMetrics", json!({})).await;
        let size = &layout["cssContentSize"];
        let clip = json!({ "x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1 });
        let params = json!({ "format": "png", "captureBeyondViewport": true, "clip": clip });
        let shot = self.devtools("Page.captureScreenshot", params).await;
        save(name, &decode(&shot["data"]))
    }

    async fn close(self) {
        self.driver.call("DELETE", &format!("/session/{}", self.id), None).await;
    }
}

fn decode(data: &Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD.decode(data.as_str().expect("base64 data")).unwrap()
}

/// Writes `bytes` to `target/web-screenshots/name`.
fn save(name: &str, bytes: &[u8]) -> PathBuf {
    // The test binary is target/<profile>/deps/web_browser-…
    let exe = std::env::current_exe().unwrap();
    let target = exe.ancestors().nth(3).map(PathBuf::from).unwrap_or_else(|| manifest_path("target"));
    let dir = target.join("web-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    eprintln!("saved {}", path.display());
    path
}

/// The page fits `width`, nothing sticks out, and every heading can be seen.
fn assert_fits(report: &Value, width: u64, titles: &[String], at: &str) {
    assert_eq!(report["innerWidth"], json!(width), "{at}: the viewport is not the size asked for");
    let (scroll, client) = (report["scrollWidth"].as_u64().unwrap(), report["clientWidth"].as_u64().unwrap());
    assert!(scroll <= client && client <= width, "{at}: scrolls sideways: {report}");
    assert_eq!(report["outside"], json!([]), "{at}: elements outside the viewport");
    let headings = report["headings"].as_array().unwrap();
    let texts: Vec<&str> = headings.iter().skip(1).map(|h| h["text"].as_str().unwrap()).collect();
    assert_eq!(texts, titles, "{at}: section headings");
    for heading in headings {
        assert_eq!(heading["visible"], json!(true), "{at}: heading not visible: {heading}");
    }
    assert!(report["fontSize"].as_f64().unwrap() >= 16.0, "{at}: body text under 16px");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_fits_phones_and_desktops_in_a_real_browser() {
    let Some(driver) = Driver::start().await else { return };
    let server =
        TestServer::start_with(&temp_dir("web-browser"), &manifest_path("resume.toml"), Settings::default())
            .await;
    let addr = server.start_web(WebSettings::default()).await;
    let url = format!("http://{addr}/");
    let doc = Loaded::from_path(&manifest_path("resume.toml")).unwrap();
    let titles: Vec<String> = doc.outline.sections.iter().map(|s| s.title.to_owned()).collect();

    let phone = driver.session((390, 844), true).await;
    phone.open(&url).await;
    assert_fits(&phone.run(INSPECT).await, 390, &titles, "390x844");
    phone.screenshot("390x844.png").await;
    let dark = json!({ "features": [{ "name": "prefers-color-scheme", "value": "dark" }] });
    phone.devtools("Emulation.setEmulatedMedia", dark).await;
    let report = phone.run(INSPECT).await;
    assert_eq!(report["background"], json!("rgb(17, 17, 20)"), "dark scheme background");
    phone.screenshot("390x844-dark.png").await;
    phone.close().await;

    let small = driver.session((320, 568), true).await;
    small.open(&url).await;
    assert_fits(&small.run(INSPECT).await, 320, &titles, "320x568");
    small.screenshot("320x568.png").await;
    small.close().await;

    let desktop = driver.session((1280, 800), false).await;
    desktop.open(&url).await;
    assert_fits(&desktop.run(INSPECT).await, 1280, &titles, "1280x800");
    desktop.screenshot("1280x800.png").await;
    let pdf = desktop.devtools("Page.printToPDF", json!({ "printBackground": false })).await;
    let pdf = decode(&pdf["data"]);
    assert!(pdf.starts_with(b"%PDF"), "printing made no PDF");
    save("print.pdf", &pdf);
    desktop.close().await;
    server.stop().await;
}
