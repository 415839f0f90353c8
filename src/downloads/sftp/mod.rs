//! The `sftp` subsystem: what `scp host:resume.pdf .` (OpenSSH ≥ 9 copies over SFTP),
//! `sftp`, PuTTY's `pscp`/`psftp` and SFTP libraries talk to. [`serve`] runs one
//! session on any byte stream (a russh `ChannelStream` in the server, an in-memory
//! pipe in tests) and returns when the client is done, so the caller can then send
//! `exit-status 0`, EOF and close: without the exit status `scp` reports failure after
//! a complete download (shared/notes/downloads.md §3a).
//!
//! The loop is ours, not `russh_sftp::server::run`'s: that one spawns a task and
//! returns at once (nothing to await), keeps reading after a packet it refused for its
//! length (the stream is then mid-packet: every later reply is nonsense), and logs
//! through `log`. Here one request is read, answered and written before the next is
//! read, so a client that does not read its replies stalls on the channel's window
//! instead of growing a queue; a packet over [`MAX_PACKET_BYTES`] ends the session.

mod handler;

use std::io::ErrorKind;
use std::sync::Arc;

use bytes::Bytes;
use russh_sftp::protocol::{Packet, Status, StatusCode};
use russh_sftp::server::{Handler, StatusReply};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

pub use handler::{MAX_HANDLES, MAX_READ_BYTES, ReadOnly};

use super::files::{Directory, Downloads};

/// The longest request accepted, in bytes after the length field: OpenSSH's server's
/// bound (`sftp-common.h` `SFTP_MAX_MSG_LENGTH`, 256 KiB). Our longest legitimate
/// request is an OPEN of a path; a WRITE of OpenSSH's 32 KiB also fits (and is refused).
pub const MAX_PACKET_BYTES: u32 = 256 * 1024;

/// How a session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// The client closed its side: the normal end.
    Eof,
    /// A packet longer than [`MAX_PACKET_BYTES`] was announced (its length, in bytes).
    PacketTooLong(u32),
    /// Reading or writing the stream failed.
    Io(ErrorKind),
    /// A reply could not be encoded (a bug, not the client's doing).
    Encode(String),
}

/// What one session did, for the logs and the download counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub end: End,
    /// Requests answered.
    pub requests: u64,
    /// Files read to their end.
    pub downloads: Downloads,
}

/// Serves one SFTP session over `stream` from `directory` until the client closes it
/// or breaks the protocol. The stream is left open: the caller sends the exit status.
pub async fn serve<S>(stream: &mut S, directory: Arc<Directory>) -> Summary
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut handler = ReadOnly::new(directory);
    let mut requests = 0u64;
    let end = loop {
        let packet = match read_packet(stream).await {
            Ok(packet) => packet,
            Err(end) => break end,
        };
        let reply = answer(&mut handler, packet).await;
        if let Err(end) = write_packet(stream, reply).await {
            break end;
        }
        requests = requests.saturating_add(1);
    };
    Summary { end, requests, downloads: handler.downloads() }
}

/// One packet's body (type and payload), decoded; `Ok(None)` when it does not decode
/// (answered BAD_MESSAGE: its length was read, so the stream is still in step).
async fn read_packet<S: AsyncRead + Unpin>(stream: &mut S) -> Result<Option<Packet>, End> {
    let length = stream.read_u32().await.map_err(ended)?;
    if length > MAX_PACKET_BYTES {
        return Err(End::PacketTooLong(length));
    }
    let mut body = vec![0; usize::try_from(length).map_err(|_| End::PacketTooLong(length))?];
    stream.read_exact(&mut body).await.map_err(ended)?;
    Ok(Packet::try_from(&mut Bytes::from(body)).ok())
}

fn ended(err: std::io::Error) -> End {
    match err.kind() {
        ErrorKind::UnexpectedEof => End::Eof,
        kind => End::Io(kind),
    }
}

async fn write_packet<S: AsyncWrite + Unpin>(stream: &mut S, packet: Packet) -> Result<(), End> {
    let bytes = Bytes::try_from(packet).map_err(|err| End::Encode(err.to_string()))?;
    stream.write_all(&bytes).await.map_err(ended)?;
    stream.flush().await.map_err(ended)
}

/// The reply to one request (a packet that did not decode gets BAD_MESSAGE, as does a
/// reply-type packet a client has no business sending).
async fn answer<H: Handler<Error = StatusReply> + Send>(handler: &mut H, packet: Option<Packet>) -> Packet {
    let Some(packet) = packet else { return status(0, StatusCode::BadMessage.into()) };
    let id = packet.get_request_id();
    let reply = match packet {
        Packet::Init(p) => handler.init(p.version, p.extensions).await.map(Packet::from),
        Packet::Open(p) => handler.open(p.id, p.filename, p.pflags, p.attrs).await.map(Packet::from),
        Packet::Close(p) => handler.close(p.id, p.handle).await.map(Packet::from),
        Packet::Read(p) => handler.read(p.id, p.handle, p.offset, p.len).await.map(Packet::from),
        Packet::Write(p) => handler.write(p.id, p.handle, p.offset, p.data).await.map(Packet::from),
        Packet::Lstat(p) => handler.lstat(p.id, p.path).await.map(Packet::from),
        Packet::Fstat(p) => handler.fstat(p.id, p.handle).await.map(Packet::from),
        Packet::SetStat(p) => handler.setstat(p.id, p.path, p.attrs).await.map(Packet::from),
        Packet::FSetStat(p) => handler.fsetstat(p.id, p.handle, p.attrs).await.map(Packet::from),
        Packet::OpenDir(p) => handler.opendir(p.id, p.path).await.map(Packet::from),
        Packet::ReadDir(p) => handler.readdir(p.id, p.handle).await.map(Packet::from),
        Packet::Remove(p) => handler.remove(p.id, p.filename).await.map(Packet::from),
        Packet::MkDir(p) => handler.mkdir(p.id, p.path, p.attrs).await.map(Packet::from),
        Packet::RmDir(p) => handler.rmdir(p.id, p.path).await.map(Packet::from),
        Packet::RealPath(p) => handler.realpath(p.id, p.path).await.map(Packet::from),
        Packet::Stat(p) => handler.stat(p.id, p.path).await.map(Packet::from),
        Packet::Rename(p) => handler.rename(p.id, p.oldpath, p.newpath).await.map(Packet::from),
        Packet::ReadLink(p) => handler.readlink(p.id, p.path).await.map(Packet::from),
        Packet::Symlink(p) => handler.symlink(p.id, p.linkpath, p.targetpath).await.map(Packet::from),
        Packet::Extended(p) => handler.extended(p.id, p.request, p.data).await,
        _ => Err(StatusCode::BadMessage.into()),
    };
    reply.unwrap_or_else(|err| status(id, err))
}

fn status(id: u32, reply: StatusReply) -> Packet {
    let StatusReply { status_code, error_message, language_tag } = reply;
    Packet::Status(Status {
        id,
        status_code,
        error_message: error_message.unwrap_or_else(|| status_code.to_string()),
        language_tag: language_tag.unwrap_or_else(|| "en-US".to_owned()),
    })
}

#[cfg(test)]
mod tests;
