//! The accept loop both doors run, and their drain: accept until shutdown, hand each
//! socket to the door's admission (which may refuse it before any protocol work), track
//! every connection task it starts, and pause briefly after a failed `accept()` (out of
//! file descriptors, say) instead of spinning. On shutdown the door waits for its
//! tracked connections within the drain deadline ([`drain`]).

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::warn;

/// Pause after a failed `accept()` before trying again, in ms: long enough not to spin
/// on a full file-descriptor table, short enough that visitors barely notice.
pub const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Accepts on `listener` until `shutdown` is cancelled. `admit` gets every socket and
/// its peer, and returns the connection's task (spawned on `tracker`), or `None` when it
/// refused the socket. `door` names the door in the log line of a failed accept.
pub async fn accept_until<F, T>(
    listener: TcpListener,
    shutdown: CancellationToken,
    tracker: TaskTracker,
    door: &'static str,
    mut admit: F,
) where
    F: FnMut(TcpStream, SocketAddr) -> Option<T>,
    T: Future<Output = ()> + Send + 'static,
{
    loop {
        let accepted = tokio::select! {
            _ = shutdown.cancelled() => return,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((socket, peer)) => {
                if let Some(connection) = admit(socket, peer) {
                    tracker.spawn(connection);
                }
            }
            Err(err) => {
                warn!(error = %err, door, "accept failed; retrying shortly");
                tokio::time::sleep(ACCEPT_BACKOFF).await;
            }
        }
    }
}

/// Closes `tracker` and waits up to `grace` for its connections to end; `true` when
/// they all did.
pub async fn drain(tracker: &TaskTracker, grace: Duration) -> bool {
    tracker.close();
    tokio::time::timeout(grace, tracker.wait()).await.is_ok()
}
