//! Files to take away, through real clients against the real server: OpenSSH `scp` in
//! both modes (SFTP, OpenSSH 9's default, and the legacy `-O`), `sftp -b`, PuTTY's
//! `pscp`/`psftp`, paramiko and asyncssh, `ssh HOST pdf`, and the web door. Every
//! file arrives byte for byte the same through every door; every change is refused and
//! every other path is not found; downloads are counted by file and door. Each outside
//! client is skipped with a message where it is missing, except under `CI=true`.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use tokio::process::Command;

use crate::common::http::get;
use crate::common::{LIVENESS, Launch, TestServer, Visit, Visitor, manifest_path, temp_dir, tool};
use ssh_resume::web::WebSettings;

/// The files of the shipped résumé (no name: no contact card) and the exec command that
/// prints each.
const FILES: [(&str, &str); 4] =
    [("resume.pdf", "pdf"), ("resume.json", "json"), ("resume.md", "markdown"), ("resume.txt", "text")];

/// OpenSSH options for a throwaway host key, never a prompt.
const OPENSSH: [&str; 8] = [
    "-o",
    "BatchMode=yes",
    "-o",
    "StrictHostKeyChecking=no",
    "-o",
    "UserKnownHostsFile=/dev/null",
    "-o",
    "LogLevel=ERROR",
];

async fn server_with_pdf(name: &str, resume: &str) -> (TestServer, PathBuf) {
    let dir = temp_dir(name);
    let launch = Launch { resume: manifest_path(resume), pdf: true, ..Launch::default() };
    (TestServer::launch(&dir.join("keys"), launch).await, dir)
}

async fn run(command: &mut Command) -> Output {
    command.stdin(Stdio::null()).kill_on_drop(true);
    tokio::time::timeout(LIVENESS * 3, command.output()).await.expect("the client hung").unwrap()
}

fn scp(server: &TestServer, legacy: bool) -> Command {
    let mut command = Command::new("scp");
    command.args(OPENSSH).args(["-P", &server.addr.port().to_string()]);
    if legacy {
        command.arg("-O");
    }
    command
}

