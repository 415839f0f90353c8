//! Why a visit ended: the reason the connection's supervisor returns, logs on the
//! disconnect line and counts in the metrics, and the farewell the visitor reads when
//! the server ends their session. A leaf: imports nothing of ours.

/// Why a visitor's session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// The visitor pressed `q` (or Esc, Ctrl-C, Ctrl-D).
    Quit,
    /// The client ended its input (EOF: `ssh -tt HOST </dev/null`, a script done
    /// typing) after the keys it sent: the view left as `q` does.
    InputEnded,
    /// An exec request that printed its output.
    Done,
    /// No input for the idle timeout.
    Idle,
    MaxSession,
    /// No shell or exec request within the login timeout.
    LoginTimeout,
    /// Keepalive probes went unanswered.
    DeadPeer,
    /// The server is shutting down.
    Shutdown,
    /// The client closed the channel or the connection.
    ClientClosed,
    /// A protocol error, or the visit panicked.
    Error,
}

impl EndReason {
    /// The label on the disconnect line and in `sessions_ended_total{reason}`.
    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::ClientClosed => "client-closed",
            EndReason::Quit => "quit",
            EndReason::InputEnded => "input-ended",
            EndReason::Done => "done",
            EndReason::Idle => "idle",
            EndReason::MaxSession => "max-session",
            EndReason::LoginTimeout => "login-timeout",
            EndReason::DeadPeer => "dead-peer",
            EndReason::Shutdown => "shutdown",
            EndReason::Error => "error",
        }
    }

    /// Whether the server, not the visitor, ended the session: it then says goodbye and
    /// disconnects, rather than waiting for the client to hang up.
    pub fn by_server(self) -> bool {
        matches!(
            self,
            EndReason::Idle | EndReason::MaxSession | EndReason::Shutdown | EndReason::LoginTimeout
        )
    }

    /// The line a visitor reads when their interactive session ends.
    pub fn farewell(self) -> &'static str {
        match self {
            EndReason::Shutdown => "The server is restarting — reconnect in a moment.",
            EndReason::Idle => "Closed after a while without input — reconnect any time.",
            EndReason::MaxSession => "This session reached its time limit — reconnect any time.",
            _ => "Thanks for reading. Goodbye!",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timers_and_shutdown_are_the_servers_doing() {
        for reason in [EndReason::Idle, EndReason::MaxSession, EndReason::Shutdown, EndReason::LoginTimeout] {
            assert!(reason.by_server(), "{reason:?}");
        }
        for reason in [EndReason::Quit, EndReason::Done, EndReason::ClientClosed, EndReason::DeadPeer] {
            assert!(!reason.by_server(), "{reason:?}");
        }
    }
}
