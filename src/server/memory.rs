//! Gives memory back to the operating system after a crowd has left.
//!
//! glibc's allocator keeps freed memory in its arenas: after 2,000 visitors leave, the
//! process would hold on to hundreds of MiB it no longer uses. Once a good share of the
//! connections that were open have closed, `malloc_trim` hands the free pages back. It
//! runs off the async workers and at most once per check interval.

use std::sync::Arc;
use std::time::Duration;

use super::shared::Shared;

/// How often open connections are compared with the last trim's count.
const CHECK_EVERY: Duration = Duration::from_millis(500);
/// Connections that must have closed since the peak for a trim to be worth it.
const CLOSED_BEFORE_TRIM: usize = 64;

/// Runs until shutdown, trimming after each crowd leaves.
pub async fn return_after_crowds(shared: Arc<Shared>) {
    let mut peak = 0;
    loop {
        tokio::select! {
            _ = shared.service.shutdown.cancelled() => return,
            _ = tokio::time::sleep(CHECK_EVERY) => {}
        }
        let open = shared.limiter.open();
        peak = peak.max(open);
        if peak.saturating_sub(open) >= CLOSED_BEFORE_TRIM || (open == 0 && peak > 0) {
            peak = open;
            let _ = tokio::task::spawn_blocking(trim).await;
        }
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn trim() {
    // SAFETY: malloc_trim only releases free memory at the top of the heap and in free
    // pages of the arenas; it is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim() {}
