//! Messages in tests: a mailbox over a store in a temporary data directory (or any
//! store), a server that takes messages, `ssh HOST message …` with stdin, and the
//! owner's `ssh-resume inbox` run as the real binary.

use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use ssh_resume::admission::limits::Rate;
use ssh_resume::admission::privacy::{PeerLogging, Redactor};
use ssh_resume::insights::Insights;
use ssh_resume::messages::limits::MessageRates;
use ssh_resume::messages::mailbox::{Mailbox, MailboxSettings};
use ssh_resume::messages::notify::Notifier;
use ssh_resume::metrics::Metrics;
use ssh_resume::record::Recorder;
use ssh_resume::store::{self, Location, Store};

use super::{Launch, Parts, TestServer, Visit, Visitor};

/// Message limits off: tests that are not about them send as much as they like.
pub fn unlimited() -> MailboxSettings {
    let none = Rate { count: 0, per: Duration::from_secs(3600) };
    MailboxSettings { rates: MessageRates { per_address: none, global: none }, ..MailboxSettings::default() }
}

/// A rate of `count` an hour.
pub fn per_hour(count: u32) -> Rate {
    Rate { count, per: Duration::from_secs(3600) }
}

/// The SQLite store in `data_dir`.
pub fn sqlite(data_dir: &Path) -> Arc<dyn Store> {
    store::open(&Location::DataDir(data_dir.to_owned()), Duration::from_secs(2)).unwrap()
}

/// A server whose mailbox keeps messages in `store` under `mailbox` settings.
pub async fn server_with(keys: &Path, store: Arc<dyn Store>, mailbox: MailboxSettings) -> TestServer {
    let parts = Parts { mailbox: Some((store, mailbox)), ..Parts::default() };
    TestServer::launch(keys, Launch { parts, ..Launch::default() }).await
}

/// A mailbox over `store` on its own, counting in fresh metrics (returned beside it),
/// insights off, peers not logged.
pub fn mailbox(store: Arc<dyn Store>, settings: MailboxSettings) -> (Mailbox, Arc<Metrics>) {
    mailbox_notifying(store, settings, |_| None)
}

/// [`mailbox`], telling the owner through the notifier `notify` makes from the metrics.
pub fn mailbox_notifying(
    store: Arc<dyn Store>,
    settings: MailboxSettings,
    notify: impl FnOnce(&Metrics) -> Option<Notifier>,
) -> (Mailbox, Arc<Metrics>) {
    let metrics = Arc::new(Metrics::new());
    let recorder = Recorder {
        metrics: metrics.clone(),
        insights: Arc::new(Insights::off()),
        redactor: Arc::new(Redactor::new(PeerLogging::None)),
    };
    let notifier = notify(&metrics);
    (Mailbox::new(store, settings, Arc::new(recorder), notifier), metrics)
}

/// `ssh HOST <command>` from `source` without a PTY, `stdin` sent and closed; the
/// visitor after the channel closed.
pub async fn exec_from(addr: SocketAddr, source: IpAddr, command: &str, stdin: &[u8]) -> Visitor {
    let mut visitor = Visitor::connect_from(addr, source, Visit::no_pty(Some(command))).await;
    for chunk in stdin.chunks(16 * 1024) {
        // The server stops reading a message that is too long and answers at once; its
        // window then stays shut, so a send that waits is the end of stdin.
        let sent = tokio::time::timeout(Duration::from_secs(1), visitor.channel.data(chunk)).await;
        if !matches!(sent, Ok(Ok(()))) {
            break;
        }
    }
    let _ = visitor.channel.eof().await;
    visitor.read_to_end().await;
    visitor
}

/// [`exec_from`] 127.0.0.1.
pub async fn exec(addr: SocketAddr, command: &str, stdin: &[u8]) -> Visitor {
    exec_from(addr, IpAddr::from([127, 0, 0, 1]), command, stdin).await
}

/// `ssh-resume inbox ARGS` (the real binary): (exit code, stdout, stderr).
pub fn inbox(args: &[&str]) -> (i32, String, String) {
    // Optional: the load tool's tests share this harness without the server binary.
    let Some(binary) = option_env!("CARGO_BIN_EXE_ssh-resume") else { panic!("no ssh-resume binary here") };
    let output = std::process::Command::new(binary)
        .arg("inbox")
        .args(args)
        .env_remove("SSH_RESUME_DATABASE_URL")
        .output()
        .unwrap();
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).expect("inbox output is UTF-8");
    (output.status.code().unwrap_or(-1), text(output.stdout), text(output.stderr))
}

/// `inbox --json` against a data directory or URL: the messages, newest first.
pub fn inbox_json(store_flag: &[&str]) -> Vec<serde_json::Value> {
    let mut args = store_flag.to_vec();
    args.push("--json");
    let (code, out, err) = inbox(&args);
    assert_eq!(code, 0, "inbox failed: {err}");
    out.lines().map(|line| serde_json::from_str(line).unwrap()).collect()
}

/// A server whose mailbox and visit insights share `store` (messages unlimited).
pub async fn server_with_insights(keys: &Path, store: Arc<dyn Store>) -> TestServer {
    let parts = Parts { insights: Some(store.clone()), mailbox: Some((store, unlimited())), notify: None };
    TestServer::launch(keys, Launch { parts, ..Launch::default() }).await
}
