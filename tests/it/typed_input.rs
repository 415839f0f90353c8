//! What a visitor types arrives whole, through the real server: `ssh -t HOST message`
//! echoes and edits what is typed and stores it as shown (Backspace as DEL or ^H,
//! Ctrl-W, Ctrl-U, Ctrl-C), text that shows nothing is no contact, no name and no
//! message at any door, the find line takes ^H and the line-editing keys, Ctrl-L draws
//! a garbled screen again, a section is named as the view shows it, and an ASCII
//! visitor reads the answer in ASCII.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use crate::common::http::send;
use crate::common::messages::{inbox, inbox_json, server_with, sqlite, unlimited};
use crate::common::{LIVENESS, Launch, Parts, TestServer, Visit, Visitor, in_memory, temp_dir};
use ssh_resume::store::{
    CountRow, InsertLimits, InsightsStore, NewMessage, Store, StoreFuture, Stored, Which,
};
use ssh_resume::web::WebSettings;

const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");

fn stderr_of(visitor: &Visitor) -> String {
    String::from_utf8_lossy(&visitor.stderr).into_owned()
}

/// `command` with a PTY (`ssh -t`), after its prompt.
async fn typing(addr: SocketAddr, command: &str, env: Vec<(&str, &str)>) -> Visitor {
    let visit = Visit { pty: Some(("xterm-256color", 80, 24)), env, command: Some(command) };
    let mut visitor = Visitor::connect(addr, visit).await;
    visitor.wait_for_text("Ctrl-D sends").await;
    visitor
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssh_t_message_echoes_and_edits_and_stores_what_the_screen_shows() {
    let dir = temp_dir("typed-message");
    let data = dir.join("data");
    let server = server_with(&dir.join("keys"), sqlite(&data), unlimited()).await;
    let mut visitor =
        typing(server.addr, "message --reply-to jane@example.org --name Jane", Vec::new()).await;
    assert!(
        visitor.contents().contains("A message from Jane to the owner, who will reply to jane@example.org."),
        "{}",
        visitor.contents()
    );
    // DEL, then ^H as PuTTY sends it, Ctrl-W and Ctrl-U.
    visitor.send(b"Hellp\x7fo world\rtypo\x08\x08\x08\x08from PuTTY oops\x17\r").await;
    visitor.send(b"gone\x15kept").await;
    visitor.wait_for_text("kept").await;
    let rows: Vec<String> = visitor.screen.screen().rows(0, 80).collect();
    assert!(rows.iter().any(|row| row == "Hello world"), "{rows:#?}");
    assert!(rows.iter().any(|row| row.trim_end() == "from PuTTY"), "{rows:#?}");
    assert!(rows.iter().any(|row| row == "kept"), "{rows:#?}");
    visitor.send(b"\x04").await;
    visitor.read_to_end().await;
    assert_eq!(visitor.exit_status, Some(0), "{}", stderr_of(&visitor));
    assert!(visitor.contents().contains("sent — thank you (message #1)"));
    let stored = inbox_json(&["--data-dir", data.to_str().unwrap()]);
    assert_eq!(
        stored[0]["body"], "Hello world\nfrom PuTTY \nkept",
        "as typed, the space before the cut word too"
    );
    assert_eq!((stored[0]["name"].as_str(), stored[0]["channel"].as_str()), (Some("Jane"), Some("exec")));
    // The store's flags after the action, as after `inbox` itself.
    let (code, shown, err) = inbox(&["show", "1", "--data-dir", data.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(shown.contains("from PuTTY"), "{shown}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssh_t_message_cancels_with_ctrl_c_and_refuses_a_contact_that_shows_nothing_before_typing() {
    let dir = temp_dir("typed-cancel");
    let server = server_with(&dir.join("keys"), sqlite(&dir.join("data")), unlimited()).await;
    let mut visitor = typing(server.addr, "message --reply-to jane@example.org", Vec::new()).await;
    visitor.send(b"never mind\x03").await;
    visitor.read_to_end().await;
    assert_eq!(visitor.exit_status, Some(130));
    assert_eq!(stderr_of(&visitor), "cancelled — nothing was sent\r\n");
    let visit = Visit { command: Some("message --reply-to '\u{200B}\u{3164}'"), ..Visit::terminal(80, 24) };
    let mut blank = Visitor::connect(server.addr, visit).await;
    blank.read_to_end().await;
    assert_eq!(blank.exit_status, Some(2));
    assert!(stderr_of(&blank).starts_with("say how to reach you"), "{}", stderr_of(&blank));
    assert!(!blank.contents().contains("Ctrl-D"), "no prompt for a message that could not be sent");
    assert_eq!(server.shared.service.mailbox.as_ref().unwrap().store().count().await.unwrap(), 0);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lang_c_visitor_reads_the_prompt_and_the_answer_in_ascii() {
    let dir = temp_dir("lang-c");
    let server = server_with(&dir.join("keys"), sqlite(&dir.join("data")), unlimited()).await;
    let visit =
        Visit { pty: None, env: vec![("LANG", "C")], command: Some("message --reply-to x@example.org") };
    let mut piped = Visitor::connect(server.addr, visit).await;
    piped.channel.data(&b"piped"[..]).await.unwrap();
    piped.channel.eof().await.unwrap();
    piped.read_to_end().await;
    assert_eq!(piped.stdout_text(), "sent -- thank you (message #1)\n");
    let mut typed = typing(server.addr, "message --reply-to zoë@example.org", vec![("LANG", "C")]).await;
    typed.send("typed é\x04".as_bytes()).await;
    typed.read_to_end().await;
    assert!(typed.stdout.is_ascii(), "{}", typed.stdout_text());
    assert!(
        typed.contents().contains("who will reply to zoe@example.org")
            && typed.contents().contains("typed e")
    );
    assert!(typed.contents().contains("sent -- thank you (message #2)"), "{}", typed.contents());
    let stored = inbox_json(&["--data-dir", dir.join("data").to_str().unwrap()]);
    assert_eq!(stored[0]["body"], "typed é", "the message keeps what was typed");
    // The usage, as every line the server prints to an ASCII terminal: its lines kept.
    let visit = Visit { env: vec![("LANG", "C")], command: Some("Foo"), ..Visit::terminal(80, 24) };
    let mut unknown = Visitor::connect(server.addr, visit).await;
    unknown.read_to_end().await;
    let err = stderr_of(&unknown);
    assert!(err.is_ascii() && err.contains("\r\n  text       the resume as plain text"), "{err:?}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_that_shows_nothing_is_no_contact_no_name_and_no_message_at_any_door() {
    use crate::common::messages::exec;
    let dir = temp_dir("invisible");
    let data = dir.join("data");
    let server = server_with(&dir.join("keys"), sqlite(&data), unlimited()).await;
    let refused = [
        ("message --reply-to '\u{200B}'", "hi", "say how to reach you"),
        ("message --reply-to '\u{E0061}\u{E0062}'", "hi", "say how to reach you"),
        ("message --reply-to x@example.org", "\u{3164}\n\u{2800} \u{FFA0}", "the message is empty"),
        ("message --reply-to x@example.org", "\u{E0068}\u{E0069}\n", "the message is empty"),
    ];
    for (command, body, why) in refused {
        let visitor = exec(server.addr, command, body.as_bytes()).await;
        assert_eq!(visitor.exit_status, Some(2), "{command} {body:?}");
        assert!(stderr_of(&visitor).starts_with(why), "{command} {body:?}: {}", stderr_of(&visitor));
    }
    let named = "message --reply-to 'x@example.org\u{E0041}' --name '\u{200F}'";
    assert_eq!(exec(server.addr, named, "Hello".as_bytes()).await.exit_status, Some(0));
    let stored = inbox_json(&["--data-dir", data.to_str().unwrap()]);
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!((stored[0]["name"].is_null(), stored[0]["reply_to"].as_str()), (true, Some("x@example.org")));
    let (_, table, _) = inbox(&["--data-dir", data.to_str().unwrap()]);
    assert!(!table.contains('\u{200F}') && table.contains(" - "), "{table}");

    let mut visitor = Visitor::connect(server.addr, Visit::terminal(80, 24)).await;
    visitor.wait_for_text("q quit").await;
    visitor.send(b"m").await;
    visitor.wait_for_text("Write to me").await;
    visitor.send("\u{200F}\t\u{3164}\u{2800}\tHello\x13".as_bytes()).await;
    visitor.wait_for_text("say how to reach you").await;

    let web = server.start_web(WebSettings { messages: true, ..WebSettings::default() }).await;
    let body = "reply_to=x%40example.org&body=%E3%85%A4%E2%A0%80&website=";
    let response = send(web, "POST", "/message", &[FORM], body.as_bytes(), LIVENESS).await;
    assert_eq!(response.status, 400);
    assert!(String::from_utf8_lossy(&response.decoded()).contains("the message is empty"));
    assert_eq!(inbox_json(&["--data-dir", data.to_str().unwrap()]).len(), 1, "nothing more stored");
    server.stop().await;
}

#[tokio::test]
async fn backspace_as_ctrl_h_and_the_line_keys_edit_the_find_line() {
    let server = TestServer::start(&temp_dir("find-line")).await;
    let mut visitor = Visitor::connect(server.addr, Visit::terminal(80, 24)).await;
    visitor.wait_for_text("q quit").await;
    // ^H, then Ctrl-A, Ctrl-K cut, typed again, Alt-B to its start and Ctrl-D there.
    visitor.send(b"/elixx\x08ir\x01\x0bXelixir\x1bb\x04").await;
    visitor.wait_for_text("/▏elixir").await;
    visitor.send(b"\r").await;
    visitor
        .wait_for("the first match", |s| s.contents().contains("/elixir") && s.contents().contains("1/"))
        .await;
    server.stop().await;
}

#[tokio::test]
async fn ctrl_l_draws_a_garbled_screen_again() {
    let server = TestServer::start(&temp_dir("ctrl-l")).await;
    let mut visitor = Visitor::connect(server.addr, Visit::terminal(80, 24)).await;
    visitor.wait_for_text("q quit").await;
    visitor.screen.process(b"\x1b[2J\x1b[5;3Hline noise");
    assert!(!visitor.contents().contains("q quit"));
    visitor.send(b"\x0c").await;
    let again = |s: &vt100::Screen| s.contents().contains("q quit") && !s.contents().contains("line noise");
    visitor.wait_for("the whole screen again", again).await;
    assert!(visitor.contents().contains("Staff Software Engineer"), "{}", visitor.contents());
    server.stop().await;
}

#[tokio::test]
async fn a_section_is_named_as_the_view_shows_it_with_or_without_a_terminal() {
    let server = TestServer::start(&temp_dir("section-names")).await;
    let printed = |command: &'static str| {
        let addr = server.addr;
        async move {
            let mut visitor = Visitor::connect(addr, Visit::no_pty(Some(command))).await;
            visitor.read_to_end().await;
            (visitor.exit_status, visitor.stdout_text(), stderr_of(&visitor))
        }
    };
    let (status, slug, _) = printed("open-source").await;
    assert!(status == Some(0) && slug.contains("OPEN SOURCE") && slug.contains("benchee"), "{slug}");
    for command in ["open source", "Open Source", "open_source", "OPEN-SOURCE", "4"] {
        assert_eq!(printed(command).await, (Some(0), slug.clone(), String::new()), "{command}");
    }
    let (status, _, err) = printed("Foo  Bar\u{200B}").await;
    assert_eq!(status, Some(2));
    assert!(err.starts_with("unknown command `Foo Bar`\n"), "{err}");
    assert!(err.contains("  4  open-source  Open Source\n"), "{err}");
    let visit = Visit { command: Some("4"), ..Visit::terminal(80, 24) };
    let mut visitor = Visitor::connect(server.addr, visit).await;
    visitor.wait_for_text("benchee").await;
    server.stop().await;
}

/// A store that keeps what it is given in memory and answers at once: for paused time,
/// where a store on disk would let the clock run past its bound meanwhile.
#[derive(Default)]
struct Kept(Mutex<Vec<NewMessage>>);

impl Store for Kept {
    fn insert(&self, message: NewMessage, _: InsertLimits) -> StoreFuture<'_, i64> {
        let id = match self.0.lock() {
            Ok(mut kept) => {
                kept.push(message);
                i64::try_from(kept.len()).unwrap_or(i64::MAX)
            }
            Err(_) => 0,
        };
        Box::pin(async move { Ok(id) })
    }
    fn list(&self, _: usize) -> StoreFuture<'_, Vec<Stored>> {
        Box::pin(async { Ok(Vec::new()) })
    }
    fn get(&self, _: i64) -> StoreFuture<'_, Stored> {
        Box::pin(std::future::pending())
    }
    fn mark_read(&self, _: Which) -> StoreFuture<'_, u64> {
        Box::pin(async { Ok(0) })
    }
    fn delete(&self, _: i64) -> StoreFuture<'_, ()> {
        Box::pin(async { Ok(()) })
    }
    fn count(&self) -> StoreFuture<'_, u64> {
        let count = self.0.lock().map_or(0, |kept| kept.len() as u64);
        Box::pin(async move { Ok(count) })
    }
    fn unread(&self) -> StoreFuture<'_, u64> {
        Box::pin(async { Ok(0) })
    }
    fn describe(&self) -> String {
        "kept in memory".into()
    }
}

