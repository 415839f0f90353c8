use std::collections::HashMap;
use std::time::{Duration, UNIX_EPOCH};

use russh_sftp::client::SftpSession;
use russh_sftp::client::error::Error as ClientError;
use russh_sftp::protocol::{
    Close, FileAttributes, Init, Open, OpenDir, OpenFlags, Read, ReadDir, Stat, Write,
};
use tokio::io::{AsyncReadExt, DuplexStream};
use tokio::task::JoinHandle;

use super::*;
use crate::downloads::files::FileName;
use crate::resume::{Loaded, load};

/// Big enough that replies never wait on the pipe unless a test wants them to.
const PIPE_BYTES: usize = 1 << 20;

fn directory() -> Arc<Directory> {
    let toml = "[basics]\nname = \"Ada Lovelace\"\nlabel = \"Analyst\"\nemail = \"ada@example.org\"\n";
    let loaded = Loaded::from_resume(load::parse_str(toml, "test.toml").expect("loads"));
    // A stand-in PDF larger than one read, so downloads take several.
    let pdf: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    let modified = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    Arc::new(Directory::new(&loaded, Some(Bytes::from(pdf)), modified))
}

fn start(directory: Arc<Directory>, pipe: usize) -> (DuplexStream, JoinHandle<Summary>) {
    let (client, mut server) = tokio::io::duplex(pipe);
    let task = tokio::spawn(async move { serve(&mut server, directory).await });
    (client, task)
}

/// A client that speaks packets, for the requests a library would not send.
struct Wire(DuplexStream);

impl Wire {
    async fn send(&mut self, packet: Packet) {
        let bytes = Bytes::try_from(packet).expect("encodes");
        self.0.write_all(&bytes).await.expect("sent");
    }

    async fn receive(&mut self) -> Packet {
        let length = self.0.read_u32().await.expect("a reply");
        let mut body = vec![0; usize::try_from(length).unwrap()];
        self.0.read_exact(&mut body).await.expect("the whole reply");
        Packet::try_from(&mut Bytes::from(body)).expect("decodes")
    }

    async fn call(&mut self, packet: Packet) -> Packet {
        self.send(packet).await;
        self.receive().await
    }

    async fn init(directory: Arc<Directory>) -> (Self, JoinHandle<Summary>) {
        let (client, task) = start(directory, PIPE_BYTES);
        let mut wire = Wire(client);
        let reply = wire.call(Packet::Init(Init { version: 3, extensions: HashMap::new() })).await;
        assert!(matches!(reply, Packet::Version(v) if v.version == 3));
        (wire, task)
    }

    async fn open(&mut self, id: u32, path: &str, pflags: OpenFlags) -> Packet {
        let open = Open { id, filename: path.to_owned(), pflags, attrs: FileAttributes::empty() };
        self.call(Packet::Open(open)).await
    }
}

fn code(packet: &Packet) -> Option<StatusCode> {
    match packet {
        Packet::Status(status) => Some(status.status_code),
        _ => None,
    }
}

fn client_code(err: ClientError) -> Option<StatusCode> {
    match err {
        ClientError::Status(status) => Some(status.status_code),
        _ => None,
    }
}

#[tokio::test]
async fn a_client_lists_stats_and_downloads_every_file_byte_for_byte() {
    let directory = directory();
    let (client, task) = start(directory.clone(), PIPE_BYTES);
    let sftp = SftpSession::new(client).await.expect("the session starts");
    assert_eq!(sftp.canonicalize(".").await.unwrap(), "/");
    assert_eq!(sftp.canonicalize("..").await.unwrap(), "/");
    let mut listed: Vec<String> = sftp.read_dir("/").await.unwrap().map(|entry| entry.file_name()).collect();
    listed.sort();
    assert_eq!(
        listed,
        ["resume.json", "resume.md", "resume.pdf", "resume.txt", "resume.vcf"],
        ". and .. are skipped"
    );
    for file in directory.files() {
        let meta = sftp.metadata(file.name.as_str()).await.unwrap();
        assert_eq!(
            (meta.permissions, meta.size, meta.mtime),
            (Some(0o100_444), Some(file.size()), Some(1_700_000_000))
        );
        assert_eq!(
            sftp.read(format!("/{}", file.name.as_str())).await.unwrap(),
            file.bytes,
            "{}",
            file.name.as_str()
        );
    }
    assert_eq!(sftp.metadata("/").await.unwrap().permissions, Some(0o040_555));
    sftp.close().await.unwrap();
    let summary = task.await.unwrap();
    assert_eq!(summary.end, End::Eof, "the session ends when the client closes");
    assert!(
        FileName::ALL.into_iter().all(|name| summary.downloads.get(name) == 1),
        "{:?}",
        summary.downloads
    );
}

