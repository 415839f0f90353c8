//! Where log lines go: appended to a bounded in-memory batch under a lock held for one
//! copy, and written to stderr by a background thread that wakes on its own timer,
//! every [`WRITE_EVERY`], never because a line was logged.
//!
//! Why not a queue whose writer wakes per line (`tracing_appender::non_blocking`): every
//! wake-up of that thread is a switch on the core serving visitors, and each switch
//! lets anything else runnable on that core (another build, a cron job) take it for
//! a whole scheduler slice. With a busy loop beside the server on its core, a visit that logged
//! one line was three times as likely as the bare russh server's to take over 2 ms
//! (`BENCHMARKS.md`, "The first frame's tail"). Here a visit's thread only copies its
//! line; the writes come in batches, at most [`WRITE_EVERY`] late.
//!
//! Bounds: at most [`MAX_PENDING_BYTES`] wait; lines beyond are dropped and counted,
//! and the count is logged once there is room. What is pending is written when the
//! [`Guard`] is dropped (at exit), waiting at most [`LAST_WRITE_WAIT`] for stderr. Not
//! here: formatting (tracing-subscriber's `fmt`).

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use tracing_subscriber::fmt::MakeWriter;

/// How long a line may wait before it is written.
pub const WRITE_EVERY: Duration = Duration::from_millis(100);
/// Most bytes of log lines waiting to be written; lines beyond are dropped.
pub const MAX_PENDING_BYTES: usize = 4 * 1024 * 1024;
/// Capacity the writer keeps between batches, in bytes: a flood's buffers are not held.
const KEPT_CAPACITY: usize = 64 * 1024;

/// The lines waiting, shared by every thread that logs and the writer thread.
struct Pending {
    batch: Mutex<Vec<u8>>,
    /// Lines dropped because the batch was full, not yet reported.
    dropped: AtomicU64,
    stop: AtomicBool,
}

impl Pending {
    fn batch(&self) -> MutexGuard<'_, Vec<u8>> {
        self.batch.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The `MakeWriter` given to tracing-subscriber: each event is one `write` of its line.
#[derive(Clone)]
pub struct BatchWriter {
    pending: Arc<Pending>,
}

/// Writes the pending lines when dropped, and stops the writer thread.
pub struct Guard {
    pending: Arc<Pending>,
    thread: Option<JoinHandle<()>>,
    /// Says when the writer thread has written its last batch.
    done: std::sync::mpsc::Receiver<()>,
    /// How long the drop waits for that.
    last_write_wait: Duration,
}

/// How long the guard waits for the last batch to be written: a stderr that no longer
/// takes anything (a full pipe nobody reads) must not keep the process from exiting.
pub const LAST_WRITE_WAIT: Duration = Duration::from_secs(1);

/// Starts the writer thread writing to `out` every `every`; the writer is for the
/// subscriber, the guard for `main` to hold.
pub fn start<W: Write + Send + 'static>(out: W, every: Duration) -> io::Result<(BatchWriter, Guard)> {
    start_waiting(out, every, LAST_WRITE_WAIT)
}

/// [`start`], the guard waiting at most `last_write_wait` for the last batch.
fn start_waiting<W: Write + Send + 'static>(
    out: W,
    every: Duration,
    last_write_wait: Duration,
) -> io::Result<(BatchWriter, Guard)> {
    let writer = BatchWriter::new();
    let pending = writer.pending.clone();
    let (finished, done) = std::sync::mpsc::channel();
    let thread = std::thread::Builder::new().name("log-writer".into()).spawn(move || {
        run(&pending, out, every);
        let _ = finished.send(());
    })?;
    Ok((writer.clone(), Guard { pending: writer.pending, thread: Some(thread), done, last_write_wait }))
}

/// The writer thread: a batch per wake-up until stopped, then the last one.
fn run<W: Write>(pending: &Pending, mut out: W, every: Duration) {
    let mut spare = Vec::new();
    loop {
        std::thread::park_timeout(every);
        let stopping = pending.stop.load(Ordering::Acquire);
        write_batch(pending, &mut out, &mut spare);
        if stopping {
            return;
        }
    }
}

