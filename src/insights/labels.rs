//! The fixed names insights are counted under: the dimensions, the visit kinds, the
//! client families (a pure classifier of the SSH version string), terminal size
//! classes and the time-spent buckets. Every label stored comes from a set fixed here
//! or in the code that records it (section slugs of the résumé, exec command names,
//! end reasons, colour depths), never from what a visitor sent, so a visitor cannot
//! make a new row. A leaf: imports nothing of ours.

use std::time::Duration;

/// What a count is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    /// Visits, labelled by [`Kind`].
    Visit,
    /// Visitors first seen that UTC day (label `new`).
    Visitors,
    /// Visits that showed a section, labelled by its slug.
    Section,
    /// Time an interactive visit lasted, labelled by its [`TIME_BUCKETS`] bucket.
    Time,
    /// How an SSH visit ended (`EndReason::as_str`).
    End,
    /// The client's family ([`client_family`]).
    Client,
    /// The interactive visitor's terminal width ([`size_class`]).
    Size,
    /// The interactive visitor's colour depth.
    Colour,
    /// Exec commands by their fixed name (`command::metric_name`).
    Command,
    /// Sections opened directly (`ssh host experience`), by slug.
    DeepLink,
    /// Searches made in the view (label `made`): a count, never the words.
    Search,
    /// Messages stored, by the door they came through.
    Message,
    /// Files taken away whole, by file (`pdf`, `json`, `md`, `txt`, `vcf`).
    Download,
    /// Files taken away whole, by door (`ssh`, `scp`, `sftp`, `web`).
    DownloadDoor,
}

impl Dimension {
    pub const ALL: [Dimension; 14] = [
        Dimension::Visit,
        Dimension::Visitors,
        Dimension::Section,
        Dimension::Time,
        Dimension::End,
        Dimension::Client,
        Dimension::Size,
        Dimension::Colour,
        Dimension::Command,
        Dimension::DeepLink,
        Dimension::Search,
        Dimension::Message,
        Dimension::Download,
        Dimension::DownloadDoor,
    ];

    /// The name stored in the `dimension` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Visit => "visit",
            Dimension::Visitors => "visitors",
            Dimension::Section => "section",
            Dimension::Time => "time",
            Dimension::End => "end",
            Dimension::Client => "client",
            Dimension::Size => "size",
            Dimension::Colour => "colour",
            Dimension::Command => "command",
            Dimension::DeepLink => "deep-link",
            Dimension::Search => "search",
            Dimension::Message => "message",
            Dimension::Download => "download",
            Dimension::DownloadDoor => "download-door",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|dimension| dimension.as_str() == name)
    }
}

/// The label of [`Dimension::Visitors`]: first seen that UTC day.
pub const NEW_VISITOR: &str = "new";
/// The label of [`Dimension::Search`].
pub const SEARCH_MADE: &str = "made";

/// Which door a visit came through, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The full-screen view (or its linear pager).
    Interactive,
    /// Output printed once, or `message`: anything without the view.
    Exec,
    /// The web page (`GET /`).
    Web,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Interactive, Kind::Exec, Kind::Web];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Interactive => "interactive",
            Kind::Exec => "exec",
            Kind::Web => "web",
        }
    }
}

/// The client families, in the order reports list them.
pub const CLIENT_FAMILIES: [&str; 5] = ["openssh", "putty", "dropbear", "libssh", "other"];

/// The family of the client that sent `version` (its SSH identification line, e.g.
/// `SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13`): `openssh`, `putty` (PuTTY and the
/// tools built on it, such as WinSCP), `dropbear`, `libssh` (libssh and libssh2) or
/// `other`.
pub fn client_family(version: &[u8]) -> &'static str {
    let text = String::from_utf8_lossy(version);
    let software = text.strip_prefix("SSH-2.0-").or_else(|| text.strip_prefix("SSH-1.99-")).unwrap_or("");
    let software = software.split(' ').next().unwrap_or("").to_ascii_lowercase();
    let starts = |prefix: &str| software.starts_with(prefix);
    if starts("openssh") {
        "openssh"
    } else if starts("putty") || starts("winscp") {
        "putty"
    } else if starts("dropbear") {
        "dropbear"
    } else if starts("libssh") {
        "libssh"
    } else {
        "other"
    }
}

