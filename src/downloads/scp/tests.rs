use std::time::{Duration, SystemTime};

use bytes::Bytes;
use tokio::io::{AsyncBufReadExt, BufReader, DuplexStream};
use tokio::task::JoinHandle;

use super::*;
use crate::downloads::files::FileName;
use crate::resume::{Loaded, load};

const MODIFIED: u64 = 1_700_000_000;

fn directory() -> Arc<Directory> {
    let toml = "[basics]\nname = \"Ada Lovelace\"\nlabel = \"Analyst\"\nemail = \"ada@example.org\"\n";
    let loaded = Loaded::from_resume(load::parse_str(toml, "test.toml").expect("loads"));
    let pdf: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    let modified = SystemTime::UNIX_EPOCH + Duration::from_secs(MODIFIED);
    Arc::new(Directory::new(&loaded, Some(Bytes::from(pdf)), modified))
}

fn start(line: &str) -> (BufReader<DuplexStream>, JoinHandle<Outcome>) {
    let command = Command::parse(line).expect("an scp command");
    let (client, mut server) = tokio::io::duplex(1 << 16);
    let task = tokio::spawn(async move { serve(&mut server, &command, directory()).await });
    (BufReader::new(client), task)
}

/// What the sink saw: files (mode, name, bytes, the `T` line before it), warnings
/// and a fatal error.
#[derive(Debug, Default)]
struct Received {
    files: Vec<(String, String, Vec<u8>, Option<String>)>,
    warnings: Vec<String>,
    fatal: Option<String>,
}

/// Plays OpenSSH's sink (`scp.c` `sink()`): a NUL to start, then a NUL after each
/// line and after each file's bytes; `decline` answers the C line of that name with
/// an error instead.
async fn sink(client: &mut BufReader<DuplexStream>, decline: Option<&str>) -> Received {
    let mut got = Received::default();
    client.get_mut().write_all(b"\0").await.unwrap();
    let mut times = None;
    loop {
        let mut line = Vec::new();
        if client.read_until(b'\n', &mut line).await.unwrap() == 0 {
            return got;
        }
        let text = String::from_utf8(line).unwrap();
        let text = text.trim_end_matches('\n');
        match text.as_bytes()[0] {
            b'T' => times = Some(text.to_owned()),
            b'C' => {
                let mut fields = text[1..].splitn(3, ' ');
                let (mode, size, name) =
                    (fields.next().unwrap(), fields.next().unwrap(), fields.next().unwrap());
                if decline == Some(name) {
                    client.get_mut().write_all(b"\x01scp: cannot write here\n").await.unwrap();
                    continue;
                }
                client.get_mut().write_all(b"\0").await.unwrap();
                let mut bytes = vec![0; size.parse().unwrap()];
                client.read_exact(&mut bytes).await.unwrap();
                assert_eq!(client.read_u8().await.unwrap(), 0, "a NUL after the bytes");
                got.files.push((mode.to_owned(), name.to_owned(), bytes, times.take()));
            }
            1 => {
                got.warnings.push(text[1..].to_owned());
                continue;
            }
            2 => {
                got.fatal = Some(text[1..].to_owned());
                return got;
            }
            other => panic!("unexpected line starting {other}"),
        }
        client.get_mut().write_all(b"\0").await.unwrap();
    }
}

#[tokio::test]
async fn a_named_file_arrives_whole_and_the_exit_status_is_zero() {
    let (mut client, task) = start("scp -f resume.pdf");
    let got = sink(&mut client, None).await;
    let pdf = directory().get(FileName::Pdf).unwrap().bytes.clone();
    assert_eq!(got.files, [("0444".to_owned(), "resume.pdf".to_owned(), pdf.to_vec(), None)]);
    let outcome = task.await.unwrap();
    assert_eq!(outcome.exit_status, 0);
    assert_eq!(outcome.downloads.get(FileName::Pdf), 1);
}

#[tokio::test]
async fn times_come_first_under_p_and_several_names_follow_each_other() {
    let (mut client, task) = start("scp -p -f -- resume.json /resume.md");
    let got = sink(&mut client, None).await;
    let names: Vec<&str> = got.files.iter().map(|f| f.1.as_str()).collect();
    assert_eq!(names, ["resume.json", "resume.md"]);
    let times = format!("T{MODIFIED} 0 {MODIFIED} 0");
    assert!(got.files.iter().all(|f| f.3.as_deref() == Some(times.as_str())), "{:?}", got.files[0].3);
    assert_eq!(got.files[0].2, directory().get(FileName::Json).unwrap().bytes);
    assert_eq!(task.await.unwrap().downloads.total(), 2);
}

#[tokio::test]
async fn a_glob_matches_our_names_as_the_shell_would() {
    let (mut client, task) = start("scp -f 'resume.*'");
    let names: Vec<String> = sink(&mut client, None).await.files.into_iter().map(|f| f.1).collect();
    assert_eq!(names, ["resume.pdf", "resume.json", "resume.md", "resume.txt", "resume.vcf"]);
    assert_eq!(task.await.unwrap().exit_status, 0);
    let (mut client, _task) = start("scp -f /resume.?d ./*.txt");
    let names: Vec<String> = sink(&mut client, None).await.files.into_iter().map(|f| f.1).collect();
    assert_eq!(names, ["resume.md", "resume.txt"]);
}