#[tokio::test]
async fn every_change_is_refused_and_every_other_path_is_not_found() {
    let (client, task) = start(directory(), PIPE_BYTES);
    let sftp = SftpSession::new(client).await.unwrap();
    let denied = Some(StatusCode::PermissionDenied);
    assert_eq!(sftp.create("upload.txt").await.err().and_then(client_code), denied);
    assert_eq!(sftp.write("resume.pdf", b"x").await.err().and_then(client_code), denied);
    assert_eq!(sftp.remove_file("resume.pdf").await.err().and_then(client_code), denied);
    assert_eq!(sftp.create_dir("new").await.err().and_then(client_code), denied);
    assert_eq!(sftp.remove_dir("/").await.err().and_then(client_code), denied);
    assert_eq!(sftp.rename("resume.pdf", "cv.pdf").await.err().and_then(client_code), denied);
    assert_eq!(sftp.symlink("link", "resume.pdf").await.err().and_then(client_code), denied);
    let mut attrs = FileAttributes::empty();
    attrs.permissions = Some(0o777);
    assert_eq!(sftp.set_metadata("resume.pdf", attrs).await.err().and_then(client_code), denied);
    for path in ["../../etc/passwd", "/etc", "/etc/passwd", "~root", "resume.pdf/x", "nope.pdf"] {
        assert_eq!(
            sftp.metadata(path).await.err().and_then(client_code),
            Some(StatusCode::NoSuchFile),
            "{path}"
        );
        assert_eq!(sftp.open(path).await.err().and_then(client_code), Some(StatusCode::NoSuchFile), "{path}");
    }
    assert_eq!(sftp.read_dir("/etc").await.err().and_then(client_code), Some(StatusCode::NoSuchFile));
    assert_eq!(sftp.read_dir("resume.pdf").await.err().and_then(client_code), Some(StatusCode::Failure));
    assert!(sftp.fs_info("/").await.unwrap().is_none(), "no statvfs extension is offered");
    sftp.close().await.unwrap();
    assert_eq!(task.await.unwrap().downloads.total(), 0);
}

#[tokio::test]
async fn a_read_never_returns_more_than_the_bound_or_than_asked() {
    let (mut wire, _task) = Wire::init(directory()).await;
    let Packet::Handle(handle) = wire.open(1, "resume.pdf", OpenFlags::READ).await else { panic!("opened") };
    let read = |id, offset, len| Packet::Read(Read { id, handle: handle.handle.clone(), offset, len });
    let Packet::Data(data) = wire.call(read(2, 0, u32::MAX)).await else { panic!("data") };
    assert_eq!(data.data.len(), usize::try_from(MAX_READ_BYTES).unwrap(), "clamped to the bound");
    let Packet::Data(data) = wire.call(read(3, 10, 7)).await else { panic!("data") };
    assert_eq!(data.data, (10..17u8).collect::<Vec<_>>(), "exactly what was asked");
    let Packet::Data(tail) = wire.call(read(4, 99_990, 1000)).await else { panic!("data") };
    assert_eq!(tail.data.len(), 10, "the last bytes");
    assert_eq!(
        code(&wire.call(read(5, 100_000, 1000)).await),
        Some(StatusCode::Eof),
        "end of file is a STATUS"
    );
    assert_eq!(code(&wire.call(read(6, u64::MAX, 1)).await), Some(StatusCode::Eof));
}

#[tokio::test]
async fn open_handles_are_bounded_and_closing_frees_them() {
    let (mut wire, _task) = Wire::init(directory()).await;
    let mut handles = Vec::new();
    for id in 0..u32::try_from(MAX_HANDLES).unwrap() {
        let Packet::Handle(handle) = wire.open(id, "resume.txt", OpenFlags::READ).await else {
            panic!("opened {id}")
        };
        handles.push(handle.handle);
    }
    assert_eq!(code(&wire.open(100, "resume.txt", OpenFlags::READ).await), Some(StatusCode::Failure));
    assert_eq!(
        code(&wire.call(Packet::OpenDir(OpenDir { id: 101, path: "/".into() })).await),
        Some(StatusCode::Failure)
    );
    let close = Packet::Close(Close { id: 102, handle: handles[0].clone() });
    assert_eq!(code(&wire.call(close).await), Some(StatusCode::Ok));
    assert!(
        matches!(wire.open(103, "resume.txt", OpenFlags::READ).await, Packet::Handle(_)),
        "one was freed"
    );
    let again = Packet::Close(Close { id: 104, handle: handles[0].clone() });
    assert_eq!(code(&wire.call(again).await), Some(StatusCode::Failure), "a closed handle is gone");
}

