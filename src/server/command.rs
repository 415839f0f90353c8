//! What a visitor asked for: the exec command (`ssh host json`) and whether a PTY came
//! with it decide between the interactive view and printed output. Pure parsing plus
//! the usage text; nothing here touches the connection.

use crate::resume::Outline;
use crate::resume::export::Format;

/// Longest exec command considered; longer ones are unknown (and never echoed whole).
pub const MAX_COMMAND: usize = 64;

/// The visitor's request, resolved against the résumé's sections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// The full-screen view, optionally opened on a section, or (`linear`) the plain
    /// pager for screen readers.
    Interactive { section: Option<usize>, linear: bool },
    /// The résumé (or one section) printed in a format, then exit 0.
    Print { format: Format, section: Option<usize> },
    /// The usage text on stdout, exit 0.
    Help,
    /// An unknown or ambiguous command: usage on stderr, exit 2.
    Unknown { message: String },
}

/// Resolves an exec command (`None` for a shell request). `interactive` is true when a
/// PTY was allocated and the terminal can address the cursor (not `TERM=dumb`);
/// `ssh_command` is what the visitor typed to get here, for the usage text.
pub fn resolve(command: Option<&[u8]>, interactive: bool, outline: &Outline, ssh_command: &str) -> Request {
    let text = command.map(|bytes| String::from_utf8_lossy(bytes).trim().to_ascii_lowercase());
    let word = text.as_deref().unwrap_or("");
    let whole =
        if interactive { Request::Interactive { section: None, linear: false } } else { print_text(None) };
    match word {
        "" => whole,
        "plain" if interactive => Request::Interactive { section: None, linear: true },
        "text" | "txt" | "plain" => print_text(None),
        "markdown" | "md" => Request::Print { format: Format::Markdown, section: None },
        "json" => Request::Print { format: Format::Json, section: None },
        "help" | "--help" | "-h" => Request::Help,
        _ if word.len() > MAX_COMMAND || word.contains(char::is_whitespace) => {
            unknown(word, outline, ssh_command)
        }
        _ => match outline.find_section(word) {
            Ok(index) if interactive => Request::Interactive { section: Some(index), linear: false },
            Ok(index) => print_text(Some(index)),
            Err(_) => unknown(word, outline, ssh_command),
        },
    }
}

/// The name a request is counted under in the metrics: a fixed set, so a visitor cannot
/// create new label values.
pub fn metric_name(command: Option<&[u8]>, request: &Request) -> &'static str {
    match (command.map(<[u8]>::trim_ascii), request) {
        (None | Some(b""), _) => "shell",
        (_, Request::Interactive { .. } | Request::Print { section: Some(_), .. }) => "section",
        (_, Request::Print { format: Format::Text, .. }) => "text",
        (_, Request::Print { format: Format::Markdown, .. }) => "markdown",
        (_, Request::Print { format: Format::Json, .. }) => "json",
        (_, Request::Help) => "help",
        (_, Request::Unknown { .. }) => "other",
    }
}

fn print_text(section: Option<usize>) -> Request {
    Request::Print { format: Format::Text, section }
}

fn unknown(word: &str, outline: &Outline, ssh_command: &str) -> Request {
    let shown: String = word.chars().take(MAX_COMMAND).filter(|c| !c.is_control()).collect();
    let message = format!("unknown command `{shown}`\n\n{}", usage(ssh_command, outline));
    Request::Unknown { message }
}

/// The usage text, naming the command a visitor types (`ssh resume.example.com`).
pub fn usage(ssh_command: &str, outline: &Outline) -> String {
    format!(
        "usage: {ssh_command} [COMMAND]\n\n\
         With a terminal, the résumé opens full screen (q quits, ? lists the keys).\n\n\
         commands:\n  \
           text       the résumé as plain text (also without a terminal)\n  \
           plain      with ssh -t: the résumé as a pager, for screen readers\n  \
           markdown   the résumé as Markdown\n  \
           json       the résumé as JSON Resume\n  \
           help       this text\n  \
           SECTION    open on (or print) one section: {}\n",
        outline.slugs().join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resume::load::parse_str;

    fn outline() -> Outline {
        Outline::from_resume(&parse_str(include_str!("../../resume.toml"), "resume.toml").unwrap())
    }

    #[test]
    fn shell_is_interactive_with_a_pty_and_text_without() {
        let outline = outline();
        assert_eq!(
            resolve(None, true, &outline, "ssh HOST"),
            Request::Interactive { section: None, linear: false }
        );
        assert_eq!(resolve(None, false, &outline, "ssh HOST"), print_text(None));
    }

    #[test]
    fn formats_print_with_or_without_a_pty() {
        let outline = outline();
        for interactive in [true, false] {
            let json = resolve(Some(b"json"), interactive, &outline, "ssh HOST");
            assert_eq!(json, Request::Print { format: Format::Json, section: None });
            let md = resolve(Some(b" Markdown\n"), interactive, &outline, "ssh HOST");
            assert_eq!(md, Request::Print { format: Format::Markdown, section: None });
        }
    }

    #[test]
    fn sections_open_or_print() {
        let outline = outline();
        assert_eq!(
            resolve(Some(b"Experience"), true, &outline, "ssh HOST"),
            Request::Interactive { section: Some(2), linear: false }
        );
        assert_eq!(resolve(Some(b"open"), false, &outline, "ssh HOST"), print_text(Some(3)));
    }

    #[test]
    fn plain_is_the_pager_with_a_terminal_and_text_without() {
        let outline = outline();
        assert_eq!(
            resolve(Some(b"plain"), true, &outline, "ssh HOST"),
            Request::Interactive { section: None, linear: true }
        );
        assert_eq!(resolve(Some(b"PLAIN"), false, &outline, "ssh HOST"), print_text(None));
    }

    #[test]
    fn unknown_and_ambiguous_list_the_sections() {
        let outline = outline();
        for command in [&b"e"[..], b"rm -rf /", b"\x1b[2Jx"] {
            let Request::Unknown { message } = resolve(Some(command), false, &outline, "ssh HOST") else {
                panic!("{command:?} should be unknown");
            };
            assert!(message.contains("open-source"), "{message}");
            assert!(!message.contains('\x1b'));
        }
    }
}
