//! The read-only SFTP (version 3, draft-ietf-secsh-filexfer-02) answers over one
//! [`Directory`]: what `scp` (OpenSSH ≥ 9 speaks SFTP), `sftp`, `psftp` and libraries
//! ask, answered as OpenSSH's client insists (`sftp-client.c`): files are regular
//! (`S_IFREG | 0444`, else "not a regular file") with a size, a READ never returns
//! more than asked, the end of a file and of a listing is a STATUS EOF. Anything that
//! would change the directory is "Permission denied"; any path but the root and our
//! names is "No such file". Open handles are bounded ([`MAX_HANDLES`]); a read is
//! clamped to [`MAX_READ_BYTES`]. No path a visitor sends is kept or logged.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::UNIX_EPOCH;

use bytes::Bytes;
use russh_sftp::protocol::{
    Attrs, Data, File as Entry, FileAttributes, Handle, Name, OpenFlags, Packet, Status, StatusCode, Version,
};
use russh_sftp::server::{Handler, StatusReply};

use crate::downloads::files::{Directory, Downloads, File, FileName, Resolved};

/// Open handles one session may hold. A client holds one per open file or listing:
/// all five files and the directory open at once are six; OpenSSH and PuTTY hold one
/// or two at a time.
pub const MAX_HANDLES: usize = 16;

/// The most bytes one READ returns: the 32 KiB OpenSSH's client asks for
/// (`sftp-client.c` `DEFAULT_COPY_BUFLEN`), which also keeps Cyberduck and FileZilla
/// working (russh#549). A client asking for more gets this much and asks again.
pub const MAX_READ_BYTES: u32 = 32 * 1024;

/// `st_mode` of our files and of the directory (`<sys/stat.h>`).
const FILE_MODE: u32 = 0o100_444;
const DIR_MODE: u32 = 0o040_555;

/// Flags of an OPEN that would create or change a file.
fn writes(flags: OpenFlags) -> bool {
    let changing =
        OpenFlags::WRITE | OpenFlags::APPEND | OpenFlags::CREATE | OpenFlags::TRUNCATE | OpenFlags::EXCLUDE;
    flags.intersects(changing)
}

enum Opened {
    File { name: FileName, bytes: Bytes, read_to_end: bool },
    Dir { listed: bool },
}

/// One session's SFTP state: the directory it started with (a reload mid-session does
/// not change a file under a download), its open handles and what it downloaded.
pub struct ReadOnly {
    directory: Arc<Directory>,
    handles: HashMap<String, Opened>,
    next_handle: u64,
    downloads: Downloads,
}

impl ReadOnly {
    pub fn new(directory: Arc<Directory>) -> Self {
        Self { directory, handles: HashMap::new(), next_handle: 0, downloads: Downloads::default() }
    }

    /// The files read to their end so far.
    pub fn downloads(&self) -> Downloads {
        self.downloads
    }

    fn open_handle(&mut self, opened: Opened) -> Result<String, StatusReply> {
        if self.handles.len() >= MAX_HANDLES {
            return Err(StatusCode::Failure.with_message("too many open files"));
        }
        let handle = self.next_handle.to_string();
        self.next_handle = self.next_handle.wrapping_add(1);
        self.handles.insert(handle.clone(), opened);
        Ok(handle)
    }

    fn modified(&self) -> u32 {
        let seconds = self.directory.modified.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        u32::try_from(seconds).unwrap_or(u32::MAX)
    }

    fn file_attrs(&self, file: &File) -> FileAttributes {
        let time = Some(self.modified());
        let (uid, gid) = (Some(0), Some(0));
        FileAttributes {
            size: Some(file.size()),
            uid,
            gid,
            permissions: Some(FILE_MODE),
            atime: time,
            mtime: time,
            ..FileAttributes::empty()
        }
    }

    fn dir_attrs(&self) -> FileAttributes {
        let time = Some(self.modified());
        let (uid, gid) = (Some(0), Some(0));
        FileAttributes {
            size: Some(0),
            uid,
            gid,
            permissions: Some(DIR_MODE),
            atime: time,
            mtime: time,
            ..FileAttributes::empty()
        }
    }

    fn attrs_of(&self, path: &str) -> Result<FileAttributes, StatusReply> {
        match self.directory.resolve(path) {
            Resolved::Root => Ok(self.dir_attrs()),
            Resolved::File(file) => Ok(self.file_attrs(file)),
            Resolved::Unavailable(name) => Err(unavailable(name)),
            Resolved::NotFound => Err(StatusCode::NoSuchFile.into()),
        }
    }

    /// `.`, `..` and every file, as `ls -l` shows them.
    fn listing(&self) -> Vec<Entry> {
        let dots = [".", ".."].map(|name| Entry::new(name, self.dir_attrs()));
        let files =
            self.directory.files().iter().map(|file| Entry::new(file.name.as_str(), self.file_attrs(file)));
        dots.into_iter().chain(files).collect()
    }
}

fn unavailable(name: FileName) -> StatusReply {
    StatusCode::NoSuchFile.with_message(format!("{} is not available right now", name.as_str()))
}

fn denied() -> StatusReply {
    StatusCode::PermissionDenied.with_message("the résumé is read-only")
}

fn ok(id: u32) -> Status {
    Status {
        id,
        status_code: StatusCode::Ok,
        error_message: "Ok".to_owned(),
        language_tag: "en-US".to_owned(),
    }
}

impl Handler for ReadOnly {
    type Error = StatusReply;

    fn unimplemented(&self) -> StatusReply {
        StatusCode::OpUnsupported.into()
    }

    async fn init(
        &mut self,
        _version: u32,
        _extensions: HashMap<String, String>,
    ) -> Result<Version, StatusReply> {
        Ok(Version::new())
    }

