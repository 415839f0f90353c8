//! The load tool against the real server: its `latency`, `keys`, `hold` and `sftp` modes
//! run a few visits through the built binary and report them in their JSON line. What the
//! tool says it did is checked against what the server counted, and its byte counts
//! against frames of the same résumé drawn here; never timings.

use std::path::{Path, PathBuf};

use crate::common::{LIVENESS, TestServer, temp_dir};
use serde_json::Value;
use ssh_resume::server::Settings;

/// The server's own résumé, at the workspace root.
fn shipped_resume() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../resume.toml")
}

async fn start(name: &str) -> TestServer {
    TestServer::start_with(&temp_dir(name), &shipped_resume(), Settings::default()).await
}

/// Runs `ssh-resume-load ARGS --addr ADDR --json --server-pid OURS` (the server runs in
/// this process) and returns its JSON line.
async fn load(server: &TestServer, args: &[&str]) -> Value {
    let pid = std::process::id().to_string();
    let addr = server.addr.to_string();
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_ssh-resume-load"));
    command.args(args).args(["--addr", &addr, "--json", "--timeout", "10s", "--server-pid", &pid]);
    command.args(["--floor-rounds", "50"]);
    command.kill_on_drop(true);
    let output = tokio::time::timeout(LIVENESS * 3, command.output()).await.unwrap().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "load tool failed: {}", String::from_utf8_lossy(&output.stderr));
    let line = stdout.lines().rev().find(|l| l.starts_with('{')).expect("a JSON line");
    serde_json::from_str(line).unwrap()
}

fn assert_ordered(summary: &Value, count: u64) {
    assert_eq!(summary["count"], count, "{summary}");
    let at = |name: &str| summary[name].as_f64().unwrap_or_else(|| panic!("no {name} in {summary}"));
    assert!(at("min") > 0.0);
    assert!(at("min") <= at("p50") && at("p50") <= at("p90"), "{summary}");
    assert!(at("p90") <= at("p99") && at("p99") <= at("max"), "{summary}");
}

/// A series' value in the server's metrics (0 when absent).
fn counted(server: &TestServer, series: &str) -> f64 {
    let metrics = server.shared.service.metrics.encode();
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(series).and_then(|rest| rest.trim().parse().ok()))
        .unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latency_reports_every_visit_the_server_served() {
    let server = start("load-latency").await;
    let report = load(&server, &["latency", "-n", "5", "--warmup", "2", "--sources", "4"]).await;
    assert_eq!(report["mode"], "latency");
    assert_eq!((report["visits_ok"].as_u64(), report["failures"].as_u64()), (Some(5), Some(0)), "{report}");
    assert_ordered(&report["first_frame_ms"], 5);
    // The floor is measured and every time is also given as its multiple.
    let floor = report["floor_ms"].as_f64().unwrap();
    assert!(floor > 0.0, "{report}");
    let p50 = report["first_frame_ms"]["p50"].as_f64().unwrap();
    let floors = report["first_frame_floors"]["p50"].as_f64().unwrap();
    assert!((floors - p50 / floor).abs() <= 0.06 + 0.01 * floors, "{p50} ms is {floors} × {floor} ms");
    let first_frame = report["first_frame_ms"]["p50"].as_f64().unwrap();
    assert!(report["tcp_ms"]["p50"].as_f64().unwrap() <= first_frame);
    // Each visit on its own, to lay over a profile of the server: five first frames and
    // five starts in order, the first at 0 ms, on a clock that is running.
    let each = |key: &str| -> Vec<f64> {
        report[key]
            .as_array()
            .unwrap_or_else(|| panic!("{report}"))
            .iter()
            .filter_map(Value::as_f64)
            .collect()
    };
    assert!(each("each_first_frame_ms").len() == 5 && each("each_first_frame_ms").iter().all(|&ms| ms > 0.0));
    let starts = each("each_start_ms");
    assert_eq!(starts.len(), 5);
    assert!(starts[0] == 0.0 && starts.windows(2).all(|pair| pair[0] < pair[1]), "{starts:?}");
    assert!(report["first_visit_monotonic_us"].as_u64().unwrap() > 0);
    server.wait_until_no_connections().await;
    // Every visit the tool made (warm-up included) was a session that ended by `q`.
    assert_eq!(counted(&server, "ssh_resume_sessions_started_total"), 7.0);
    assert_eq!(counted(&server, "ssh_resume_sessions_ended_total{reason=\"quit\"}"), 7.0);
    assert_eq!(counted(&server, "ssh_resume_first_frame_seconds_count"), 7.0);
    server.stop().await;
}

