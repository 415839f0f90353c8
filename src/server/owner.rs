//! Who the owner is: the user name that means the owner (`--owner-user`, `owner` by
//! default) and the public keys that may log in under it (`--owner-key FILE`, in
//! authorized_keys format, re-read on SIGHUP). For that name only a listed key is
//! accepted — never `none`, a password or keyboard-interactive — and without a key
//! file the name cannot log in at all; every other name stays anonymous. The handler
//! asks [`Owner`]; this file decides nothing else.
//!
//! Key lines are `TYPE BASE64 [COMMENT]`; blank lines and `#` comments are skipped.
//! Lines with options (`from="…" ssh-ed25519 …`) are refused rather than half-obeyed.

use std::path::{Path, PathBuf};
use std::sync::{PoisonError, RwLock};

use russh::keys::ssh_key::public::KeyData;
use russh::keys::{Algorithm, PublicKey};
use russh::server::Auth;
use russh::{MethodKind, MethodSet};

/// Most keys read from the file (an owner has a few).
pub const MAX_KEYS: usize = 64;

/// Largest key file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 256 * 1024;

/// The owner's keys (their key material; comments and options are not kept).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnerKeys(Vec<KeyData>);

impl OwnerKeys {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn contains(&self, key: &PublicKey) -> bool {
        self.0.iter().any(|listed| listed == key.key_data())
    }
}

/// Why the owner's key file is not usable.
#[derive(Debug, thiserror::Error)]
pub enum OwnerKeyError {
    #[error("cannot read the owner key file {}: {source}; check --owner-key", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{}: larger than {MAX_FILE_BYTES} bytes; it should hold a few public keys", path.display())]
    TooLarge { path: PathBuf },
    #[error(
        "{}:{line}: {why}; each line is one public key as in authorized_keys, e.g. \
         `ssh-ed25519 AAAAC3Nz… you@laptop` (the content of ~/.ssh/id_ed25519.pub)",
        path.display()
    )]
    Line {
        path: PathBuf,
        line: usize,
        #[source]
        why: KeyLineError,
    },
    #[error("{}: more than {MAX_KEYS} keys", path.display())]
    TooMany { path: PathBuf },
    #[error("{}: no public key in it; add yours (e.g. ~/.ssh/id_ed25519.pub)", path.display())]
    Empty { path: PathBuf },
}

/// Reads the owner's keys from `path`.
pub fn load(path: &Path) -> Result<OwnerKeys, OwnerKeyError> {
    let read = |source| OwnerKeyError::Read { path: path.to_owned(), source };
    if std::fs::metadata(path).map_err(read)?.len() > MAX_FILE_BYTES {
        return Err(OwnerKeyError::TooLarge { path: path.to_owned() });
    }
    parse_str(&std::fs::read_to_string(path).map_err(read)?, path)
}

/// Parses an authorized_keys text; `path` names it in errors.
pub fn parse_str(text: &str, path: &Path) -> Result<OwnerKeys, OwnerKeyError> {
    let mut keys = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let key = parse_line(line).map_err(|why| OwnerKeyError::Line {
            path: path.to_owned(),
            line: index + 1,
            why,
        })?;
        if keys.len() == MAX_KEYS {
            return Err(OwnerKeyError::TooMany { path: path.to_owned() });
        }
        keys.push(key);
    }
    if keys.is_empty() {
        return Err(OwnerKeyError::Empty { path: path.to_owned() });
    }
    Ok(OwnerKeys(keys))
}

/// Why a line of the owner's keys file is not a key.
#[derive(Debug, thiserror::Error)]
pub enum KeyLineError {
    #[error("options before the key are not supported here; remove them")]
    Options,
    #[error("not a public key")]
    NotAKey(#[source] russh::keys::ssh_key::Error),
}

fn parse_line(line: &str) -> Result<KeyData, KeyLineError> {
    match PublicKey::from_openssh(line) {
        Ok(key) => Ok(key.key_data().clone()),
        Err(err) => {
            let first = line.split_whitespace().next().unwrap_or("");
            if Algorithm::new(first).is_err() && line.split_whitespace().count() > 2 {
                Err(KeyLineError::Options)
            } else {
                Err(KeyLineError::NotAKey(err))
            }
        }
    }
}

/// The owner's name and keys, as every connection reads them.
#[derive(Debug)]
pub struct Owner {
    user: String,
    keys: RwLock<OwnerKeys>,
}

impl Owner {
    pub fn new(user: String, keys: OwnerKeys) -> Self {
        Self { user, keys: RwLock::new(keys) }
    }

    /// Whether `user` is the owner's name (whatever key comes with it).
    pub fn is_owner(&self, user: &str) -> bool {
        user == self.user
    }

    /// Whether `key` is one of the owner's.
    pub fn allows(&self, key: &PublicKey) -> bool {
        self.keys.read().unwrap_or_else(PoisonError::into_inner).contains(key)
    }

    /// Uses `keys` from now on (SIGHUP).
    pub fn replace(&self, keys: OwnerKeys) {
        *self.keys.write().unwrap_or_else(PoisonError::into_inner) = keys;
    }
}

/// The answer to any method but a public key for the owner's name: try a key.
pub fn key_only() -> Auth {
    Auth::Reject {
        proceed_with_methods: Some(MethodSet::from(&[MethodKind::PublicKey][..])),
        partial_success: false,
    }
}

/// The answer to the owner's name with `key`.
pub fn answer(owner: &Owner, key: &PublicKey) -> Auth {
    if owner.allows(key) { Auth::Accept } else { key_only() }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED25519: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILYBFfvs4S6YGICUmMECOtuH7Xa1kGWwgfmdoLbr4bDY owner@laptop";

    fn path() -> PathBuf {
        PathBuf::from("owner.keys")
    }

    #[test]
    fn keys_are_read_with_comments_and_blank_lines() {
        let text = format!("# the owner's laptop\n\n{ED25519}\n   \n");
        let keys = parse_str(&text, &path()).unwrap();
        assert_eq!(keys.len(), 1);
        let owner = Owner::new("owner".into(), keys);
        let key = PublicKey::from_openssh(ED25519).unwrap();
        assert!(owner.allows(&key));
        let mut renamed = key.clone();
        renamed.set_comment("another comment");
        assert!(owner.allows(&renamed), "only the key material counts");
        owner.replace(OwnerKeys::default());
        assert!(!owner.allows(&key));
    }

    #[test]
    fn errors_name_the_line_and_how_to_fix_it() {
        let err = parse_str(&format!("{ED25519}\nssh-ed25519 not-base64\n"), &path()).unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("owner.keys:2: not a public key;"), "{text}");
        assert!(text.contains("id_ed25519.pub"), "{text}");
        let options = parse_str(&format!("from=\"10.0.0.0/8\" {ED25519}"), &path()).unwrap_err();
        assert!(options.to_string().contains("options before the key are not supported"), "{options}");
        assert!(matches!(parse_str("# nothing\n", &path()), Err(OwnerKeyError::Empty { .. })));
        let many = format!("{ED25519}\n").repeat(MAX_KEYS + 1);
        assert!(matches!(parse_str(&many, &path()), Err(OwnerKeyError::TooMany { .. })));
    }

    #[test]
    fn the_owner_name_is_exact() {
        let owner = Owner::new("owner".into(), OwnerKeys::default());
        assert!(owner.is_owner("owner"));
        assert!(!owner.is_owner("Owner") && !owner.is_owner("owner ") && !owner.is_owner("visitor"));
        assert!(matches!(key_only(), Auth::Reject { partial_success: false, .. }));
    }
}
