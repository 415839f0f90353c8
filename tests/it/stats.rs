//! `ssh-resume stats` over a fixed fixture database made through the `Store` API: the
//! JSON gives known numbers, and the text report — ASCII without colour when piped, as
//! here — is a snapshot at 80 columns (the UTF-8 layout of the same report too). Then
//! the whole path: a real server counts a visit, SIGTERM flushes it, `stats` shows it.

use crate::common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::common::messages::sqlite;
use crate::common::{
    LIVENESS, Visit, Visitor, listening_addr, manifest_path, stderr_lines, temp_dir, wait_for_line,
};
use ssh_resume::insights::range::Hours;
use ssh_resume::insights::render::{self, Layout};
use ssh_resume::insights::report::Report;
use ssh_resume::messages::{Channel, Message};
use ssh_resume::store::{CountRow, InsertLimits, NewMessage, Store, Which};

/// 2026-12-01 14:00 UTC, in hours since the epoch.
const HOUR: i64 = 1_796_133_600_000 / 3_600_000;

/// A small talk: a few visits at 14:00, the slide at 15:00, stragglers at 16:00.
fn fixture() -> Vec<CountRow> {
    let at = |offset: i64, rows: &[(&str, &str, i64)]| {
        rows.iter().map(move |(d, l, n)| CountRow::new(HOUR + offset, d, l, *n)).collect::<Vec<_>>()
    };
    let mut rows = at(
        0,
        &[
            ("visit", "interactive", 3),
            ("visit", "exec", 1),
            ("visitors", "new", 3),
            ("section", "about", 3),
            ("section", "experience", 1),
            ("time", "lt-30s", 2),
            ("time", "lt-1m", 1),
            ("end", "quit", 3),
            ("end", "done", 1),
            ("client", "openssh", 4),
            ("size", "standard", 3),
            ("colour", "truecolor", 3),
            ("command", "shell", 3),
            ("command", "json", 1),
        ],
    );
    rows.extend(at(
        1,
        &[
            ("visit", "interactive", 120),
            ("visit", "exec", 40),
            ("visit", "web", 25),
            ("visitors", "new", 150),
            ("section", "about", 120),
            ("section", "experience", 90),
            ("section", "highlights", 40),
            ("section", "open-source", 22),
            ("section", "skills", 15),
            ("time", "lt-5s", 10),
            ("time", "lt-15s", 20),
            ("time", "lt-30s", 25),
            ("time", "lt-1m", 30),
            ("time", "lt-2m", 20),
            ("time", "lt-5m", 10),
            ("time", "lt-10m", 5),
            ("end", "quit", 100),
            ("end", "client-closed", 15),
            ("end", "idle", 5),
            ("end", "done", 40),
            ("client", "openssh", 130),
            ("client", "putty", 12),
            ("client", "libssh", 10),
            ("client", "other", 8),
            ("size", "standard", 80),
            ("size", "wide", 30),
            ("size", "phone", 10),
            ("colour", "256", 70),
            ("colour", "truecolor", 45),
            ("colour", "16", 5),
            ("command", "shell", 115),
            ("command", "section", 8),
            ("command", "json", 20),
            ("command", "text", 10),
            ("command", "markdown", 3),
            ("command", "help", 2),
            ("command", "message", 2),
            ("deep-link", "experience", 6),
            ("deep-link", "open-source", 2),
            ("search", "made", 7),
            ("message", "view", 2),
            ("message", "exec", 2),
            ("message", "web", 1),
        ],
    ));
    rows.extend(at(
        2,
        &[
            ("visit", "interactive", 10),
            ("visit", "web", 5),
            ("visitors", "new", 8),
            ("section", "about", 10),
            ("time", "lt-1m", 10),
            ("end", "quit", 9),
            ("end", "idle", 1),
            ("client", "openssh", 10),
            ("size", "standard", 10),
            ("colour", "256", 10),
            ("command", "shell", 10),
        ],
    ));
    rows
}

/// The fixture in a SQLite store in `data`, with five messages of which two are read.
async fn fixture_store(data: &Path) -> std::sync::Arc<dyn Store> {
    fill(sqlite(data)).await
}

async fn fill(store: std::sync::Arc<dyn Store>) -> std::sync::Arc<dyn Store> {
    store.add_counts(fixture()).await.unwrap();
    let limits = InsertLimits { max_stored: 100, deadline: Instant::now() + LIVENESS };
    for index in 0..5 {
        let message =
            Message { name: None, reply_to: "r@example.org".into(), body: format!("hello {index}") };
        let received_ms = (HOUR + 1) * 3_600_000 + index * 60_000;
        store.insert(NewMessage { message, channel: Channel::View, received_ms }, limits).await.unwrap();
    }
    store.mark_read(Which::One(1)).await.unwrap();
    store.mark_read(Which::One(2)).await.unwrap();
    store
}

/// `ssh-resume stats ARGS` (the real binary, stdout piped): (exit code, stdout, stderr).
fn stats(args: &[&str], envs: &[(&str, &str)]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_ssh-resume"))
        .arg("stats")
        .args(args)
        .env_remove("SSH_RESUME_DATABASE_URL")
        .envs(envs.iter().copied())
        .output()
        .unwrap();
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    (output.status.code().unwrap_or(-1), text(output.stdout), text(output.stderr))
}

