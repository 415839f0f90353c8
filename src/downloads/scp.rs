//! Legacy `scp` (`scp -O`, older clients, `pscp -scp`): the source side of the rcp
//! protocol that OpenSSH's `scp.c` speaks when it runs `scp -f NAME…` on the server.
//! There is no shell: the command line is split here (quotes and backslashes as a
//! POSIX shell reads them) and `*`/`?` globs are matched against our names, as the
//! remote shell would. Each name is sent as `C0444 SIZE NAME`, its bytes and a NUL,
//! with `T` times first under `-p`, each step waiting for the sink's acknowledgement.
//! A name we do not have is a warning (`\x01…`) and the next name goes on; `scp -t`
//! (an upload) is refused with a fatal error (`\x02…`). [`serve`] returns the exit
//! status the caller sends before EOF and close (0 only when every name was sent).

use std::sync::Arc;
use std::time::UNIX_EPOCH;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::files::{Directory, Downloads, File, Resolved};

/// Names one command may ask for: every file of the directory three times over. A
/// longer list is refused whole, before anything is sent.
pub const MAX_NAMES: usize = 16;

/// The longest message a sink's error acknowledgement may carry, in bytes: the buffer
/// OpenSSH's `scp.c` `response()` reads one into (`rbuf[2048]`). A longer one ends the
/// session.
pub const MAX_ACK_MESSAGE: usize = 2048;

/// What an `scp` command asks of the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `scp -f [-p] [--] NAME…`: send these files (as typed, globs not yet matched).
    Source { preserve_times: bool, names: Vec<String> },
    /// `scp -t …`: receive files. Refused.
    Sink,
    /// An `scp` command we cannot run, and why (for the visitor).
    Refused(String),
}

impl Command {
    /// The command an exec request carries, if it is `scp`'s at all.
    pub fn parse(line: &str) -> Option<Command> {
        let words = split(line)?;
        let (program, args) = words.split_first()?;
        if program != "scp" {
            return None;
        }
        Some(Self::from_args(args))
    }

    fn from_args(args: &[String]) -> Command {
        let (mut source, mut sink, mut preserve_times) = (false, false, false);
        let mut names = Vec::new();
        let mut options = true;
        for arg in args {
            match arg.as_str() {
                "--" if options => options = false,
                flags if options && flags.starts_with('-') && flags.len() > 1 => {
                    for flag in flags.chars().skip(1) {
                        match flag {
                            'f' => source = true,
                            't' => sink = true,
                            'p' => preserve_times = true,
                            // Verbose, "target should be a directory", recursive, quiet:
                            // nothing to change for files sent from memory.
                            'v' | 'd' | 'r' | 'q' => {}
                            other => return Command::Refused(format!("unknown option -{other}")),
                        }
                    }
                }
                name => names.push(name.to_owned()),
            }
        }
        match (source, sink) {
            (_, true) => Command::Sink,
            (true, false) if names.is_empty() => Command::Refused("no file named".to_owned()),
            (true, false) if names.len() > MAX_NAMES => {
                Command::Refused(format!("at most {MAX_NAMES} names at once"))
            }
            (true, false) => Command::Source { preserve_times, names },
            (false, false) => Command::Refused("neither -f nor -t".to_owned()),
        }
    }
}

/// How a session went: the exit status to send and what was downloaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// 0 when every name was sent whole, else 1 (as `scp.c` exits).
    pub exit_status: u32,
    pub downloads: Downloads,
}

/// Runs `command` over `stream` (the exec channel) from `directory`. The stream is left
/// open for the caller's exit status, EOF and close.
pub async fn serve<S>(stream: &mut S, command: &Command, directory: Arc<Directory>) -> Outcome
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut downloads = Downloads::default();
    let names = match command {
        Command::Source { names, .. } => names,
        Command::Sink => return refuse(stream, "the résumé is read-only: nothing can be copied to it").await,
        Command::Refused(why) => return refuse(stream, why).await,
    };
    let preserve = matches!(command, Command::Source { preserve_times: true, .. });
    let mut failed = false;
    // The sink speaks first: one NUL when it is ready.
    if ack(stream).await != Ack::Ready {
        return Outcome { exit_status: 1, downloads };
    }
    for name in names {
        for found in lookup(&directory, name) {
            let sent = match found {
                Ok(file) => send(stream, file, preserve.then_some(&*directory))
                    .await
                    .map(|sent| sent.then_some(file.name)),
                Err(missing) => warn(stream, &missing).await.map(|()| None),
            };
            match sent {
                Ok(Some(name)) => downloads.add(name),
                Ok(None) => failed = true,
                Err(()) => return Outcome { exit_status: 1, downloads },
            }
        }
    }
    Outcome { exit_status: u32::from(failed), downloads }
}