/// What `ssh HOST <command>` prints.
async fn exec(server: &TestServer, command: &str) -> Vec<u8> {
    let mut visitor = Visitor::connect(server.addr, Visit::no_pty(Some(command))).await;
    visitor.read_to_end().await;
    assert_eq!(visitor.exit_status, Some(0), "{command}: {}", String::from_utf8_lossy(&visitor.stderr));
    visitor.stdout
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scp_in_both_modes_ssh_and_the_web_door_give_the_same_bytes() {
    if !tool("scp", "openssh-client") {
        return;
    }
    let (server, dir) = server_with_pdf("downloads-same", "resume.toml").await;
    let web = server.start_web(WebSettings::default()).await;
    for (file, command) in FILES {
        let printed = exec(&server, command).await;
        for legacy in [false, true] {
            let to = dir.join(format!("{legacy}-{file}"));
            let output = run(scp(&server, legacy).arg(format!("127.0.0.1:{file}")).arg(&to)).await;
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(0), "scp (legacy {legacy}) {file}: {stderr}");
            assert_eq!(
                read(&to),
                printed,
                "scp (legacy {legacy}) {file} is what `ssh HOST {command}` prints"
            );
        }
        let answer = get(web, &format!("/{file}"), &[]).await;
        assert_eq!(answer.status, 200, "{file}");
        assert_eq!(answer.decoded(), printed, "the web door's {file}");
    }
    assert!(read(&dir.join("false-resume.pdf")).starts_with(b"%PDF-"), "a PDF");
    let metrics = server.shared.service.metrics.encode();
    for (door, count) in [("sftp", 1), ("scp", 1), ("ssh", 1), ("web", 1)] {
        let series = format!("ssh_resume_downloads_total{{file=\"pdf\",door=\"{door}\"}} {count}");
        assert!(metrics.contains(&series), "{series} in\n{metrics}");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sftp_lists_and_gets_and_refuses_every_change_and_every_other_path() {
    if !tool("sftp", "openssh-client") {
        return;
    }
    let (server, dir) = server_with_pdf("downloads-sftp", "resume.toml").await;
    // `-` before a command lets the batch go on after it fails, as each of these must.
    let batch = "pwd\nls -la\ncd /\nget resume.json\ncd ..\nls\n\
                 -rm resume.pdf\n-mkdir x\n-rename resume.md other.md\n-put batch.txt\n-chmod 600 resume.txt\n\
                 -get ../../etc/passwd\n-cd /etc\n-get ~root/secret\n-get /nope.pdf\nget resume.pdf\n";
    std::fs::write(dir.join("batch.txt"), batch).unwrap();
    let output = run(Command::new("sftp").current_dir(&dir).args(OPENSSH).args([
        "-P",
        &server.addr.port().to_string(),
        "-b",
        "batch.txt",
        "127.0.0.1",
    ]))
    .await;
    let (out, err) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert_eq!(output.status.code(), Some(0), "{out}\n{err}");
    assert!(out.contains("Remote working directory: /"), "{out}");
    for name in ["resume.pdf", "resume.json", "resume.md", "resume.txt"] {
        assert!(out.contains("-r--r--r--") && out.contains(name), "{name} listed read-only:\n{out}");
    }
    assert!(!out.contains("resume.vcf"), "no contact card without a name:\n{out}");
    assert_eq!(err.matches("Permission denied").count(), 5, "rm, mkdir, rename, put, chmod:\n{err}");
    let not_found = err.matches("not found").count() + err.matches("No such file").count();
    assert_eq!(not_found, 4, "passwd, /etc, ~root, nope:\n{err}");
    assert_eq!(read(&dir.join("resume.json")), exec(&server, "json").await);
    assert_eq!(read(&dir.join("resume.pdf")), exec(&server, "pdf").await);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn putty_pscp_and_psftp_download_with_the_host_key_pinned() {
    if !tool("pscp", "putty-tools") || !tool("psftp", "putty-tools") {
        return;
    }
    let (server, dir) = server_with_pdf("downloads-putty", "resume.toml").await;
    let port = server.addr.port().to_string();
    let putty = |program: &str| {
        let mut command = Command::new(program);
        command.args(["-batch", "-P", &port, "-hostkey", &server.fingerprint, "-l", "visitor"]);
        command
    };
    let pdf = exec(&server, "pdf").await;
    for mode in ["-sftp", "-scp"] {
        let to = dir.join(format!("pscp{mode}.pdf"));
        let output = run(putty("pscp").arg(mode).arg("127.0.0.1:resume.pdf").arg(&to)).await;
        assert_eq!(output.status.code(), Some(0), "pscp {mode}: {}", String::from_utf8_lossy(&output.stderr));
        assert_eq!(read(&to), pdf, "pscp {mode}");
    }
    std::fs::write(dir.join("batch"), "ls\nget resume.md\nrm resume.md\n").unwrap();
    let output = run(putty("psftp").current_dir(&dir).args(["-b", "batch", "-be", "127.0.0.1"])).await;
    let (out, err) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(out.contains("resume.pdf"), "{out}{err}");
    assert_eq!(read(&dir.join("resume.md")), exec(&server, "markdown").await);
    assert!(format!("{out}{err}").to_lowercase().contains("permission denied"), "{out}{err}");
    server.stop().await;
}

/// paramiko and asyncssh, Python's two SSH libraries, from Debian's packages.
const PYTHON_CLIENTS: &str = r#"
import asyncio, hashlib, sys, warnings
warnings.simplefilter("ignore")
import paramiko, asyncssh
port = int(sys.argv[1])

def with_paramiko():
    t = paramiko.Transport(("127.0.0.1", port))
    t.connect(username="visitor")
    t.auth_none("visitor")
    sftp = paramiko.SFTPClient.from_transport(t)
    names = sorted(sftp.listdir("."))
    mode = oct(sftp.stat("resume.pdf").st_mode)
    with sftp.open("resume.pdf") as f:
        pdf = f.read()
    try:
        sftp.open("x.txt", "w")
        write = "written"
    except IOError as err:
        write = "refused %s" % err.errno
    t.close()
    print("paramiko", ",".join(names), mode, hashlib.sha256(pdf).hexdigest(), write)

async def with_asyncssh():
    async with asyncssh.connect("127.0.0.1", port, username="visitor", known_hosts=None, password=None,
                                client_keys=None, preferred_auth="none") as conn:
        async with conn.start_sftp_client() as sftp:
            found = sorted(await sftp.glob("resume.*"))
            top = await sftp.realpath("..")
            async with sftp.open("resume.pdf", "rb") as f:
                pdf = await f.read()
            print("asyncssh", ",".join(found), top, hashlib.sha256(pdf).hexdigest())

with_paramiko()
asyncio.run(with_asyncssh())
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paramiko_and_asyncssh_list_stat_and_read_and_cannot_write() {
    let python = "/usr/bin/python3";
    let has_modules = std::process::Command::new(python)
        .args(["-c", "import paramiko, asyncssh"])
        .output()
        .is_ok_and(|out| out.status.success());
    if !has_modules {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but paramiko or asyncssh is missing");
        eprintln!("skipping: apt-get install python3-paramiko python3-asyncssh");
        return;
    }
    let (server, _dir) = server_with_pdf("downloads-python", "resume.toml").await;
    let output =
        run(Command::new(python).args(["-c", PYTHON_CLIENTS, &server.addr.port().to_string()])).await;
    let (out, err) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert_eq!(output.status.code(), Some(0), "{out}\n{err}");
    let digest = {
        use sha2::Digest;
        let pdf = exec(&server, "pdf").await;
        sha2::Sha256::digest(&pdf).iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    let names = "resume.json,resume.md,resume.pdf,resume.txt";
    assert!(out.contains(&format!("paramiko {names} 0o100444 {digest} refused 13")), "{out}\n{err}");
    assert!(out.contains(&format!("asyncssh {names} / {digest}")), "{out}\n{err}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_scp_downloads_at_once_while_a_visitor_reads() {
    if !tool("scp", "openssh-client") {
        return;
    }
    let (server, dir) = server_with_pdf("downloads-fifty", "resume.toml").await;
    let pdf = exec(&server, "pdf").await;
    let mut reader = Visitor::connect(server.addr, Visit::terminal(80, 24)).await;
    reader.wait_for_text("Staff Software Engineer").await;
    let downloads: Vec<_> = (0..50)
        .map(|index| {
            let to = dir.join(format!("{index}.pdf"));
            let mut command = scp(&server, index % 5 == 0);
            command.arg("127.0.0.1:resume.pdf").arg(&to);
            tokio::spawn(async move { (run(&mut command).await, to) })
        })
        .collect();
    // The visitor is served meanwhile: a section change arrives while the copies run.
    reader.send(b"3").await;
    reader.wait_for_text("Together.ai").await;
    for download in downloads {
        let (output, to) = download.await.unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
        assert_eq!(read(&to), pdf);
    }
    reader.send(b"q").await;
    reader.read_to_end().await;
    assert_eq!(reader.exit_status, Some(0));
    server.stop().await;
}

#[tokio::test]
async fn with_a_terminal_the_pdf_command_says_how_to_save_it() {
    let (server, _dir) = server_with_pdf("downloads-pty", "resume.toml").await;
    let mut visitor =
        Visitor::connect(server.addr, Visit { command: Some("pdf"), ..Visit::terminal(80, 24) }).await;
    visitor.read_to_end().await;
    let said = String::from_utf8_lossy(&visitor.stderr).into_owned();
    assert!(!visitor.stdout.windows(5).any(|w| w == b"%PDF-"), "no binary to a terminal");
    assert!(said.contains("pdf > resume.pdf") && said.contains(":resume.pdf ."), "{said}");
    assert_eq!(visitor.exit_status, Some(0));
    server.stop().await;
}

#[tokio::test]
async fn the_web_door_names_the_pdf_after_the_person_and_validates_it() {
    let (server, _dir) = server_with_pdf("downloads-web", "tests/fixtures/links.toml").await;
    let web = server.start_web(WebSettings::default()).await;
    let pdf = get(web, "/resume.pdf", &[]).await;
    assert_eq!((pdf.status, pdf.header("content-type")), (200, Some("application/pdf")));
    let disposition = pdf.header("content-disposition").unwrap();
    assert!(disposition.starts_with("inline; filename=\"Ada Example - resume.pdf\""), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''Ada%20Example%20-%20r%C3%A9sum%C3%A9.pdf"),
        "{disposition}"
    );
    let etag = pdf.header("etag").unwrap().to_owned();
    assert!(etag.starts_with('"'), "a strong validator: {etag}");
    let again = get(web, "/resume.pdf", &[("If-None-Match", &etag)]).await;
    assert_eq!((again.status, again.body.len()), (304, 0));
    let card = get(web, "/resume.vcf", &[]).await;
    assert_eq!((card.status, card.header("content-type")), (200, Some("text/vcard; charset=utf-8")));
    let card = card.text();
    assert!(
        card.starts_with("BEGIN:VCARD\r\nVERSION:3.0\r\n") && card.contains("FN:Ada Example\r\n"),
        "{card}"
    );
    assert!(card.contains("ada@example.org"), "{card}");
    let page = get(web, "/", &[("Accept", "text/html")]).await.decoded();
    let page = String::from_utf8(page).unwrap();
    assert!(page.contains("<a href=\"/resume.pdf\" type=\"application/pdf\">Download PDF</a>"), "{page}");
    assert!(page.contains("href=\"/resume.vcf\""));
    let scp = format!("<code>scp -P {} localhost:resume.pdf .</code>", server.addr.port());
    assert!(page.contains(&scp), "{scp} in {page}");
    server.stop().await;
}

#[tokio::test]
async fn without_a_name_there_is_no_contact_card_anywhere() {
    let (server, _dir) = server_with_pdf("downloads-no-card", "resume.toml").await;
    let web = server.start_web(WebSettings::default()).await;
    assert_eq!(get(web, "/resume.vcf", &[]).await.status, 404);
    let page = String::from_utf8(get(web, "/", &[("Accept", "text/html")]).await.decoded()).unwrap();
    assert!(!page.contains("resume.vcf") && page.contains("Download PDF"));
    server.stop().await;
}

#[tokio::test]
async fn a_pdf_that_is_not_there_is_not_available_and_everything_else_serves() {
    let dir = temp_dir("downloads-none");
    // A server that typesets nothing stands for a résumé that failed to typeset.
    let server = TestServer::launch(&dir.join("keys"), Launch::default()).await;
    let web = server.start_web(WebSettings::default()).await;
    assert_eq!(get(web, "/resume.pdf", &[]).await.status, 503);
    assert_eq!(get(web, "/resume.json", &[]).await.status, 200);
    let mut visitor = Visitor::connect(server.addr, Visit::no_pty(Some("pdf"))).await;
    visitor.read_to_end().await;
    assert_eq!(visitor.exit_status, Some(1));
    assert!(String::from_utf8_lossy(&visitor.stderr).contains("not available"));
    assert!(visitor.stdout.is_empty());
    server.stop().await;
}