#[tokio::test]
async fn a_name_we_do_not_have_is_a_warning_and_the_others_still_come() {
    let (mut client, task) = start("scp -f nope.pdf ../../etc/passwd /etc ~root / 'x*' resume.txt");
    let got = sink(&mut client, None).await;
    assert_eq!(
        got.warnings,
        [
            "scp: nope.pdf: No such file or directory",
            "scp: ../../etc/passwd: No such file or directory",
            "scp: /etc: No such file or directory",
            "scp: ~root: No such file or directory",
            "scp: /: not a regular file",
            "scp: x*: No such file or directory",
        ]
    );
    assert_eq!(got.files.len(), 1, "resume.txt still comes");
    let outcome = task.await.unwrap();
    assert_eq!((outcome.exit_status, outcome.downloads.total()), (1, 1));
}

#[tokio::test]
async fn a_file_the_sink_declines_fails_and_the_next_goes_on() {
    let (mut client, task) = start("scp -f resume.pdf resume.md");
    let got = sink(&mut client, Some("resume.pdf")).await;
    assert_eq!(got.files.iter().map(|f| f.1.as_str()).collect::<Vec<_>>(), ["resume.md"]);
    assert_eq!(task.await.unwrap().exit_status, 1);
}

#[tokio::test]
async fn an_upload_is_refused_with_a_fatal_error() {
    let (mut client, task) = start("scp -t .");
    let got = sink(&mut client, None).await;
    assert_eq!(got.fatal.as_deref(), Some("scp: the résumé is read-only: nothing can be copied to it"));
    assert_eq!(task.await.unwrap().exit_status, 1);
}

#[tokio::test]
async fn an_acknowledgement_message_is_bounded() {
    for (length, sent) in [(MAX_ACK_MESSAGE - 1, 1), (MAX_ACK_MESSAGE, 0)] {
        let (mut client, task) = start("scp -f resume.pdf resume.md");
        client.get_mut().write_all(b"\0").await.unwrap();
        let mut line = Vec::new();
        client.read_until(b'\n', &mut line).await.unwrap();
        let mut decline = vec![1u8];
        decline.extend(std::iter::repeat_n(b'x', length));
        decline.push(b'\n');
        client.get_mut().write_all(&decline).await.unwrap();
        let got = sink(&mut client, None).await;
        assert_eq!(got.files.len(), sent, "a message of {length} bytes");
        assert_eq!(task.await.unwrap().exit_status, 1);
    }
}

#[tokio::test]
async fn a_sink_that_leaves_before_starting_gets_nothing() {
    let (client, task) = start("scp -f resume.pdf");
    drop(client);
    let outcome = task.await.unwrap();
    assert_eq!((outcome.exit_status, outcome.downloads.total()), (1, 0));
}

#[test]
fn commands_parse_as_a_shell_splits_them() {
    let source = |names: &[&str]| Command::Source {
        preserve_times: false,
        names: names.iter().map(|n| n.to_string()).collect(),
    };
    assert_eq!(Command::parse("scp -f resume.pdf"), Some(source(&["resume.pdf"])));
    assert_eq!(Command::parse("scp -v -d -f -- -odd"), Some(source(&["-odd"])));
    assert_eq!(Command::parse(r#"scp -f 'my file' "a\"b" c\ d"#), Some(source(&["my file", "a\"b", "c d"])));
    assert_eq!(
        Command::parse("scp -pf x"),
        Some(Command::Source { preserve_times: true, names: vec!["x".into()] })
    );
    assert_eq!(Command::parse("scp -t -- ."), Some(Command::Sink));
    assert_eq!(Command::parse("scp -f 'open"), None, "an unterminated quote is no command");
    assert_eq!(Command::parse("pdf"), None);
    assert_eq!(Command::parse("scpx -f a"), None);
    assert!(matches!(Command::parse("scp -f"), Some(Command::Refused(_))));
    assert!(
        matches!(Command::parse("scp -z -f a"), Some(Command::Refused(why)) if why == "unknown option -z")
    );
    assert!(matches!(Command::parse("scp a"), Some(Command::Refused(_))));
}

#[test]
fn a_command_may_name_at_most_the_bound() {
    let names = |n: usize| vec!["resume.pdf"; n].join(" ");
    assert!(matches!(Command::parse(&format!("scp -f {}", names(MAX_NAMES))), Some(Command::Source { .. })));
    let over = Command::parse(&format!("scp -f {}", names(MAX_NAMES + 1)));
    assert!(
        matches!(over, Some(Command::Refused(why)) if why == format!("at most {MAX_NAMES} names at once"))
    );
}

#[test]
fn globs_match_whole_names() {
    for (pattern, name, matches) in [
        ("resume.*", "resume.pdf", true),
        ("*", "resume.pdf", true),
        ("*.pdf", "resume.pdf", true),
        ("r*e*.p?f", "resume.pdf", true),
        ("resume.?", "resume.pdf", false),
        ("*.txt", "resume.pdf", false),
        ("resume", "resume.pdf", false),
        ("**", "", true),
    ] {
        assert_eq!(glob(pattern, name), matches, "{pattern} ~ {name}");
    }
}