/// The files `name` means: one path, or every file a glob in its last part matches.
/// `Err` carries the warning for a name that means none.
fn lookup<'d>(directory: &'d Directory, name: &str) -> Vec<Result<&'d File, String>> {
    let (parent, last) = name.rsplit_once('/').unwrap_or(("", name));
    if last.contains(['*', '?']) {
        let matched: Vec<Result<&File, String>> = match directory.resolve(parent) {
            Resolved::Root => {
                directory.files().iter().filter(|f| glob(last, f.name.as_str())).map(Ok).collect()
            }
            _ => Vec::new(),
        };
        if matched.is_empty() {
            return vec![Err(format!("{name}: No such file or directory"))];
        }
        return matched;
    }
    match directory.resolve(name) {
        Resolved::File(file) => vec![Ok(file)],
        Resolved::Root => vec![Err(format!("{name}: not a regular file"))],
        Resolved::Unavailable(file) => vec![Err(format!("{}: not available right now", file.as_str()))],
        Resolved::NotFound => vec![Err(format!("{name}: No such file or directory"))],
    }
}

/// Whether `name` matches `pattern`, where `*` is any run of characters and `?` one.
fn glob(pattern: &str, name: &str) -> bool {
    let (pattern, name): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    // Iterative matching with one backtrack point: linear in practice, never exponential.
    let (mut p, mut n, mut star, mut resume) = (0, 0, None, 0);
    while n < name.len() {
        match pattern.get(p) {
            Some('*') => (star, resume, p) = (Some(p), n, p + 1),
            Some(&c) if c == '?' || c == name[n] => (p, n) = (p + 1, n + 1),
            _ => match star {
                Some(at) => (p, resume, n) = (at + 1, resume + 1, resume + 1),
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

/// Sends one file; `Ok(false)` when the sink declined it, `Err` when the session ends.
async fn send<S>(stream: &mut S, file: &File, times: Option<&Directory>) -> Result<bool, ()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    if let Some(directory) = times {
        let seconds = directory.modified.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        write(stream, format!("T{seconds} 0 {seconds} 0\n").as_bytes()).await?;
        if ack(stream).await.ended()? {
            return Ok(false);
        }
    }
    write(stream, format!("C0444 {} {}\n", file.size(), file.name.as_str()).as_bytes()).await?;
    if ack(stream).await.ended()? {
        return Ok(false);
    }
    write(stream, &file.bytes).await?;
    write(stream, b"\0").await?;
    Ok(!ack(stream).await.ended()?)
}

/// A warning the sink prints before the next name: `scp: MESSAGE`.
async fn warn<S: AsyncWrite + Unpin>(stream: &mut S, message: &str) -> Result<(), ()> {
    write(stream, format!("\x01scp: {}\n", one_line(message)).as_bytes()).await
}

/// A fatal error the sink prints and exits on.
async fn refuse<S: AsyncWrite + Unpin>(stream: &mut S, message: &str) -> Outcome {
    let _ = write(stream, format!("\x02scp: {}\n", one_line(message)).as_bytes()).await;
    Outcome { exit_status: 1, downloads: Downloads::default() }
}

/// A message on one line, as the protocol needs (a name may hold a newline).
fn one_line(message: &str) -> String {
    message.chars().map(|c| if c.is_control() { '?' } else { c }).collect()
}

async fn write<S: AsyncWrite + Unpin>(stream: &mut S, bytes: &[u8]) -> Result<(), ()> {
    stream.write_all(bytes).await.map_err(|_| ())?;
    stream.flush().await.map_err(|_| ())
}

/// The sink's answer to a step.
#[derive(Debug, PartialEq, Eq)]
enum Ack {
    Ready,
    /// `\x01…`: this file failed; go on with the next.
    Declined,
    /// `\x02…`, an unknown byte, a message over the bound, or the end of the stream.
    Ended,
}

impl Ack {
    /// `Ok(true)` for a declined step, `Err` for the end of the session.
    fn ended(self) -> Result<bool, ()> {
        match self {
            Ack::Ready => Ok(false),
            Ack::Declined => Ok(true),
            Ack::Ended => Err(()),
        }
    }
}

async fn ack<S: AsyncRead + Unpin>(stream: &mut S) -> Ack {
    let code = match stream.read_u8().await {
        Ok(0) => return Ack::Ready,
        Ok(code @ (1 | 2)) => code,
        _ => return Ack::Ended,
    };
    // The message, up to its newline, read and dropped: a sink's words are not logged.
    for _ in 0..MAX_ACK_MESSAGE {
        match stream.read_u8().await {
            Ok(b'\n') => return if code == 1 { Ack::Declined } else { Ack::Ended },
            Ok(_) => {}
            Err(_) => return Ack::Ended,
        }
    }
    Ack::Ended
}

/// Splits a command line as a POSIX shell would (without expansions): words at
/// unquoted blanks, `'…'` literal, `"…"` with `\` escaping `"`, `\`, `$` and `` ` ``,
/// `\` outside quotes escaping the next character. `None` for an unterminated quote.
fn split(line: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' => words.extend(word.take()),
            '\'' => {
                let current = word.get_or_insert_default();
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => current.push(c),
                    }
                }
            }
            '"' => {
                let current = word.get_or_insert_default();
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.next()? {
                            c @ ('"' | '\\' | '$' | '`') => current.push(c),
                            c => current.extend(['\\', c]),
                        },
                        c => current.push(c),
                    }
                }
            }
            '\\' => word.get_or_insert_default().extend(chars.next()),
            c => word.get_or_insert_default().push(c),
        }
    }
    words.extend(word);
    Some(words)
}

#[cfg(test)]
mod tests;
