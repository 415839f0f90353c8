//! The load tool's command line: where and how visitors connect (shared by every mode,
//! accepted before or after the mode), and one subcommand per measurement with its own
//! bounds. Parsing only; the modes live in their own files.

use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Measure an ssh-resume server (or any SSH server that draws a marker text) with real
/// SSH visitors: latency to the first frame, visits per second, a conference burst,
/// memory per idle visitor and keystroke cost.
///
/// Every run is bounded by a count and/or a duration, and every wait by `--timeout`.
/// Output: a table for people, then one JSON line for scripts (`--json` prints only that).
/// Pin the server and this tool to different cores, e.g.
/// `taskset -c 0 ./target/release/ssh-resume --listen 127.0.0.1:2222` and
/// `taskset -c 1 ./target/release/ssh-resume-load latency --server-pid PID`.
#[derive(Debug, Parser)]
#[command(name = "ssh-resume-load", version, about, long_about)]
pub struct Cli {
    #[command(flatten)]
    pub target: TargetArgs,
    #[command(subcommand)]
    pub mode: Mode,
}

/// Where the visitors go and what they look like.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Visitors (any mode)")]
pub struct TargetArgs {
    /// The server, as `host:port`.
    #[arg(long, short = 'a', default_value = "127.0.0.1:2222", global = true)]
    pub addr: String,
    /// Text whose arrival on the visitor's screen counts as the first frame.
    #[arg(long, default_value = "Staff Software Engineer", global = true)]
    pub marker: String,
    /// TERM sent in the pty-req.
    #[arg(long, default_value = "xterm-256color", global = true)]
    pub term: String,
    /// Terminal width sent in the pty-req.
    #[arg(long, default_value_t = 80, value_parser = clap::value_parser!(u16).range(1..), global = true)]
    pub cols: u16,
    /// Terminal height sent in the pty-req.
    #[arg(long, default_value_t = 24, value_parser = clap::value_parser!(u16).range(1..), global = true)]
    pub rows: u16,
    /// Spread visitors over source addresses 127.0.0.1 … 127.0.0.N so per-IP limits do
    /// not throttle the tool (only for a 127.x.x.x target; 1 turns it off).
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u8).range(1..=250), global = true)]
    pub sources: u8,
    /// Bound on each wait: connect → first frame, each keystroke, the goodbye.
    #[arg(long, default_value = "10s", value_parser = parse_duration, global = true)]
    pub timeout: Duration,
    /// The server's process id: its CPU time and memory (VmRSS) are read from /proc.
    #[arg(long, global = true)]
    pub server_pid: Option<u32>,
    /// The user name visitors log in as (with the "none" method).
    #[arg(long, default_value = "load", global = true)]
    pub user: String,
    /// Rounds of handshake cryptography timed for the floor every figure is compared
    /// with (measured on the server's core as the run starts).
    #[arg(long, default_value_t = crate::floor::ROUNDS, value_parser = parse_rounds, global = true)]
    pub floor_rounds: usize,
    /// Key exchange the visitors offer.
    #[arg(long, value_enum, default_value = "curve25519", global = true)]
    pub kex: Kex,
    /// Print only the JSON line.
    #[arg(long, global = true)]
    pub json: bool,
}