/// Writes what is pending to `out`, after a warning if lines were dropped; `spare` is
/// the batch the lines are swapped into, kept between calls.
fn write_batch<W: Write>(pending: &Pending, out: &mut W, spare: &mut Vec<u8>) {
    let dropped = pending.dropped.swap(0, Ordering::Relaxed);
    if dropped > 0 {
        // Through the subscriber, so it has the format of every other line; it goes
        // into this batch.
        tracing::warn!(dropped, "log lines were dropped: they came faster than stderr took them");
    }
    std::mem::swap(&mut *pending.batch(), spare);
    if !spare.is_empty() {
        // Nowhere to report a failing stderr; the lines are lost, the server goes on.
        let _ = out.write_all(spare).and_then(|()| out.flush());
        spare.clear();
        spare.shrink_to(KEPT_CAPACITY);
    }
}

impl BatchWriter {
    fn new() -> Self {
        let pending = Pending {
            batch: Mutex::new(Vec::new()),
            dropped: AtomicU64::new(0),
            stop: AtomicBool::new(false),
        };
        Self { pending: Arc::new(pending) }
    }
}

impl<'a> MakeWriter<'a> for BatchWriter {
    type Writer = &'a BatchWriter;

    fn make_writer(&'a self) -> Self::Writer {
        self
    }
}

impl Write for &BatchWriter {
    fn write(&mut self, line: &[u8]) -> io::Result<usize> {
        let mut batch = self.pending.batch();
        if batch.len() + line.len() <= MAX_PENDING_BYTES {
            batch.extend_from_slice(line);
        } else {
            drop(batch);
            self.pending.dropped.fetch_add(1, Ordering::Relaxed);
        }
        Ok(line.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.pending.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            // Joined only once it has finished; otherwise left behind, blocked on stderr.
            if self.done.recv_timeout(self.last_write_wait).is_ok() {
                let _ = thread.join();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink the test reads after the writer is done.
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// A writer thread that only writes when the guard goes (its timer never fires).
    fn started(sink: &Sink) -> (BatchWriter, Guard) {
        start(sink.clone(), Duration::from_secs(3600)).unwrap()
    }

    #[test]
    fn every_line_is_written_in_order_when_the_guard_goes() {
        let sink = Sink::default();
        let (writer, guard) = started(&sink);
        for n in 0..1000 {
            writeln!(&mut writer.make_writer(), "line {n}").unwrap();
        }
        drop(guard);
        let written = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        let expected: String = (0..1000).map(|n| format!("line {n}\n")).collect();
        assert_eq!(written, expected);
    }

    /// A stderr that takes nothing until the test lets it.
    struct Stuck(std::sync::mpsc::Receiver<()>);

    impl Write for Stuck {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            let _ = self.0.recv();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_stderr_that_takes_nothing_does_not_keep_the_process_from_exiting() {
        let (release, stuck) = std::sync::mpsc::channel();
        let (writer, guard) =
            start_waiting(Stuck(stuck), Duration::from_secs(3600), Duration::from_millis(1)).unwrap();
        writeln!(&mut writer.make_writer(), "a line nobody reads").unwrap();
        // The drop returns with the writer still blocked (nothing timed: it only has to
        // return at all).
        drop(guard);
        release.send(()).unwrap();
    }

    #[test]
    fn lines_beyond_the_bound_are_dropped_and_counted() {
        let writer = BatchWriter::new(); // no thread: the test drains it
        let line = vec![b'x'; 1024];
        let fits = MAX_PENDING_BYTES / line.len();
        for _ in 0..fits + 10 {
            assert_eq!((&writer).write(&line).unwrap(), line.len(), "a full batch is not an error");
        }
        assert_eq!(writer.pending.batch().len(), fits * line.len());
        assert_eq!(writer.pending.dropped.load(Ordering::Relaxed), 10);
        let (mut sink, mut spare) = (Sink::default(), Vec::new());
        write_batch(&writer.pending, &mut sink, &mut spare);
        // No subscriber in this test: the count's own warning goes nowhere.
        assert_eq!(sink.0.lock().unwrap().len(), fits * line.len());
        assert_eq!(writer.pending.dropped.load(Ordering::Relaxed), 0, "the count was reported");
        assert!(writer.pending.batch().is_empty());
        assert!(spare.capacity() <= KEPT_CAPACITY, "a flood's buffer is not kept");
    }
}