#[tokio::test]
async fn a_listing_is_dots_and_files_then_eof() {
    let (mut wire, _task) = Wire::init(directory()).await;
    let Packet::Handle(dir) = wire.call(Packet::OpenDir(OpenDir { id: 1, path: ".".into() })).await else {
        panic!()
    };
    let readdir = |id| Packet::ReadDir(ReadDir { id, handle: dir.handle.clone() });
    let Packet::Name(name) = wire.call(readdir(2)).await else { panic!("a listing") };
    let names: Vec<&str> = name.files.iter().map(|f| f.filename.as_str()).collect();
    assert_eq!(names, [".", "..", "resume.pdf", "resume.json", "resume.md", "resume.txt", "resume.vcf"]);
    assert!(name.files[2].longname.starts_with("-r--r--r-- "), "{}", name.files[2].longname);
    assert!(name.files[0].longname.starts_with("dr-xr-xr-x "), "{}", name.files[0].longname);
    assert_eq!(code(&wire.call(readdir(3)).await), Some(StatusCode::Eof));
    assert_eq!(code(&wire.call(readdir(4)).await), Some(StatusCode::Eof), "and stays at its end");
}

#[tokio::test]
async fn every_write_flag_is_refused_whatever_the_path() {
    let (mut wire, _task) = Wire::init(directory()).await;
    let flags =
        [OpenFlags::WRITE, OpenFlags::APPEND, OpenFlags::CREATE, OpenFlags::TRUNCATE, OpenFlags::EXCLUDE];
    for (id, flag) in (1..).zip(flags) {
        for path in ["resume.pdf", "new.txt", "/etc/passwd"] {
            let reply = wire.open(id, path, OpenFlags::READ | flag).await;
            assert_eq!(code(&reply), Some(StatusCode::PermissionDenied), "{flag:?} {path}");
        }
    }
    let write = Packet::Write(Write { id: 9, handle: "0".into(), offset: 0, data: vec![0; 32 * 1024] });
    assert_eq!(code(&wire.call(write).await), Some(StatusCode::PermissionDenied));
}

#[tokio::test]
async fn a_packet_over_the_bound_ends_the_session() {
    let (mut wire, task) = Wire::init(directory()).await;
    wire.0.write_all(&(MAX_PACKET_BYTES + 1).to_be_bytes()).await.unwrap();
    let summary = task.await.unwrap();
    assert_eq!(summary.end, End::PacketTooLong(MAX_PACKET_BYTES + 1));
    let (mut wire, _task) = Wire::init(directory()).await;
    let mut at_bound = vec![0u8; usize::try_from(MAX_PACKET_BYTES).unwrap() + 4];
    at_bound[..4].copy_from_slice(&MAX_PACKET_BYTES.to_be_bytes());
    at_bound[4] = 250; // a packet type SFTP v3 does not have
    wire.0.write_all(&at_bound).await.unwrap();
    assert_eq!(
        code(&wire.receive().await),
        Some(StatusCode::BadMessage),
        "read whole, answered, still in step"
    );
    let stat = Packet::Stat(Stat { id: 7, path: "resume.md".into() });
    assert!(matches!(wire.call(stat).await, Packet::Attrs(a) if a.id == 7));
}

#[tokio::test]
async fn a_client_that_reads_no_replies_gets_no_more_answered() {
    // Room for one 32 KiB reply, not two: the server answers INIT, OPEN and one READ,
    // blocks writing the next reply, and reads no further request meanwhile.
    let (client, task) = start(directory(), 40 * 1024);
    let mut wire = Wire(client);
    wire.send(Packet::Init(Init { version: 3, extensions: HashMap::new() })).await;
    let open = Open {
        id: 1,
        filename: "resume.pdf".into(),
        pflags: OpenFlags::READ,
        attrs: FileAttributes::empty(),
    };
    wire.send(Packet::Open(open)).await;
    for id in 2..66 {
        wire.send(Packet::Read(Read { id, handle: "0".into(), offset: 0, len: MAX_READ_BYTES })).await;
    }
    // On this one-thread runtime each yield lets the server run until it waits, and
    // the only thing it can wait for is room to write.
    for _ in 0..20 {
        tokio::task::yield_now().await;
    }
    drop(wire);
    let summary = task.await.unwrap();
    assert_eq!(summary.end, End::Io(ErrorKind::BrokenPipe), "stuck writing a reply when the client left");
    assert_eq!(summary.requests, 3, "64 reads were sent, one was answered");
}

#[tokio::test]
async fn a_pdf_that_did_not_typeset_is_named_unavailable() {
    let toml = "[basics]\nlabel = \"Analyst\"\n";
    let loaded = Loaded::from_resume(load::parse_str(toml, "test.toml").unwrap());
    let (mut wire, _task) = Wire::init(Arc::new(Directory::new(&loaded, None, UNIX_EPOCH))).await;
    let Packet::Status(status) = wire.open(1, "resume.pdf", OpenFlags::READ).await else { panic!("refused") };
    assert_eq!(status.status_code, StatusCode::NoSuchFile);
    assert_eq!(status.error_message, "resume.pdf is not available right now");
    let stat = Packet::Stat(Stat { id: 2, path: "resume.vcf".into() });
    assert_eq!(code(&wire.call(stat).await), Some(StatusCode::NoSuchFile), "no name, no card");
}