const RANGE: [&str; 4] = ["--since", "2026-12-01 12:00", "--until", "2026-12-01 20:00"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stats_over_a_fixture_database() {
    let dir = temp_dir("stats-fixture");
    let data = dir.join("data");
    let store = fixture_store(&data).await;
    let data_arg = data.to_str().unwrap();
    let mut args = vec!["--data-dir", data_arg];
    args.extend(RANGE);

    let (code, text, err) = stats(&args, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(text.is_ascii() && !text.contains('\x1b'), "piped: ASCII without colour");
    assert!(text.lines().all(|line| line.len() <= 80), "{text}");
    insta::assert_snapshot!("stats_80_ascii", text);

    let (code, json, err) = stats(&[args.as_slice(), &["--json"]].concat(), &[]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["hours"], 8);
    assert_eq!(json["visits"], serde_json::json!({"total": 204, "interactive": 133, "exec": 41, "web": 30}));
    assert_eq!(json["distinct_visitors"], 161);
    assert_eq!(json["busiest_hour"], serde_json::json!({"hour": "2026-12-01T15:00:00Z", "visits": 185}));
    assert_eq!(json["time_spent"]["visits"], 133);
    assert_eq!(json["sections"][0], serde_json::json!({"label": "about", "count": 133}));
    assert_eq!(
        json["messages"],
        serde_json::json!({
            "received": 5,
            "by_channel": [{"label": "exec", "count": 2}, {"label": "view", "count": 2}, {"label": "web", "count": 1}],
            "unread": 3
        })
    );
    assert_eq!(json["searches"], 7);
    assert_eq!(json["per_hour"].as_array().unwrap().len(), 8);

    // The same numbers through the library, laid out in UTF-8.
    let hours = Hours { from: HOUR - 2, to: HOUR + 6 };
    let report =
        Report::build(&store.counts(hours.from, hours.to).await.unwrap(), hours).with_unread(Some(3));
    assert_eq!(report.visits.total, 204);
    let utf8 = render::text(&report, Layout { width: 80, ascii: false }, false);
    assert!(utf8.lines().all(|line| unicode_width::UnicodeWidthStr::width(line) <= 80), "{utf8}");
    insta::assert_snapshot!("stats_80_utf8", utf8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stats_refuses_a_backwards_range_and_reads_an_empty_store() {
    let dir = temp_dir("stats-empty");
    let data = dir.join("data");
    let data_arg = data.to_str().unwrap();
    let (code, _, err) = stats(&["--data-dir", data_arg, "--since", "1h", "--until", "2h"], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is not before --until"), "{err}");
    let (code, _, err) = stats(&["--data-dir", data_arg, "--since", "soon"], &[]);
    assert_eq!(code, 2, "{err}");
    let (code, text, err) = stats(&["--data-dir", data_arg, "--since", "10m"], &[("NO_COLOR", "1")]);
    assert_eq!(code, 0, "{err}");
    assert!(text.contains("      0 visits"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visit_counted_by_a_real_server_is_stored_at_sigterm() {
    let dir = temp_dir("stats-sigterm");
    let data = dir.join("data");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ssh-resume"))
        .args(["--log-format", "pretty", "--listen", "127.0.0.1:0", "--drain-timeout", "1s"])
        .arg("--keys-dir")
        .arg(dir.join("keys"))
        .arg("--resume")
        .arg(manifest_path("resume.toml"))
        .arg("--data-dir")
        .arg(&data)
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .env_remove("SSH_RESUME_DATABASE_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = stderr_lines(&mut child);
    let addr = listening_addr(&lines);
    let mut visitor = Visitor::connect(addr, Visit::no_pty(Some("json"))).await;
    visitor.read_to_end().await;
    // SAFETY: kill(2) with a pid of our own child and a valid signal number.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) }, 0);
    wait_for_line(&lines, "insights: the last counts are stored");
    assert!(child.wait().unwrap().success());
    let (code, json, err) = stats(&["--data-dir", data.to_str().unwrap(), "--since", "10m", "--json"], &[]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["visits"]["exec"], 1, "{json}");
    assert_eq!(json["commands"], serde_json::json!([{"label": "json", "count": 1}]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stats_reads_postgresql_the_same_way() {
    let Some(postgres) = common::postgres::Postgres::start("stats") else { return };
    let url = postgres.url();
    let location = ssh_resume::store::Location::Postgres(url.clone());
    fill(ssh_resume::store::open(&location, LIVENESS).unwrap()).await;
    let dir = temp_dir("stats-pg-twin");
    fixture_store(&dir.join("data")).await;
    let twin = dir.join("data");
    let on = |store: &[&str]| {
        let (code, json, err) = stats(&[store, &RANGE[..], &["--json"]].concat(), &[]);
        assert_eq!(code, 0, "{err}");
        json
    };
    assert_eq!(on(&["--database-url", &url]), on(&["--data-dir", twin.to_str().unwrap()]));
}
