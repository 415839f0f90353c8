//! What a visitor asked for: the exec command (`ssh host json`) and whether a PTY came
//! with it decide between the interactive view and printed output, or `ssh host message
//! --reply-to CONTACT [--name NAME]` with a message on stdin. Pure parsing plus the
//! usage text; nothing here touches the connection.
//!
//! `message`'s flags are parsed strictly (unknown flags and missing values are usage
//! errors that never repeat what was sent) with shell-like quoting. Since `ssh` joins
//! its arguments with spaces, the words after a flag's value that start no flag belong
//! to that value: `--name Jane Doe` is the name "Jane Doe".

use crate::resume::Outline;
use crate::resume::export::Format;
use crate::safe_text::{is_blank, is_unsafe};

/// Longest exec command considered, in bytes; longer ones are unknown, and repeated
/// back cut at this many characters.
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
    /// `message`: read a message to the owner from stdin.
    Message(MessageArgs),
    /// `pdf`: the typeset PDF, as bytes for a pipe (a line on how to save it when a PTY
    /// came with it).
    Pdf,
}

/// `message`'s flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageArgs {
    pub reply_to: String,
    pub name: Option<String>,
}

/// Whether an exec command is `message …`, whose visit reads stdin to its end.
pub fn reads_stdin(command: &[u8]) -> bool {
    let text = String::from_utf8_lossy(command);
    text.split_whitespace().next().is_some_and(|word| word.eq_ignore_ascii_case("message"))
}

