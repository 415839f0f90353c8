//! The server's Ed25519 host key: created on first start, loaded on every start after,
//! so visitors see one fingerprint across restarts.
//!
//! A new key is written to a temporary file created with mode 0600 and renamed into
//! place, so no reader ever sees a half-written or world-readable key; the directory is
//! tightened to 0700. A key file readable by group or others is refused, as OpenSSH does.
//!
//! It also formats the key's SSHFP DNS records, so visitors' clients can check the key
//! against DNS instead of trusting it on first use.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use russh::keys::ssh_key::EcdsaCurve;
use russh::keys::ssh_key::LineEnding;
use russh::keys::{Algorithm, HashAlg, PrivateKey, PublicKey};
use sha1::{Digest, Sha1};

/// File name of the host key inside the keys directory.
pub const HOST_KEY_FILE: &str = "ssh_host_ed25519_key";

/// Why the host key could not be loaded or created.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "{path}: host key is readable by group or others (mode {mode:o}); \
         fix it with `chmod 600 {path}`"
    )]
    TooOpen { path: PathBuf, mode: u32 },
    #[error("{path}: {action}: {source}")]
    Io { path: PathBuf, action: &'static str, source: std::io::Error },
    #[error("{path}: not a usable OpenSSH private key ({source}); move it away to create a new one")]
    Invalid { path: PathBuf, source: russh::keys::Error },
    #[error("cannot create a host key: {0}")]
    Generate(#[from] russh::keys::ssh_key::Error),
    #[error("SSHFP records have no algorithm number for {0} keys; use an Ed25519 host key")]
    NoSshfp(String),
}

/// The host key and whether it was just created.
pub struct HostKey {
    pub key: PrivateKey,
    pub path: PathBuf,
    pub created: bool,
}

impl HostKey {
    /// `SHA256:…`, as `ssh-keygen -l` prints it.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.key)
    }
}

pub fn fingerprint(key: &PrivateKey) -> String {
    key.public_key().fingerprint(HashAlg::Sha256).to_string()
}

/// Loads `dir/ssh_host_ed25519_key`, creating it (and `dir`) when absent.
pub fn load_or_create(dir: &Path) -> Result<HostKey, KeyError> {
    let path = dir.join(HOST_KEY_FILE);
    if path.exists() {
        return load(&path).map(|key| HostKey { key, path, created: false });
    }
    prepare_dir(dir)?;
    let key = PrivateKey::random(&mut rand::rng(), Algorithm::Ed25519)?;
    write_atomically(&path, &key)?;
    Ok(HostKey { key, path, created: true })
}

/// Loads an existing key without ever creating one (`ssh-resume fingerprint`).
pub fn load(path: &Path) -> Result<PrivateKey, KeyError> {
    let io = |action| move |source| KeyError::Io { path: path.to_owned(), action, source };
    let mode = fs::metadata(path).map_err(io("cannot read the host key"))?.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(KeyError::TooOpen { path: path.to_owned(), mode: mode & 0o777 });
    }
    russh::keys::load_secret_key(path, None)
        .map_err(|source| KeyError::Invalid { path: path.to_owned(), source })
}

/// The SSHFP resource records (RFC 4255) for `key`, one per line, as `ssh-keygen -r HOST`
/// prints them: fingerprint type 1 (SHA-1) then 2 (SHA-256, RFC 6594) of the public key
/// blob. `host` is written as given, so a zone file needs a trailing dot or a relative name.
pub fn sshfp_records(key: &PublicKey, host: &str) -> Result<String, KeyError> {
    let algorithm = sshfp_algorithm(&key.algorithm())?;
    let blob = key.to_bytes()?;
    let sha256 = key.fingerprint(HashAlg::Sha256);
    let lines = [(1, hex(&Sha1::digest(&blob))), (2, hex(sha256.as_bytes()))];
    Ok(lines.iter().map(|(kind, digest)| format!("{host} IN SSHFP {algorithm} {kind} {digest}\n")).collect())
}

