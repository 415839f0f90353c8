//! What the operating system says about the two processes in a run: this tool's own CPU
//! time (`getrusage`), and the server's CPU time (`/proc/PID/stat`), resident memory
//! (`VmRSS` in `/proc/PID/status`) and children (a forking server's connections). Linux only; readings of the server fail cleanly
//! when it is gone or the pid is wrong.

use std::io;
use std::time::{Duration, Instant};

/// CPU time (user + system) this process has used so far.
pub fn own_cpu() -> Duration {
    // SAFETY: getrusage only writes into the struct we pass, which is plain data.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut usage) != 0 {
            return Duration::ZERO;
        }
        usage
    };
    let timeval = |tv: libc::timeval| {
        let secs = u64::try_from(tv.tv_sec).unwrap_or(0);
        let micros = u64::try_from(tv.tv_usec).unwrap_or(0);
        Duration::from_secs(secs) + Duration::from_micros(micros)
    };
    timeval(usage.ru_utime) + timeval(usage.ru_stime)
}

/// This machine's CLOCK_MONOTONIC now: the time base of `perf record -k mono`, so the
/// moments of a run can be found in a profile of the server.
pub fn monotonic() -> Duration {
    // SAFETY: clock_gettime only writes into the struct we pass.
    let time = unsafe {
        let mut time: libc::timespec = std::mem::zeroed();
        if libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut time) != 0 {
            return Duration::ZERO;
        }
        time
    };
    let secs = u64::try_from(time.tv_sec).unwrap_or(0);
    Duration::from_secs(secs) + Duration::from_nanos(u64::try_from(time.tv_nsec).unwrap_or(0))
}

/// CPU time (user + system, all threads, living and exited) of process `pid`, from its
/// CPU-time clock in nanoseconds (else `/proc/PID/stat` in clock ticks of 10 ms), plus
/// that of its children it has reaped: a server that forks per connection (OpenSSH's
/// sshd) is measured whole.
pub fn process_cpu(pid: u32) -> io::Result<Duration> {
    let own = cpu_clock(pid).or_else(|_| stat_cpu(pid, parse_stat_ticks))?;
    Ok(own + stat_cpu(pid, parse_stat_children).unwrap_or_default())
}

/// The process's CPU-time clock (`clock_getcpuclockid`), read with nanosecond resolution.
fn cpu_clock(pid: u32) -> io::Result<Duration> {
    let pid = libc::pid_t::try_from(pid).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    // SAFETY: both calls only write into the values we pass.
    let time = unsafe {
        let mut clock: libc::clockid_t = 0;
        let err = libc::clock_getcpuclockid(pid, &mut clock);
        if err != 0 {
            return Err(io::Error::from_raw_os_error(err));
        }
        let mut time: libc::timespec = std::mem::zeroed();
        if libc::clock_gettime(clock, &mut time) != 0 {
            return Err(io::Error::last_os_error());
        }
        time
    };
    let secs = u64::try_from(time.tv_sec).unwrap_or(0);
    Ok(Duration::from_secs(secs) + Duration::from_nanos(u64::try_from(time.tv_nsec).unwrap_or(0)))
}

/// The clock ticks `fields` picks from `/proc/PID/stat`, as time.
fn stat_cpu(pid: u32, fields: fn(&str) -> Option<u64>) -> io::Result<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    let ticks = fields(&stat).ok_or_else(|| bad_data(format!("/proc/{pid}/stat")))?;
    // SAFETY: sysconf has no preconditions.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    let per_second = u64::try_from(per_second).ok().filter(|&t| t > 0).unwrap_or(100);
    Ok(Duration::from_secs_f64(ticks as f64 / per_second as f64))
}

/// How many children process `pid` has now, from `/proc/PID/task/*/children`.
pub fn children(pid: u32) -> io::Result<usize> {
    let mut count = 0;
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))? {
        let list = std::fs::read_to_string(task?.path().join("children"))?;
        count += list.split_whitespace().count();
    }
    Ok(count)
}

/// Resident memory of process `pid`, in KiB.
pub fn rss_kib(pid: u32) -> io::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    parse_vm_rss(&status).ok_or_else(|| bad_data(format!("/proc/{pid}/status")))
}

/// Resident anonymous memory of process `pid` (`RssAnon`: the heap and stacks, not the
/// executable's code pages, which are read in from the file on first use), in KiB.
pub fn rss_anon_kib(pid: u32) -> io::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    parse_status_kib(&status, "RssAnon:").ok_or_else(|| bad_data(format!("/proc/{pid}/status")))
}

fn bad_data(what: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("cannot parse {what}"))
}