/// Narrower than this many columns is a phone.
pub const PHONE_BELOW: u16 = 60;
/// At least this many columns is wide (the view's side bar appears).
pub const WIDE_FROM: u16 = 120;

/// The size classes, narrowest first.
pub const SIZE_CLASSES: [&str; 3] = ["phone", "standard", "wide"];

/// `phone` below 60 columns, `wide` from 120, else `standard`.
pub fn size_class(cols: u16) -> &'static str {
    match cols {
        c if c < PHONE_BELOW => "phone",
        c if c >= WIDE_FROM => "wide",
        _ => "standard",
    }
}

/// Time-spent buckets: (label, upper bound in seconds, exclusive). The last one holds
/// everything longer (sessions end at `--max-session` anyway).
pub const TIME_BUCKETS: [(&str, u64); 12] = [
    ("lt-5s", 5),
    ("lt-15s", 15),
    ("lt-30s", 30),
    ("lt-1m", 60),
    ("lt-2m", 120),
    ("lt-5m", 300),
    ("lt-10m", 600),
    ("lt-20m", 1200),
    ("lt-30m", 1800),
    ("lt-1h", 3600),
    ("lt-2h", 7200),
    ("ge-2h", u64::MAX),
];

/// The bucket `spent` falls in.
pub fn time_bucket(spent: Duration) -> &'static str {
    let seconds = spent.as_secs();
    TIME_BUCKETS.iter().find(|(_, upper)| seconds < *upper).map_or("ge-2h", |(label, _)| label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_is_where_the_view_puts_its_side_bar() {
        assert_eq!(WIDE_FROM, crate::tui::geometry::WIDE_FROM);
    }

    #[test]
    fn real_version_strings_fall_into_their_family() {
        let cases: [(&[u8], &str); 14] = [
            (b"SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13", "openssh"),
            (b"SSH-2.0-OpenSSH_for_Windows_9.5", "openssh"),
            (b"SSH-2.0-OpenSSH_8.1", "openssh"),
            (b"SSH-2.0-PuTTY_Release_0.81", "putty"),
            (b"SSH-2.0-PuTTY_Snapshot_2024-05-01.1234abc", "putty"),
            (b"SSH-2.0-WinSCP_release_6.3.5", "putty"),
            (b"SSH-2.0-dropbear_2022.83", "dropbear"),
            (b"SSH-2.0-libssh_0.10.6", "libssh"),
            (b"SSH-2.0-libssh2_1.11.0", "libssh"),
            (b"SSH-2.0-russh_0.65.1", "other"),
            (b"SSH-2.0-Go", "other"),
            (b"SSH-2.0-paramiko_3.4.0", "other"),
            (b"SSH-1.99-OpenSSH_3.9p1", "openssh"),
            (b"\xff\xfe garbage", "other"),
        ];
        for (version, family) in cases {
            assert_eq!(client_family(version), family, "{}", String::from_utf8_lossy(version));
            assert!(CLIENT_FAMILIES.contains(&family));
        }
        assert_eq!(client_family(b""), "other");
        assert_eq!(client_family(b"OpenSSH_9.6"), "other", "not an identification line");
    }

    #[test]
    fn size_classes_have_their_edges() {
        assert_eq!(size_class(0), "phone");
        assert_eq!(size_class(59), "phone");
        assert_eq!(size_class(60), "standard");
        assert_eq!(size_class(119), "standard");
        assert_eq!(size_class(120), "wide");
        assert_eq!(size_class(u16::MAX), "wide");
    }

    #[test]
    fn time_buckets_are_ordered_and_cover_everything() {
        assert_eq!(time_bucket(Duration::ZERO), "lt-5s");
        assert_eq!(time_bucket(Duration::from_millis(4_999)), "lt-5s");
        assert_eq!(time_bucket(Duration::from_secs(5)), "lt-15s");
        assert_eq!(time_bucket(Duration::from_secs(59)), "lt-1m");
        assert_eq!(time_bucket(Duration::from_secs(7_200)), "ge-2h");
        assert_eq!(time_bucket(Duration::MAX), "ge-2h");
        assert!(TIME_BUCKETS.windows(2).all(|pair| pair[0].1 < pair[1].1));
    }

    #[test]
    fn dimension_names_round_trip() {
        for dimension in Dimension::ALL {
            assert_eq!(Dimension::parse(dimension.as_str()), Some(dimension));
        }
        assert_eq!(Dimension::parse("address"), None);
    }
}