/// Resolves an exec command (`None` for a shell request). `interactive` is true when a
/// PTY was allocated and the terminal can address the cursor (not `TERM=dumb`);
/// `ssh_command` is what the visitor typed to get here, for the usage text.
pub fn resolve(command: Option<&[u8]>, interactive: bool, outline: &Outline, ssh_command: &str) -> Request {
    if let Some(command) = command.filter(|command| reads_stdin(command)) {
        return match parse_message(&String::from_utf8_lossy(command)) {
            Ok(args) => Request::Message(args),
            Err(why) => Request::Unknown { message: format!("{why}\n\n{}", message_usage(ssh_command)) },
        };
    }
    let text = command.map(|bytes| String::from_utf8_lossy(bytes).trim().to_owned());
    let typed = text.as_deref().unwrap_or("");
    let whole =
        if interactive { Request::Interactive { section: None, linear: false } } else { print_text(None) };
    match typed.to_ascii_lowercase().as_str() {
        "" => whole,
        "plain" if interactive => Request::Interactive { section: None, linear: true },
        "text" | "txt" | "plain" => print_text(None),
        "markdown" | "md" => Request::Print { format: Format::Markdown, section: None },
        "json" => Request::Print { format: Format::Json, section: None },
        "pdf" => Request::Pdf,
        "help" | "--help" | "-h" => Request::Help,
        _ if typed.len() > MAX_COMMAND => unknown(typed, outline, ssh_command),
        // A section as the view shows it: `open source` (OpenSSH joins the words of
        // `ssh host open source`), `Open Source`, `open_source`, `4`.
        word => match outline.find_section(word) {
            Ok(index) if interactive => Request::Interactive { section: Some(index), linear: false },
            Ok(index) => print_text(Some(index)),
            Err(_) => unknown(typed, outline, ssh_command),
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
        (_, Request::Message(_)) => "message",
        (_, Request::Pdf) => "pdf",
    }
}

fn print_text(section: Option<usize>) -> Request {
    Request::Print { format: Format::Text, section }
}

/// "unknown command", repeating what was typed as typed, but never a character that
/// could drive the terminal or that shows nothing ([`is_unsafe`], [`is_blank`]; runs
/// of white space as one space), and at most [`MAX_COMMAND`] characters of it.
fn unknown(typed: &str, outline: &Outline, ssh_command: &str) -> Request {
    let words = typed.split_whitespace().map(|word| word.chars().filter(|&c| !is_unsafe(c) && !is_blank(c)));
    let shown: Vec<String> = words.map(Iterator::collect).filter(|word: &String| !word.is_empty()).collect();
    let shown = shown.join(" ");
    let cut = match shown.char_indices().nth(MAX_COMMAND) {
        Some((end, _)) => format!("{}…", &shown[..end]),
        None => shown,
    };
    let message = format!("unknown command `{cut}`\n\n{}", usage(ssh_command, outline));
    Request::Unknown { message }
}

/// Longest `message` command line considered, in bytes (name and contact at their
/// limits, quoted, fit).
pub const MAX_MESSAGE_COMMAND: usize = 2048;

/// `message`'s flags as clap reads them. A flag's value may be several words: OpenSSH
/// joins the words of `ssh HOST message --name Jane Doe` with spaces, unquoted.
#[derive(Debug, clap::Parser)]
#[command(name = "message", no_binary_name = true, disable_help_flag = true, disable_version_flag = true)]
struct MessageFlags {
    #[arg(short = 'r', long = "reply-to", num_args = 1.., action = clap::ArgAction::Set, required = true)]
    reply_to: Vec<String>,
    #[arg(short = 'n', long = "name", num_args = 1.., action = clap::ArgAction::Set)]
    name: Option<Vec<String>>,
}

/// Parses `message --reply-to CONTACT [--name NAME]`: words split as a POSIX shell
/// would (`shlex`), flags read by clap. The reason for a refusal is one of a fixed set
/// and never repeats what was sent.
pub fn parse_message(command: &str) -> Result<MessageArgs, &'static str> {
    use clap::Parser;
    use clap::error::ErrorKind;
    if command.len() > MAX_MESSAGE_COMMAND {
        return Err("the command line is too long");
    }
    let words = shlex::split(command).ok_or("a quote is not closed")?;
    let flags = MessageFlags::try_parse_from(words.into_iter().skip(1)).map_err(|err| match err.kind() {
        ErrorKind::ArgumentConflict => "a flag is given twice",
        ErrorKind::MissingRequiredArgument => {
            "--reply-to CONTACT is required: an e-mail, phone, URL or handle"
        }
        ErrorKind::InvalidValue | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            "a flag needs a value"
        }
        ErrorKind::UnknownArgument if unknown_is_a_flag(&err) => "unknown flag",
        _ => "unexpected word: give --reply-to CONTACT and optionally --name NAME",
    })?;
    let joined = |words: Vec<String>| Some(words.join(" ")).filter(|value| !value.trim().is_empty());
    let name = match flags.name {
        Some(words) => Some(joined(words).ok_or("--name needs a value")?),
        None => None,
    };
    let reply_to =
        joined(flags.reply_to).ok_or("--reply-to CONTACT is required: an e-mail, phone, URL or handle")?;
    Ok(MessageArgs { reply_to, name })
}

/// Whether clap's unknown argument was written as a flag (`-x`, `--bcc`) rather than
/// a stray word.
fn unknown_is_a_flag(err: &clap::Error) -> bool {
    let unknown = err.get(clap::error::ContextKind::InvalidArg);
    matches!(unknown, Some(clap::error::ContextValue::String(arg)) if arg.starts_with('-'))
}

/// `message`'s usage text.
pub fn message_usage(ssh_command: &str) -> String {
    format!(
        "usage: {ssh_command} message --reply-to CONTACT [--name NAME] < message.txt\n\n\
         Sends the text on stdin to the résumé's owner (at most {} characters).\n\
         CONTACT is how to reach you: an e-mail, phone, URL or handle.\n\
         Exit status: 0 stored, 2 usage or empty/oversized message, 75 try again later.\n",
        crate::messages::MAX_BODY
    )
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
           pdf        the résumé as a typeset PDF: {ssh_command} pdf > resume.pdf\n  \
           help       this text\n  \
           message    --reply-to CONTACT [--name NAME] < text: write to the owner\n  \
           SECTION    open on (or print) one section, by number, name or title:
{}
\
         Files to keep (read-only, also over sftp): {}
",
        section_list(outline),
        crate::ssh_command::scp_for(ssh_command, "resume.pdf")
    )
}