/// utime + stime from a `/proc/PID/stat` line. The command name (field 2) is in
/// parentheses and may hold spaces, so fields are counted after the last `)`.
fn parse_stat_ticks(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11); // field 3 (state) is index 0; utime is field 14
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

/// cutime + cstime (fields 16 and 17): reaped children's CPU time.
fn parse_stat_children(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(13);
    let cutime: u64 = fields.next()?.parse().ok()?;
    let cstime: u64 = fields.next()?.parse().ok()?;
    Some(cutime + cstime)
}

/// The `VmRSS:   1234 kB` line of `/proc/PID/status`.
fn parse_vm_rss(status: &str) -> Option<u64> {
    parse_status_kib(status, "VmRSS:")
}

/// A `Name:   1234 kB` line of `/proc/PID/status`, in KiB.
fn parse_status_kib(status: &str, name: &str) -> Option<u64> {
    let line = status.lines().find(|line| line.starts_with(name))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Raises this process's open-file limit to its hard limit (a crowd of visitors needs
/// one socket each); returns the limit now in force.
pub fn raise_fd_limit() -> u64 {
    // SAFETY: getrlimit/setrlimit only read and write the struct we pass.
    unsafe {
        let mut limit: libc::rlimit = std::mem::zeroed();
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return 0;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit { rlim_cur: limit.rlim_max, rlim_max: limit.rlim_max };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                return raised.rlim_cur;
            }
        }
        limit.rlim_cur
    }
}

/// CPU readings at the start of a measurement, to report the differences at its end.
pub struct Probe {
    server_pid: Option<u32>,
    started: Instant,
    own_cpu: Duration,
    server_cpu: Option<Duration>,
}

/// What changed between [`Probe::start`] and [`Probe::finish`].
pub struct Usage {
    pub wall: Duration,
    pub own_cpu: Duration,
    pub server_cpu: Option<Duration>,
    pub server_rss_kib: Option<u64>,
}

impl Probe {
    pub fn start(server_pid: Option<u32>) -> Self {
        let server_cpu = server_pid.and_then(|pid| process_cpu(pid).ok());
        Self { server_pid, started: Instant::now(), own_cpu: own_cpu(), server_cpu }
    }

    pub fn finish(&self) -> Usage {
        let server_cpu = match (self.server_pid, self.server_cpu) {
            (Some(pid), Some(before)) => process_cpu(pid).ok().map(|now| now.saturating_sub(before)),
            _ => None,
        };
        Usage {
            wall: self.started.elapsed(),
            own_cpu: own_cpu().saturating_sub(self.own_cpu),
            server_cpu,
            server_rss_kib: self.server_pid.and_then(|pid| rss_kib(pid).ok()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_ticks_skip_a_command_name_with_spaces() {
        let stat = "4242 (ssh resume) S 1 4242 4242 0 -1 4194560 900 0 0 0 37 5 0 0 20 0 3 0 100 0 0";
        assert_eq!(parse_stat_ticks(stat), Some(42));
        assert_eq!(parse_stat_children(stat), Some(0));
        let reaped = "4242 (sshd) S 1 4242 4242 0 -1 4194560 900 0 0 0 37 5 120 30 20 0 3 0 100 0 0";
        assert_eq!(parse_stat_children(reaped), Some(150));
        assert_eq!(parse_stat_ticks("garbage"), None);
    }

    #[test]
    fn vm_rss_is_read_in_kib() {
        let status = "Name:\tssh-resume\nVmPeak:\t  9000 kB\nVmRSS:\t    5120 kB\nThreads:\t2\n";
        assert_eq!(parse_vm_rss(status), Some(5120));
        assert_eq!(parse_vm_rss("Name: x\n"), None);
        let status = "VmRSS:\t  31104 kB\nRssAnon:\t   19876 kB\nRssFile:\t   11228 kB\n";
        assert_eq!(parse_status_kib(status, "RssAnon:"), Some(19876));
    }

    #[test]
    fn this_process_can_be_measured() {
        let pid = std::process::id();
        assert!(rss_kib(pid).unwrap() > 0);
        let (clock, stat) = (cpu_clock(pid).unwrap(), stat_cpu(pid, parse_stat_ticks).unwrap());
        assert!(clock + Duration::from_millis(50) >= stat, "{clock:?} vs {stat:?}");
        let probe = Probe::start(Some(pid));
        let usage = probe.finish();
        assert!(usage.server_cpu.is_some() && usage.server_rss_kib.is_some());
        let mut child = std::process::Command::new("sleep").arg("5").spawn().unwrap();
        assert!(children(pid).unwrap() >= 1, "the sleep is a child");
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(children(u32::MAX).is_err());
    }
}
