//! The protocol configuration every connection uses: an explicit, modern algorithm list
//! and the transport settings for an interactive, anonymous service.
//!
//! Key exchange: ML-KEM hybrid first, then Curve25519, plus the `ext-info-s` and strict
//! kex markers (strict kex is offered, not required). Ciphers: ChaCha20-Poly1305 and
//! AES-GCM, then AES-CTR for older clients that have nothing else. MACs: SHA-2 ETM only.
//! No DH group exchange, no NIST curves, no SHA-1, no CBC, no compression.

use std::borrow::Cow;
use std::time::Duration;

use russh::keys::{Algorithm, PrivateKey};
use russh::server::Config;
use russh::{MethodKind, MethodSet, Preferred, SshId, cipher, compression, kex, mac};

use super::settings::Settings;

/// What the server says it is: no library name or version for scanners to match.
pub const SERVER_ID: &str = "SSH-2.0-ssh-resume";

pub const KEX: &[kex::Name] = &[
    kex::MLKEM768X25519_SHA256,
    kex::CURVE25519,
    kex::CURVE25519_PRE_RFC_8731,
    kex::EXTENSION_SUPPORT_AS_SERVER,
    kex::EXTENSION_OPENSSH_STRICT_KEX_AS_SERVER,
];

pub const CIPHERS: &[cipher::Name] = &[
    cipher::CHACHA20_POLY1305,
    cipher::AES_256_GCM,
    cipher::AES_128_GCM,
    cipher::AES_256_CTR,
    cipher::AES_128_CTR,
];

pub const MACS: &[mac::Name] = &[mac::HMAC_SHA256_ETM, mac::HMAC_SHA512_ETM];

pub fn preferred() -> Preferred {
    Preferred {
        kex: Cow::Borrowed(KEX),
        key: Cow::Borrowed(&[Algorithm::Ed25519]),
        cipher: Cow::Borrowed(CIPHERS),
        mac: Cow::Borrowed(MACS),
        compression: Cow::Borrowed(&[compression::NONE]),
        ..Preferred::DEFAULT
    }
}

/// The russh server configuration for `host_key` and `settings`.
pub fn ssh_config(host_key: PrivateKey, settings: &Settings, drain_timeout: Duration) -> Config {
    Config {
        server_id: SshId::Standard(Cow::Borrowed(SERVER_ID)),
        methods: MethodSet::from(
            &[MethodKind::None, MethodKind::PublicKey, MethodKind::Password, MethodKind::KeyboardInteractive]
                [..],
        ),
        // Visitors are accepted whatever they send; only the owner's name is ever
        // refused, and its failures wait (a first `none` probe is answered at once).
        auth_rejection_time: settings.owner_auth_delay,
        auth_rejection_time_initial: Some(Duration::from_millis(0)),
        keys: vec![host_key],
        preferred: preferred(),
        // Only a backstop: the connection's own timers (login, idle by input, maximum
        // session) end sessions first. russh resets this one on our own output.
        inactivity_timeout: Some(settings.idle_timeout + drain_timeout),
        keepalive_interval: Some(settings.keepalive_interval),
        keepalive_max: settings.keepalive_max,
        ..Config::default()
    }
}
