//! The handshake-crypto floor: the least CPU a visit can cost the server, its key
//! exchange's own cryptography — one X25519 key pair and one X25519 shared secret
//! (curve25519-sha256, RFC 8731 over RFC 7748) and one Ed25519 signature of the
//! exchange hash (RFC 8709) — with the implementations russh uses (curve25519-dalek's
//! `MontgomeryPoint`, ed25519-dalek), on the server's own core, the median of many
//! rounds. Every time figure is reported beside it as a multiple, so runs on machines
//! of different speed compare.

use std::time::{Duration, Instant};

use curve25519_dalek::montgomery::MontgomeryPoint;
use ed25519_dalek::{Signer, SigningKey};

/// Rounds timed by default, after as many again to warm caches and the CPU's clock.
pub const ROUNDS: usize = 2000;

/// The floor, and where it was measured.
#[derive(Debug, Clone, Copy)]
pub struct Floor {
    /// Median time of one round, in milliseconds.
    pub ms: f64,
    /// The core the rounds ran on (the server's first allowed core), when pinned.
    pub cpu: Option<usize>,
}

/// Times `rounds` rounds on a thread pinned to the first core `server_pid` may run on
/// (this thread's own cores without a pid).
pub fn measure(server_pid: Option<u32>, rounds: usize) -> Floor {
    let cpu = server_pid.and_then(first_allowed_cpu);
    let rounds = rounds.max(1);
    let handle = std::thread::spawn(move || {
        let pinned = cpu.is_some_and(pin_to);
        let mut times: Vec<Duration> = (0..2 * rounds).map(|_| round()).collect();
        times.drain(..rounds);
        times.sort_unstable();
        (times[rounds / 2], pinned)
    });
    let (median, pinned) = handle.join().unwrap_or((Duration::ZERO, false));
    Floor { ms: median.as_secs_f64() * 1000.0, cpu: cpu.filter(|_| pinned) }
}

/// One handshake's server cryptography, timed.
fn round() -> Duration {
    let client_public = MontgomeryPoint::mul_base_clamped(rand::random::<[u8; 32]>());
    let exchange_hash = rand::random::<[u8; 32]>();
    let host_key = SigningKey::from_bytes(&rand::random::<[u8; 32]>());
    let started = Instant::now();
    let secret = rand::random::<[u8; 32]>();
    let public = MontgomeryPoint::mul_base_clamped(secret);
    let shared = client_public.mul_clamped(secret);
    let signature = host_key.sign(&exchange_hash);
    let elapsed = started.elapsed();
    std::hint::black_box((public, shared, signature));
    elapsed
}

/// The lowest-numbered core process `pid` may run on.
fn first_allowed_cpu(pid: u32) -> Option<usize> {
    let pid = libc::pid_t::try_from(pid).ok()?;
    // SAFETY: sched_getaffinity only writes into the set we pass, of the size we give.
    let set = unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(pid, std::mem::size_of::<libc::cpu_set_t>(), &mut set) != 0 {
            return None;
        }
        set
    };
    // SAFETY: CPU_ISSET reads the set within its size.
    (0..libc::CPU_SETSIZE as usize).find(|&cpu| unsafe { libc::CPU_ISSET(cpu, &set) })
}

/// Pins the calling thread to `cpu`; false when the system refuses.
fn pin_to(cpu: usize) -> bool {
    // SAFETY: the set is plain data; sched_setaffinity(0, …) applies to this thread.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_is_a_positive_fraction_of_a_millisecond_scale_time() {
        let floor = measure(Some(std::process::id()), 20);
        assert!(floor.ms > 0.0 && floor.ms < 100.0, "{floor:?}");
        assert!(floor.cpu.is_some(), "pinned to this process's first core");
    }
}
