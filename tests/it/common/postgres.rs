//! A real PostgreSQL for tests, from the distribution's packages: `initdb` in a
//! temporary directory as the unprivileged user `nobody` (PostgreSQL refuses to run as
//! root), listening only on a unix socket in that directory, stopped when dropped.
//! Without the binaries a test skips with a message; under `CI=true` it fails instead
//! (`.ci/run` installs them).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// One running (or stopped) cluster.
pub struct Postgres {
    bin: PathBuf,
    dir: PathBuf,
    running: bool,
}

/// The newest `/usr/lib/postgresql/N/bin` with `initdb`.
fn binaries() -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists() && bin.join("pg_ctl").exists())
        .collect();
    found.sort();
    found.pop()
}

/// Runs `program args` as `nobody`; panics with its output when it fails.
fn as_nobody(program: &Path, args: &[&str]) {
    let output = Command::new("runuser")
        .args(["-u", "nobody", "--"])
        .arg(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("runuser");
    assert!(
        output.status.success(),
        "{} {args:?} failed:\n{}{}",
        program.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

impl Postgres {
    /// A fresh cluster named `name`, started; `None` (after saying why) when PostgreSQL
    /// is not installed and this is not CI.
    pub fn start(name: &str) -> Option<Self> {
        let Some(bin) = binaries() else {
            let why = "PostgreSQL is not installed (apt-get install postgresql)";
            assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}; CI must have it");
            eprintln!("skipped: {why}");
            return None;
        };
        let dir = PathBuf::from("/tmp").join(format!("ssh-resume-pg-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let status = Command::new("chown").args(["nobody:nogroup"]).arg(&dir).status().unwrap();
        assert!(status.success(), "cannot give {} to nobody", dir.display());
        let data = dir.join("data");
        let data_arg = data.to_str().unwrap();
        as_nobody(
            &bin.join("initdb"),
            &["-D", data_arg, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
        );
        let mut postgres = Self { bin, dir, running: false };
        postgres.start_again();
        Some(postgres)
    }

    /// Starts the stopped cluster again.
    pub fn start_again(&mut self) {
        let data = self.dir.join("data");
        let log = self.dir.join("log");
        let options = format!("-k {} -c listen_addresses='' -p 5432 -c fsync=on", self.dir.display());
        as_nobody(
            &self.bin.join("pg_ctl"),
            &["-D", data.to_str().unwrap(), "-l", log.to_str().unwrap(), "-o", &options, "-w", "start"],
        );
        self.running = true;
    }

    /// Stops it now (fast shutdown: open connections are cut).
    pub fn stop(&mut self) {
        let data = self.dir.join("data");
        as_nobody(&self.bin.join("pg_ctl"), &["-D", data.to_str().unwrap(), "-m", "fast", "-w", "stop"]);
        self.running = false;
    }

    /// The connection string: the unix socket, trust authentication.
    pub fn url(&self) -> String {
        format!("host={} port=5432 user=postgres dbname=postgres", self.dir.display())
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if self.running {
            let data = self.dir.join("data");
            let _ = Command::new("runuser")
                .args(["-u", "nobody", "--"])
                .arg(self.bin.join("pg_ctl"))
                .args(["-D", data.to_str().unwrap_or(""), "-m", "immediate", "-w", "stop"])
                .output();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
