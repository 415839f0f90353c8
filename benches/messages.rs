//! Message insert latency through the `Store` interface, p50 and p99, for SQLite (WAL,
//! `synchronous=FULL`, one writer thread) and, where it is installed, a real PostgreSQL
//! (started as in the tests: initdb as `nobody`, a unix socket, `fsync=on`). Each insert
//! is one visitor's durable commit, measured one after another from the caller's side.
//!
//! `cargo bench --bench messages` (release build); `-- N` sets the inserts per store.
//! Under `cargo test` (the `--bench` flag absent) it only checks that it runs.

#[allow(dead_code)] // the bench starts and drops a cluster; the tests also stop one
#[path = "../tests/it/common/postgres.rs"]
mod postgres;

use std::sync::Arc;
use std::time::{Duration, Instant};

use ssh_resume::messages::{Channel, Message};
use ssh_resume::store::{self, InsertLimits, Location, NewMessage, Store};

fn message(index: usize) -> NewMessage {
    let body =
        format!("Hello, I read your résumé and would like to talk about a role. ({index})\n").repeat(4);
    let message = Message { name: Some("Bench Mark".into()), reply_to: "bench@example.org".into(), body };
    NewMessage::now(message, Channel::View)
}

/// (p50, p99) of `count` sequential inserts.
async fn measure(store: &Arc<dyn Store>, count: usize) -> (Duration, Duration) {
    let limits = || InsertLimits { max_stored: u64::MAX, deadline: Instant::now() + Duration::from_secs(10) };
    store.insert(message(0), limits()).await.expect("warm-up insert");
    let mut times = Vec::with_capacity(count);
    for index in 1..=count {
        let started = Instant::now();
        store.insert(message(index), limits()).await.expect("insert");
        times.push(started.elapsed());
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    (at(0.50), at(0.99))
}

fn report(name: &str, (p50, p99): (Duration, Duration), count: usize) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!("{name:<10} {count:>6} inserts   p50 {:>7.3} ms   p99 {:>7.3} ms", ms(p50), ms(p99));
}

fn main() {
    let benching = std::env::args().any(|arg| arg == "--bench");
    let count = std::env::args().filter_map(|arg| arg.parse().ok()).next().unwrap_or(if benching {
        2000
    } else {
        20
    });
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let dir = std::env::temp_dir().join(format!("ssh-resume-bench-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let sqlite = store::open(&Location::DataDir(dir.clone()), Duration::from_secs(10)).expect("sqlite");
        report("sqlite", measure(&sqlite, count).await, count);
        let _ = std::fs::remove_dir_all(&dir);
        if let Some(server) = postgres::Postgres::start("bench") {
            let pg =
                store::open(&Location::Postgres(server.url()), Duration::from_secs(10)).expect("postgres");
            report("postgres", measure(&pg, count).await, count);
        }
    });
}