/// Bytes of the first frame of section 3 at 80x24 and of one `j` scroll step from it,
/// drawn here from the same résumé the server serves.
fn frame_sizes() -> (usize, usize) {
    use ratatui_core::layout::Size;
    use ssh_resume::resume::Loaded;
    use ssh_resume::server::terminal::{Modes, frame};
    use ssh_resume::tui::input::{KeyCode, KeyEvent};
    use ssh_resume::tui::theme::{ClientTerminal, ColorDepth};
    use ssh_resume::tui::{App, Event, Theme};
    let loaded = std::sync::Arc::new(Loaded::from_path(&shipped_resume()).unwrap());
    let client = ClientTerminal { term: "xterm-256color".into(), ..ClientTerminal::default() };
    assert_eq!(client.profile().color, ColorDepth::Ansi256);
    let mut app = App::new(loaded, Theme::new(client.profile()), Size::new(80, 24));
    // As the server draws them: the first frame after the view's entry, then `3`, then `j`.
    let mut modes = Modes::reset();
    let _ = frame(None, &app, &mut modes);
    let mut step = |key| {
        let before = app.clone();
        app.handle(&Event::Key(KeyEvent::new(KeyCode::Char(key))));
        frame(Some(&before), &app, &mut modes).len()
    };
    let _ = step('3');
    let scroll = step('j');
    (frame(None, &app, &mut Modes::reset()).len(), scroll)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_count_the_bytes_a_scroll_step_takes() {
    let server = start("load-keys").await;
    // The quiet that ends a keystroke's output outlasts the frame cap (1/60 s) and the
    // terminal queries sent after the first frame many times over, so the setup key's
    // frame is never counted as the first `j`'s.
    let args = ["keys", "-n", "3", "--burst", "5", "--quiet", "250ms"];
    let report = load(&server, &args).await;
    assert_eq!(
        (report["keystrokes"].as_u64(), report["unanswered"].as_u64()),
        (Some(3), Some(0)),
        "{report}"
    );
    assert_ordered(&report["key_to_output_ms"], 3);
    // A scroll step sends one new line and the scrollbar: more than a few bytes, less
    // than a whole frame. The first step is exactly what the server's encoder makes.
    let (full_frame, step) = frame_sizes();
    let each: Vec<u64> =
        report["each_key_bytes"].as_array().unwrap().iter().filter_map(Value::as_u64).collect();
    assert_eq!(each.len(), 3, "{report}");
    assert_eq!(each[0], step as u64, "the first `j` after `3` at 80x24");
    assert!(
        each.iter().all(|&bytes| bytes > 16 && bytes < full_frame as u64),
        "{each:?} vs a {full_frame}-byte frame"
    );
    assert!(report["burst_writes"].as_u64().unwrap() >= 1, "{report}");
    let burst = report["burst_bytes"].as_u64().unwrap();
    assert!(burst > 0 && burst <= 5 * full_frame as u64, "{report}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hold_weighs_the_crowd_the_server_held() {
    let server = start("load-hold").await;
    let report = load(&server, &["hold", "-n", "4", "--settle", "10ms"]).await;
    assert_eq!(report["failures"], 0, "{report}");
    assert_eq!(report["rounds"][0]["served"], 4, "{report}");
    assert_eq!(report["visitors"], 4, "{report}");
    server.wait_until_no_connections().await;
    assert_eq!(counted(&server, "ssh_resume_sessions_started_total"), 4.0);
    assert_eq!(counted(&server, "ssh_resume_sessions_active"), 0.0);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_alternate_down_and_up() {
    let server = start("load-keys-alternate").await;
    let args = ["keys", "-n", "4", "--alternate", "k", "--burst", "0", "--quiet", "250ms"];
    let report = load(&server, &args).await;
    assert_eq!(
        (report["keystrokes"].as_u64(), report["alternate"].as_str()),
        (Some(4), Some("k")),
        "{report}"
    );
    // Down one line and up again, twice: the two `k` steps are the same frame, and the
    // second `j` is the first without setting the scroll region again.
    let each: Vec<u64> =
        report["each_key_bytes"].as_array().unwrap().iter().filter_map(Value::as_u64).collect();
    assert!(each[1] == each[3] && each[0] > each[2], "{each:?}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sftp_counts_every_download_it_tried() {
    let server = start("load-sftp").await;
    let report = load(&server, &["sftp", "-n", "2"]).await;
    assert_eq!(report["mode"], "sftp");
    let (ok, failed) = (report["downloads_ok"].as_u64().unwrap(), report["failures"].as_u64().unwrap());
    assert_eq!(ok + failed, 2, "{report}");
    if ok > 0 {
        // A server that serves the file: its size, and the CPU per download.
        assert!(report["file_bytes_min"].as_u64().unwrap() > 0, "{report}");
        assert!(report["server_cpu_per_download_ms"].as_f64().is_some(), "{report}");
    } else {
        // A server without it (the subsystem refused) fails each download at once, named.
        assert_eq!(report["failure_kinds"]["sftp"], 2, "{report}");
    }
    server.stop().await;
}