/// The sections for the usage text, one a line: number, slug, title.
fn section_list(outline: &Outline) -> String {
    let width = outline.sections.iter().map(|section| section.slug.len()).max().unwrap_or(0);
    let lines = outline.sections.iter().enumerate().map(|(index, section)| {
        format!("             {:>2}  {:<width$}  {}\n", index + 1, section.slug, section.title)
    });
    lines.collect()
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
    fn message_flags_are_parsed_strictly_with_quotes_and_joined_words() {
        let args = |text: &str| parse_message(text);
        let jane = MessageArgs { reply_to: "jane@example.org".into(), name: Some("Jane Doe".into()) };
        assert_eq!(args("message --reply-to jane@example.org --name Jane Doe"), Ok(jane.clone()));
        assert_eq!(args("message --name 'Jane Doe' --reply-to=jane@example.org"), Ok(jane.clone()));
        assert_eq!(args("message -n \"Jane Doe\" -r jane@example.org"), Ok(jane));
        assert_eq!(args("message --reply-to @jane").unwrap().name, None);
        assert!(args("message").is_err());
        assert!(args("message --name Jane").is_err(), "reply-to is required");
        assert_eq!(args("message --reply-to x --reply-to y"), Err("a flag is given twice"));
        assert_eq!(args("message --reply-to x --bcc y"), Err("unknown flag"));
        assert!(args("message stray --reply-to x").unwrap_err().starts_with("unexpected word"));
        assert_eq!(args("message --reply-to 'x"), Err("a quote is not closed"));
        assert_eq!(args("message --reply-to"), Err("a flag needs a value"));
        assert!(args(&format!("message --reply-to {}", "x".repeat(5000))).is_err());
        assert!(reads_stdin(b"  MESSAGE --reply-to x") && !reads_stdin(b"messages"));
    }

    #[test]
    fn message_usage_errors_never_repeat_what_was_sent() {
        let outline = outline();
        let sent = b"message --reply-to x --\x1b[2Jevil";
        let Request::Unknown { message } = resolve(Some(sent), false, &outline, "ssh HOST") else { panic!() };
        assert!(
            !message.contains("evil") && !message.contains('\x1b') && message.contains("usage:"),
            "{message}"
        );
    }

    #[test]
    fn a_section_is_named_as_the_view_shows_it() {
        let outline = outline();
        for command in ["open source", "Open Source", "open_source", "OPEN-SOURCE", "4"] {
            let open = Request::Interactive { section: Some(3), linear: false };
            assert_eq!(resolve(Some(command.as_bytes()), true, &outline, "ssh HOST"), open, "{command}");
            let printed = resolve(Some(command.as_bytes()), false, &outline, "ssh HOST");
            assert_eq!(printed, print_text(Some(3)), "{command}");
        }
        assert_eq!(resolve(Some(b"work"), false, &outline, "ssh HOST"), print_text(Some(2)));
        let usage = usage("ssh HOST", &outline);
        assert!(usage.contains(" 4  open-source  Open Source\n"), "{usage}");
    }

    #[test]
    fn an_unknown_command_is_repeated_as_typed_but_never_invisible_or_long() {
        let outline = outline();
        let said = |command: &str| match resolve(Some(command.as_bytes()), false, &outline, "ssh HOST") {
            Request::Unknown { message } => message.lines().next().unwrap_or("").to_owned(),
            other => panic!("{command:?} is {other:?}"),
        };
        assert_eq!(said("Foo"), "unknown command `Foo`");
        assert_eq!(said("Foo  \u{200B}\u{3164} Bar\u{202E}\u{E0041}\u{2800}"), "unknown command `Foo Bar`");
        assert_eq!(said("\x1b[2Jx\u{9b}y"), "unknown command `[2Jxy`");
        let long = format!("x{}", "é".repeat(200));
        assert_eq!(said(&long), format!("unknown command `x{}…`", "é".repeat(MAX_COMMAND - 1)));
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