/// The SSHFP algorithm number: RFC 4255 (RSA, DSA), RFC 6594 (ECDSA), RFC 7479 (Ed25519).
fn sshfp_algorithm(algorithm: &Algorithm) -> Result<u8, KeyError> {
    match algorithm {
        Algorithm::Rsa { .. } => Ok(1),
        Algorithm::Dsa => Ok(2),
        Algorithm::Ecdsa { curve: EcdsaCurve::NistP256 | EcdsaCurve::NistP384 | EcdsaCurve::NistP521 } => {
            Ok(3)
        }
        Algorithm::Ed25519 => Ok(4),
        other => Err(KeyError::NoSshfp(other.to_string())),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn prepare_dir(dir: &Path) -> Result<(), KeyError> {
    let io = |action| move |source| KeyError::Io { path: dir.to_owned(), action, source };
    fs::create_dir_all(dir).map_err(io("cannot create the keys directory"))?;
    let mode = fs::metadata(dir).map_err(io("cannot read the keys directory"))?.permissions().mode();
    if mode & 0o077 != 0 {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
            .map_err(io("cannot restrict the keys directory to mode 0700"))?;
        tracing::info!(dir = %dir.display(), "restricted the keys directory to mode 0700");
    }
    Ok(())
}

fn write_atomically(path: &Path, key: &PrivateKey) -> Result<(), KeyError> {
    let io = |action| move |source| KeyError::Io { path: path.to_owned(), action, source };
    let pem = key.to_openssh(LineEnding::LF)?;
    let temp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temp)
        .map_err(io("cannot create the host key"))?;
    let written = file.write_all(pem.as_bytes()).and_then(|()| file.sync_all());
    let renamed = written.and_then(|()| fs::rename(&temp, path));
    if let Err(source) = renamed {
        let _ = fs::remove_file(&temp);
        return Err(io("cannot write the host key")(source));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ssh-resume-keys-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn key_is_created_once_then_loaded() {
        let dir = temp_dir("create");
        let first = load_or_create(&dir).unwrap();
        assert!(first.created);
        let mode = fs::metadata(&first.path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let dir_mode = fs::metadata(&dir).unwrap().permissions().mode();
        assert_eq!(dir_mode & 0o777, 0o700);
        let second = load_or_create(&dir).unwrap();
        assert!(!second.created);
        assert_eq!(first.fingerprint(), second.fingerprint());
        assert!(first.fingerprint().starts_with("SHA256:"));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn readable_key_is_refused() {
        let dir = temp_dir("open");
        let key = load_or_create(&dir).unwrap();
        fs::set_permissions(&key.path, fs::Permissions::from_mode(0o644)).unwrap();
        let err = load_or_create(&dir).err().unwrap();
        assert!(matches!(err, KeyError::TooOpen { mode: 0o644, .. }), "{err}");
        assert!(err.to_string().contains("chmod 600"));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn garbage_key_names_the_file() {
        let dir = temp_dir("garbage");
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join(HOST_KEY_FILE);
        OpenOptions::new().write(true).create_new(true).mode(0o600).open(&path).unwrap();
        let err = load_or_create(&dir).err().unwrap();
        assert!(err.to_string().starts_with(&path.display().to_string()), "{err}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn sshfp_records_match_ssh_keygen() {
        // Expected output recorded from `ssh-keygen -r example.com. -f kat.pub` (OpenSSH 9.2).
        let key = PublicKey::from_openssh(
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILbOjlmP1DAnSuCradIxRTYOpQwinDfMfWxWmfU2nQDb",
        )
        .unwrap();
        assert_eq!(
            sshfp_records(&key, "example.com.").unwrap(),
            "example.com. IN SSHFP 4 1 734576bd4b88cda7bf35d58ed7d496bac80e3a2b\n\
             example.com. IN SSHFP 4 2 8e6e073fc7ad8eb4b99d1ddbfed5a471c1bbab37285ac41cd436ae190006fd7e\n"
        );
    }

    #[test]
    fn sshfp_refuses_a_key_without_an_algorithm_number() {
        let key = PublicKey::from_openssh(
            "sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIAABAgMEBQYHCAkKCwwN\
             Dg8QERITFBUWFxgZGhscHR4fAAAABHNzaDo=",
        )
        .unwrap();
        let err = sshfp_records(&key, "example.com").unwrap_err();
        assert!(err.to_string().contains("use an Ed25519 host key"), "{err}");
    }
}