    async fn open(
        &mut self,
        id: u32,
        path: String,
        flags: OpenFlags,
        _: FileAttributes,
    ) -> Result<Handle, StatusReply> {
        if writes(flags) {
            return Err(denied());
        }
        let opened = match self.directory.resolve(&path) {
            Resolved::File(file) => {
                Opened::File { name: file.name, bytes: file.bytes.clone(), read_to_end: false }
            }
            Resolved::Root => return Err(StatusCode::Failure.with_message("not a regular file")),
            Resolved::Unavailable(name) => return Err(unavailable(name)),
            Resolved::NotFound => return Err(StatusCode::NoSuchFile.into()),
        };
        Ok(Handle { id, handle: self.open_handle(opened)? })
    }

    async fn close(&mut self, id: u32, handle: String) -> Result<Status, StatusReply> {
        match self.handles.remove(&handle) {
            Some(_) => Ok(ok(id)),
            None => Err(StatusCode::Failure.with_message("no such handle")),
        }
    }

    async fn read(&mut self, id: u32, handle: String, offset: u64, len: u32) -> Result<Data, StatusReply> {
        let Some(Opened::File { name, bytes, read_to_end }) = self.handles.get_mut(&handle) else {
            return Err(StatusCode::Failure.with_message("not an open file"));
        };
        let size = bytes.len();
        let start = usize::try_from(offset).unwrap_or(usize::MAX);
        if start >= size {
            return Err(StatusCode::Eof.into());
        }
        let wanted = usize::try_from(len.min(MAX_READ_BYTES)).unwrap_or(0);
        let end = start.saturating_add(wanted).min(size);
        if end == size && !*read_to_end {
            *read_to_end = true;
            self.downloads.add(*name);
        }
        Ok(Data { id, data: bytes[start..end].to_vec() })
    }

    async fn write(&mut self, _: u32, _: String, _: u64, _: Vec<u8>) -> Result<Status, StatusReply> {
        Err(denied())
    }

    async fn lstat(&mut self, id: u32, path: String) -> Result<Attrs, StatusReply> {
        Ok(Attrs { id, attrs: self.attrs_of(&path)? })
    }

    async fn stat(&mut self, id: u32, path: String) -> Result<Attrs, StatusReply> {
        Ok(Attrs { id, attrs: self.attrs_of(&path)? })
    }

    async fn fstat(&mut self, id: u32, handle: String) -> Result<Attrs, StatusReply> {
        let attrs = match self.handles.get(&handle) {
            Some(Opened::File { name, .. }) => self.directory.get(*name).map(|file| self.file_attrs(file)),
            Some(Opened::Dir { .. }) => Some(self.dir_attrs()),
            None => None,
        };
        let attrs = attrs.ok_or_else(|| StatusCode::Failure.with_message("no such handle"))?;
        Ok(Attrs { id, attrs })
    }

    async fn setstat(&mut self, _: u32, _: String, _: FileAttributes) -> Result<Status, StatusReply> {
        Err(denied())
    }

    async fn fsetstat(&mut self, _: u32, _: String, _: FileAttributes) -> Result<Status, StatusReply> {
        Err(denied())
    }

    async fn opendir(&mut self, id: u32, path: String) -> Result<Handle, StatusReply> {
        match self.directory.resolve(&path) {
            Resolved::Root => Ok(Handle { id, handle: self.open_handle(Opened::Dir { listed: false })? }),
            Resolved::File(_) => Err(StatusCode::Failure.with_message("not a directory")),
            Resolved::Unavailable(name) => Err(unavailable(name)),
            Resolved::NotFound => Err(StatusCode::NoSuchFile.into()),
        }
    }

    /// The whole listing in one NAME, then EOF (paramiko loops without the EOF:
    /// AspectUnk/russh-sftp#27).
    async fn readdir(&mut self, id: u32, handle: String) -> Result<Name, StatusReply> {
        let listing = self.listing();
        match self.handles.get_mut(&handle) {
            Some(Opened::Dir { listed: false }) => {
                self.handles.insert(handle, Opened::Dir { listed: true });
                Ok(Name { id, files: listing })
            }
            Some(Opened::Dir { listed: true }) => Err(StatusCode::Eof.into()),
            _ => Err(StatusCode::Failure.with_message("not an open directory")),
        }
    }

    async fn remove(&mut self, _: u32, _: String) -> Result<Status, StatusReply> {
        Err(denied())
    }

    async fn mkdir(&mut self, _: u32, _: String, _: FileAttributes) -> Result<Status, StatusReply> {
        Err(denied())
    }

    async fn rmdir(&mut self, _: u32, _: String) -> Result<Status, StatusReply> {
        Err(denied())
    }

    /// The absolute name of `path`, resolved lexically: `.` and `..` are `/`.
    async fn realpath(&mut self, id: u32, path: String) -> Result<Name, StatusReply> {
        let absolute = match self.directory.resolve(&path) {
            Resolved::Root => "/".to_owned(),
            Resolved::File(file) => format!("/{}", file.name.as_str()),
            Resolved::Unavailable(name) => format!("/{}", name.as_str()),
            Resolved::NotFound => return Err(StatusCode::NoSuchFile.into()),
        };
        Ok(Name { id, files: vec![Entry::dummy(absolute)] })
    }

    async fn rename(&mut self, _: u32, _: String, _: String) -> Result<Status, StatusReply> {
        Err(denied())
    }

    async fn symlink(&mut self, _: u32, _: String, _: String) -> Result<Status, StatusReply> {
        Err(denied())
    }

    async fn extended(&mut self, _: u32, _: String, _: Vec<u8>) -> Result<Packet, StatusReply> {
        Err(StatusCode::OpUnsupported.into())
    }
}
