//! Visit insights: what recording costs a visit (`Insights::record`, the lock and the
//! counter increments a door pays), and how large the store grows after N recorded
//! visits (100,000 under `cargo bench --bench insights`; `-- N` sets it), for SQLite
//! and, where installed, PostgreSQL (started as in the tests). Visits come in a fixed
//! mix of kinds, sections, clients, sizes, endings and time spent, from 5,000
//! addresses, either all within one hour or spread over 30 days, flushed once per
//! simulated hour (the server flushes every 10 s; a flush adds to the hour's rows, so
//! the size depends on the hours and labels, not on the number of flushes).
//!
//! Under `cargo test` (the `--bench` flag absent) it runs 2,000 visits as a check.

#[allow(dead_code)]
#[path = "../tests/it/common/postgres.rs"]
mod postgres;

use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ssh_resume::admission::privacy::{PeerLogging, Redactor};
use ssh_resume::insights::labels::{CLIENT_FAMILIES, Kind, SIZE_CLASSES};
use ssh_resume::insights::tally::Tally;
use ssh_resume::insights::{Insights, Visit};
use ssh_resume::store::{self, Location, SQLITE_FILE, Store};

const SECTIONS: [&str; 7] =
    ["about", "highlights", "experience", "open-source", "community", "education", "skills"];
const COMMANDS: [&str; 4] = ["json", "text", "markdown", "help"];
const ENDS: [&str; 4] = ["quit", "client-closed", "idle", "quit"];
const COLOURS: [&str; 4] = ["256", "truecolor", "16", "256"];
const ADDRESSES: u64 = 5_000;

/// A small deterministic scramble of `n`.
fn mix(n: u64) -> u64 {
    n.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407) >> 33
}

/// Visit `n` of the mix: 60% views, 30% commands, 10% web pages.
fn visit(n: u64) -> Visit {
    let r = mix(n);
    let pick = |items: &[&'static str], salt: u64| items[(mix(r + salt) % items.len() as u64) as usize];
    match r % 10 {
        0..=5 => Visit {
            kind: Some(Kind::Interactive),
            command: Some("shell"),
            end: Some(pick(&ENDS, 1)),
            spent: Some(Duration::from_secs(mix(r + 2) % 900)),
            client: Some(pick(&CLIENT_FAMILIES, 3)),
            size: Some(pick(&SIZE_CLASSES, 4)),
            colour: Some(pick(&COLOURS, 5)),
            sections: SECTIONS[..1 + (mix(r + 6) % 4) as usize].to_vec(),
            searches: u32::from(r.is_multiple_of(7)),
            ..Visit::default()
        },
        6..=8 => Visit {
            kind: Some(Kind::Exec),
            command: Some(pick(&COMMANDS, 7)),
            end: Some("done"),
            client: Some(pick(&CLIENT_FAMILIES, 3)),
            ..Visit::default()
        },
        _ => Visit { kind: Some(Kind::Web), ..Visit::default() },
    }
}

fn address(n: u64) -> IpAddr {
    let a = mix(n + 99) % ADDRESSES;
    IpAddr::from([10, (a >> 16) as u8, (a >> 8) as u8, a as u8])
}

/// Nanoseconds per `Insights::record` over `count` visits, and the flush's time.
async fn recording_cost(store: Arc<dyn Store>, count: u64) -> (f64, Duration) {
    let insights = Insights::new(store);
    let redactor = Redactor::new(PeerLogging::None);
    let visits: Vec<(Visit, IpAddr)> = (0..count).map(|n| (visit(n), address(n))).collect();
    let started = Instant::now();
    for (visit, source) in &visits {
        insights.record(visit, *source, &redactor);
    }
    let per_visit = started.elapsed().as_nanos() as f64 / count as f64;
    let flushing = Instant::now();
    insights.flush().await.expect("flush");
    (per_visit, flushing.elapsed())
}

/// Records `count` visits spread over `hours` hours, flushing each hour.
async fn fill(store: &Arc<dyn Store>, count: u64, hours: u64) {
    let mut tally = Tally::default();
    let first_hour = 500_000;
    for hour in 0..hours {
        let (from, to) = (count * hour / hours, count * (hour + 1) / hours);
        for n in from..to {
            let day = (first_hour + hour) / 24;
            tally.visitor((first_hour + hour) as i64, day, mix(n + 99) % ADDRESSES);
            tally.record((first_hour + hour) as i64, &visit(n));
        }
        store.add_counts(tally.take().rows()).await.expect("add counts");
    }
}

/// The SQLite file's size once its last connection closed (WAL checkpointed), and rows.
fn sqlite_size(dir: &Path) -> (u64, i64) {
    let path = dir.join(SQLITE_FILE);
    let wal = dir.join(format!("{SQLITE_FILE}-wal"));
    let until = Instant::now() + Duration::from_secs(10);
    while wal.exists() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    let connection = rusqlite::Connection::open(&path).expect("open");
    let rows = connection.query_row("SELECT count(*) FROM insight_counts", [], |r| r.get(0)).expect("count");
    drop(connection);
    (std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0), rows)
}

async fn sqlite(count: u64, hours: u64, name: &str) {
    let dir = std::env::temp_dir().join(format!("ssh-resume-bench-insights-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store = store::open(&Location::DataDir(dir.clone()), Duration::from_secs(10)).expect("sqlite");
    fill(&store, count, hours).await;
    drop(store);
    let (bytes, rows) = sqlite_size(&dir);
    println!(
        "sqlite     {count:>7} visits over {hours:>3} h: {rows:>6} rows, file {:>8.1} KiB",
        bytes as f64 / 1024.0
    );
    let _ = std::fs::remove_dir_all(&dir);
}

async fn postgres(server: &postgres::Postgres, count: u64, hours: u64) {
    let store = store::open(&Location::Postgres(server.url()), Duration::from_secs(10)).expect("postgres");
    let (client, connection) =
        tokio_postgres::connect(&server.url(), tokio_postgres::NoTls).await.expect("connect");
    tokio::spawn(connection);
    store.count().await.expect("migrated");
    client.execute("TRUNCATE insight_counts", &[]).await.expect("truncate");
    fill(&store, count, hours).await;
    client.execute("VACUUM ANALYZE insight_counts", &[]).await.expect("vacuum");
    let row = client
        .query_one("SELECT count(*), pg_total_relation_size('insight_counts') FROM insight_counts", &[])
        .await
        .expect("size");
    let (rows, bytes): (i64, i64) = (row.get(0), row.get(1));
    println!(
        "postgres   {count:>7} visits over {hours:>3} h: {rows:>6} rows, table {:>8.1} KiB",
        bytes as f64 / 1024.0
    );
}

fn main() {
    let benching = std::env::args().any(|arg| arg == "--bench");
    let count: u64 = std::env::args().filter_map(|arg| arg.parse().ok()).next().unwrap_or(if benching {
        100_000
    } else {
        2_000
    });
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let dir = std::env::temp_dir().join(format!("ssh-resume-bench-insights-{}", std::process::id()));
        let scratch = store::open(&Location::DataDir(dir.clone()), Duration::from_secs(10)).expect("sqlite");
        let (ns, flush) = recording_cost(scratch, count).await;
        println!("record     {count:>7} visits: {ns:.0} ns per visit; one flush of the hour {flush:.1?}");
        let _ = std::fs::remove_dir_all(&dir);
        for hours in [1, 24 * 30] {
            sqlite(count, hours, &hours.to_string()).await;
        }
        if let Some(server) = postgres::Postgres::start("bench-insights") {
            for hours in [1, 24 * 30] {
                postgres(&server, count, hours).await;
            }
        }
    });
}
