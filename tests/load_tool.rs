//! The load tool against the real server: its `latency`, `keys` and `hold` modes run a
//! few visits through the built binary and report them in their JSON line. Only counts
//! and the order of percentiles are checked, never timings.

mod common;

use common::{LIVENESS, TestServer, temp_dir};
use serde_json::Value;

/// Runs `ssh-resume-load ARGS --addr ADDR --json --server-pid OURS` (the server runs in
/// this process) and returns its JSON line.
async fn load(server: &TestServer, args: &[&str]) -> Value {
    let pid = std::process::id().to_string();
    let addr = server.addr.to_string();
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_ssh-resume-load"));
    command.args(args).args(["--addr", &addr, "--json", "--timeout", "10s", "--server-pid", &pid]);
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latency_reports_every_visit() {
    let server = TestServer::start(&temp_dir("load-latency")).await;
    let report = load(&server, &["latency", "-n", "5", "--sources", "4"]).await;
    assert_eq!(report["mode"], "latency");
    assert_eq!(report["visits_ok"], 5, "{report}");
    assert_eq!(report["failures"], 0, "{report}");
    assert_ordered(&report["first_frame_ms"], 5);
    let first_frame = report["first_frame_ms"]["p50"].as_f64().unwrap();
    assert!(report["tcp_ms"]["p50"].as_f64().unwrap() <= first_frame);
    assert!(report["server_cpu_s"].as_f64().unwrap() >= 0.0);
    assert!(report["server_rss_kib"].as_u64().unwrap() > 0);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_count_bytes_per_keystroke() {
    let server = TestServer::start(&temp_dir("load-keys")).await;
    let args = ["keys", "-n", "3", "--burst", "5", "--quiet", "20ms"];
    let report = load(&server, &args).await;
    assert_eq!(report["keystrokes"], 3, "{report}");
    assert_ordered(&report["key_to_output_ms"], 3);
    assert!(report["bytes_per_key"]["min"].as_u64().unwrap() > 0, "{report}");
    assert!(report["burst_writes"].as_u64().unwrap() >= 1, "{report}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hold_weighs_the_crowd() {
    let server = TestServer::start(&temp_dir("load-hold")).await;
    let report = load(&server, &["hold", "-n", "4", "--settle", "10ms"]).await;
    assert_eq!(report["failures"], 0, "{report}");
    assert_eq!(report["rounds"][0]["served"], 4, "{report}");
    assert!(report["rss_idle_kib"].as_u64().unwrap() > 0);
    assert!(report["kib_per_visitor"].as_f64().is_some(), "{report}");
    server.stop().await;
}
