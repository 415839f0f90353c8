//! The load tool's `talk` mode against the real server: every count the tool reports
//! equals what the server's insights stored. A binary of its own, so its thirty visits
//! do not run beside the timing-sensitive tests of `load_tool.rs`.

use crate::common;

use std::path::{Path, PathBuf};

use crate::common::{LIVENESS, TestServer, temp_dir};
use serde_json::Value;

/// The server's own résumé, at the workspace root.
fn shipped_resume() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../resume.toml")
}

/// Runs `ssh-resume-load ARGS --addr ADDR --json` and returns its JSON line.
async fn load(server: &TestServer, args: &[&str]) -> Value {
    let addr = server.addr.to_string();
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_ssh-resume-load"));
    command.args(args).args(["--addr", &addr, "--json", "--timeout", "10s", "--floor-rounds", "50"]);
    command.kill_on_drop(true);
    let output = tokio::time::timeout(LIVENESS * 3, command.output()).await.unwrap().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "load tool failed: {}", String::from_utf8_lossy(&output.stderr));
    let line = stdout.lines().rev().find(|l| l.starts_with('{')).expect("a JSON line");
    serde_json::from_str(line).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn talk_counts_exactly_what_the_servers_insights_recorded() {
    let dir = temp_dir("load-talk");
    let store = common::messages::sqlite(&dir.join("data"));
    let parts = common::Parts {
        insights: Some(store.clone()),
        mailbox: Some((store.clone(), common::messages::unlimited())),
        notify: None,
    };
    let launch = common::Launch { resume: shipped_resume(), parts, ..common::Launch::default() };
    let server = TestServer::launch(&dir.join("keys"), launch).await;
    let web = server.start_web(ssh_resume::web::WebSettings::default()).await.to_string();
    let args = ["talk", "-n", "30", "-d", "1s", "--messages", "3", "--sources", "4", "--web", &web];
    let report = load(&server, &args).await;
    assert_eq!(report["failures"], 0, "{report}");
    server.wait_until_no_connections().await;
    let insights = &server.shared.service.insights;
    insights.flush().await.unwrap();
    let mut stored = serde_json::Map::new();
    for row in insights.counts(0, i64::MAX).await.unwrap() {
        if row.dimension == "time" {
            continue;
        }
        let entry = stored.entry(row.dimension).or_insert_with(|| serde_json::json!({}));
        let before = entry[&row.label].as_i64().unwrap_or(0);
        entry[&row.label] = serde_json::json!(before + row.count);
    }
    let visitors = stored.remove("visitors").unwrap();
    assert_eq!(visitors["new"], 4, "one visitor per source address");
    assert_eq!(Value::Object(stored), report["counts"]);
    server.stop().await;
}