impl InsightsStore for Kept {
    fn add_counts(&self, _: Vec<CountRow>) -> StoreFuture<'_, ()> {
        Box::pin(async { Ok(()) })
    }
    fn counts(&self, _: i64, _: i64) -> StoreFuture<'_, Vec<CountRow>> {
        Box::pin(async { Ok(Vec::new()) })
    }
}

/// On paused time: an ESC with nothing after it within the decoder's delay is the Esc
/// key, which types nothing, so the key after it is itself and not Alt and a key.
#[tokio::test(start_paused = true)]
async fn a_lone_esc_in_a_typed_message_is_the_esc_key_once_its_delay_passed() {
    let kept = Arc::new(Kept::default());
    let parts = Parts { mailbox: Some((kept.clone(), unlimited())), ..Parts::default() };
    let shared = Launch { parts, ..Launch::default() }.in_memory();
    let source = std::net::IpAddr::from([192, 0, 2, 7]);
    let visit = Visit { command: Some("message --reply-to x@example.org"), ..Visit::terminal(80, 24) };
    let mut visitor = Visitor::over(in_memory(&shared, source), visit).await.unwrap();
    visitor.wait_for_text("Ctrl-D sends").await;
    visitor.send(b"a\x1b").await;
    visitor.wait_for("the echo", |s| s.contents().lines().any(|line| line == "a")).await;
    tokio::time::sleep(ssh_resume::tui::input::LONE_ESC_DELAY * 2).await;
    visitor.send(b"b\x04").await;
    visitor.read_to_end().await;
    assert_eq!(visitor.exit_status, Some(0));
    let bodies: Vec<String> = kept.0.lock().unwrap().iter().map(|m| m.message.body.clone()).collect();
    assert_eq!(bodies, ["ab"]);
}