/// The key exchange the visitors offer (the server picks from its own list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kex {
    /// `curve25519-sha256`: OpenSSH 8.x–9.8's choice against this server.
    Curve25519,
    /// `mlkem768x25519-sha256`: post-quantum hybrid, OpenSSH 9.9+'s default.
    Mlkem768x25519,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Mode {
    /// N sequential visits: TCP connect → auth none → pty-req → shell → first frame → quit.
    Latency {
        /// Visits measured.
        #[arg(short = 'n', long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        visits: u32,
        /// Visits made first and left out of the figures.
        #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=10_000))]
        warmup: u32,
    },
    /// C concurrent visitors, each looping connect → first frame → quit, for a duration.
    Rate {
        /// Visitors at once.
        #[arg(short = 'c', long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        concurrency: u32,
        /// How long new visits start.
        #[arg(short = 'd', long, default_value = "10s", value_parser = parse_duration)]
        duration: Duration,
    },
    /// A conference audience: N visitors arriving at R per second, who all stay and read
    /// until the last one is served, then leave together.
    Burst {
        #[arg(short = 'n', long, default_value_t = 2000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        visitors: u32,
        /// Arrivals per second.
        #[arg(short = 'r', long, default_value_t = 200.0, value_parser = parse_rate)]
        rate: f64,
        /// How long everyone stays after the last arrival was served.
        #[arg(long, default_value = "2s", value_parser = parse_duration)]
        stay: Duration,
    },
    /// N idle visitors held open at once: server memory per visitor, then after they leave.
    Hold {
        #[arg(short = 'n', long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        visitors: u32,
        /// Visitors connecting at the same time while the crowd builds up.
        #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=1_000))]
        parallel: u32,
        /// Pause before each memory reading, so the server settles.
        #[arg(long, default_value = "1s", value_parser = parse_duration)]
        settle: Duration,
        /// Times the crowd comes and goes (memory should not grow from one to the next).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100))]
        rounds: u32,
    },
    /// One visit, keystrokes one at a time: bytes per keystroke and key → first output
    /// byte; then a burst of keys sent at once: how many writes and bytes come back.
    Keys {
        /// Keystrokes sent one at a time, each after the previous one's output.
        #[arg(short = 'n', long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        count: u32,
        /// The key sent (its bytes).
        #[arg(long, default_value = "j")]
        key: String,
        /// Keys sent first (not measured), e.g. `3` for a long section to scroll in.
        #[arg(long, default_value = "3")]
        setup: String,
        /// Keys in the burst sent without waiting (0 skips it).
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(0..=1_000))]
        burst: u32,
        /// Silence that ends one keystroke's output.
        #[arg(long, default_value = "50ms", value_parser = parse_duration)]
        quiet: Duration,
        /// Every other keystroke sends this key instead (`--key j --alternate k`: down
        /// and up again, so a short text never runs out of lines to scroll).
        #[arg(long)]
        alternate: Option<String>,
    },
    /// N downloads of a file over SFTP, one after another, each on its own connection as
    /// `scp HOST:FILE .` makes them (OpenSSH 9 copies over SFTP): server CPU per download.
    /// Any server offering the `sftp` subsystem (OpenSSH's sshd with sftp-server too;
    /// its children's CPU is counted once they have ended).
    Sftp {
        /// Downloads made.
        #[arg(short = 'n', long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        downloads: u32,
        /// The file's path on the server.
        #[arg(long, default_value = "resume.pdf")]
        path: String,
    },
    /// The audience after a talk, scripted so its counts are known: views (some moving
    /// to other sections, some opened on one by name), exec commands, sections printed
    /// by name, messages and web page requests, counted by the same names as the
    /// server's insights, to compare with `ssh-resume stats --json`.
    Talk(TalkArgs),
    /// One visitor floods the server with window changes (or keystrokes) as fast as it
    /// can send them: server CPU and how many frames come back.
    Flood {
        /// What is sent: window changes between two sizes, or `j`/`k` keystrokes.
        #[arg(long, value_enum, default_value = "resize")]
        what: FloodKind,
        /// How long the flood lasts.
        #[arg(short = 'd', long, default_value = "10s", value_parser = parse_duration)]
        duration: Duration,
    },
}

/// The `talk` mode's plan.
#[derive(Debug, Clone, Args)]
pub struct TalkArgs {
    /// Visits made (the `help` that learns the section names is one more).
    #[arg(short = 'n', long, default_value_t = 300, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub visits: u32,
    /// Over how long the visits start, evenly spread.
    #[arg(short = 'd', long, default_value = "60s", value_parser = parse_duration)]
    pub duration: Duration,
    /// Most visits under way at once.
    #[arg(short = 'c', long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub concurrency: u32,
    /// Of the visits, how many send a message (`ssh host message`); keep within the
    /// server's message limits, or raise them.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(0..=10_000))]
    pub messages: u32,
    /// The server's web view (`host:port`): a tenth of the visits are page requests
    /// there instead of `markdown`.
    #[arg(long)]
    pub web: Option<std::net::SocketAddr>,
}

/// What a flood sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FloodKind {
    Resize,
    Keys,
}

/// `10s`, `250ms`, `1.5s`, `2m`, or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, scale) = if let Some(ms) = text.strip_suffix("ms") {
        (ms, 1e-3)
    } else if let Some(s) = text.strip_suffix('s') {
        (s, 1.0)
    } else if let Some(m) = text.strip_suffix('m') {
        (m, 60.0)
    } else {
        (text, 1.0)
    };
    let value: f64 =
        number.trim().parse().map_err(|_| format!("`{text}` is not a duration like 10s or 250ms"))?;
    let seconds = value * scale;
    if !(0.0..=86_400.0).contains(&seconds) {
        return Err(format!("`{text}` is outside 0s..24h"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// A number of rounds, 1 to 100,000.
fn parse_rounds(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(rounds) if (1..=100_000).contains(&rounds) => Ok(rounds),
        _ => Err(format!("`{text}` is not a number of rounds in 1..=100000")),
    }
}

/// A positive rate, at most 100,000 per second.
fn parse_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(rate) if rate > 0.0 && rate <= 100_000.0 => Ok(rate),
        _ => Err(format!("`{text}` is not a rate in (0, 100000] per second")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_units() {
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("1.5"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("-1s").is_err());
    }

    #[test]
    fn rates_are_positive() {
        assert_eq!(parse_rate("200"), Ok(200.0));
        assert!(parse_rate("0").is_err());
        assert!(parse_rate("x").is_err());
    }

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
