//! The SSH door's settings: its timers, keepalives, the PROXY protocol and the owner's
//! login; read once at start. What both doors read is the service's
//! ([`crate::service::ServiceSettings`]). A leaf of the server.

use std::time::Duration;

use super::owner::OwnerKeys;
use super::proxy::ProxyProtocol;

/// The SSH door's settings that do not change while it runs; what both doors read
/// (limits, public host, drain timeout, how peers are logged) is the service's.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Time from TCP accept to a shell or exec request.
    pub login_timeout: Duration,
    /// Time since the visitor's last input.
    pub idle_timeout: Duration,
    /// Longest a session may last.
    pub max_session: Duration,
    /// `Some` behind a load balancer: every connection comes from a trusted proxy and
    /// starts with a PROXY header naming the visitor.
    pub proxy_protocol: Option<ProxyProtocol>,
    /// Keepalive probes to detect dead peers: one every interval, this many missed.
    pub keepalive_interval: Duration,
    pub keepalive_max: usize,
    /// The user name that means the owner: only a key in `owner_keys` logs it in.
    pub owner_user: String,
    /// The owner's keys (none: the owner's name cannot log in).
    pub owner_keys: OwnerKeys,
    /// How long a refused login waits before its answer (only the owner's name is
    /// ever refused): slows down guessing.
    pub owner_auth_delay: Duration,
    /// How often the owner console refreshes its live figures.
    pub console_refresh: Duration,
    /// Test hook: an exec command that makes the visit panic. Only in builds with the
    /// `test-hooks` feature, which the tests turn on and a release build never has.
    #[cfg(feature = "test-hooks")]
    #[doc(hidden)]
    pub panic_command: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            login_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(600),
            max_session: Duration::from_secs(3600),
            proxy_protocol: None,
            keepalive_interval: Duration::from_secs(15),
            keepalive_max: 3,
            owner_user: "owner".to_owned(),
            owner_keys: OwnerKeys::default(),
            owner_auth_delay: Duration::from_secs(1),
            console_refresh: Duration::from_secs(3),
            #[cfg(feature = "test-hooks")]
            panic_command: None,
        }
    }
}
