//! Logging to stderr and to a size-capped file in the platform log directory.
//!
//! Secrets must never reach a log. The first line of defence is the type system: every secret is
//! a [`crate::secret::Secret`] whose `Debug` prints `[redacted]` and which has no `Display`. The
//! second is here: every line written is scrubbed of anything shaped like a JWT (statements and
//! access tokens are JWTs), so a careless `{:?}` of a raw string still leaks nothing.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::error::Error;

/// Default cap of the log file before it is rotated to `<name>.1` (one old file is kept).
pub const DEFAULT_MAX_BYTES: u64 = 5 * 1024 * 1024;

/// How to log.
#[derive(Debug, Clone)]
pub struct LogConfig {
    /// File name inside `dir`, e.g. `cmu-studio.log`.
    pub file_name: String,
    /// Directory of the log file.
    pub dir: PathBuf,
    /// Size cap of the current file.
    pub max_bytes: u64,
    /// Also write to stderr.
    pub stderr: bool,
    /// Filter used when `CMU_LOG` is not set, e.g. `info`.
    pub default_filter: String,
}

/// Installs the global subscriber. Returns the path of the log file. Call once per process.
pub fn init(config: &LogConfig) -> Result<PathBuf, Error> {
    let writer = CappedFile::open(&config.dir, &config.file_name, config.max_bytes)?;
    let path = writer.path();
    let filter = || {
        EnvFilter::try_from_env("CMU_LOG")
            .unwrap_or_else(|_| EnvFilter::new(&config.default_filter))
    };
    let file_layer = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(Scrubbing(writer))
        .with_filter(filter());
    let stderr_layer = config.stderr.then(|| {
        tracing_subscriber::fmt::layer()
            .with_writer(Scrubbing(StderrWriter))
            .with_filter(filter())
    });
    tracing_subscriber::registry()
        .with(file_layer)
        .with(stderr_layer)
        .try_init()
        .map_err(|e| Error::LocalIo(format!("logging is already initialised: {e}")))?;
    Ok(path)
}

/// Installs a stderr-only subscriber at `default_filter` (overridden by `CMU_LOG`), for the CLI,
/// whose stdout is reserved for results.
pub fn init_stderr_only(default_filter: &str) -> Result<(), Error> {
    let filter =
        EnvFilter::try_from_env("CMU_LOG").unwrap_or_else(|_| EnvFilter::new(default_filter));
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(Scrubbing(StderrWriter))
                .with_filter(filter),
        )
        .try_init()
        .map_err(|e| Error::LocalIo(format!("logging is already initialised: {e}")))
}

/// A log file that rotates to `<name>.1` when it would grow past its cap.
#[derive(Clone)]
pub struct CappedFile {
    inner: Arc<Mutex<CappedState>>,
}

struct CappedState {
    path: PathBuf,
    file: File,
    written: u64,
    max_bytes: u64,
}

impl CappedFile {
    /// Opens (appending) or creates the log file, creating the directory if needed.
    pub fn open(dir: &Path, file_name: &str, max_bytes: u64) -> Result<Self, Error> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("create the log folder", dir, &e))?;
        let path = dir.join(file_name);
        let file = open_append(&path).map_err(|e| Error::io("open the log file", &path, &e))?;
        let written = file.metadata().map(|m| m.len()).unwrap_or(0);
        Ok(Self {
            inner: Arc::new(Mutex::new(CappedState {
                path,
                file,
                written,
                max_bytes: max_bytes.max(1024),
            })),
        })
    }

    /// Path of the current log file.
    pub fn path(&self) -> PathBuf {
        match self.inner.lock() {
            Ok(state) => state.path.clone(),
            Err(poisoned) => poisoned.into_inner().path.clone(),
        }
    }
}

fn open_append(path: &Path) -> io::Result<File> {
    OpenOptions::new().create(true).append(true).open(path)
}

impl CappedState {
    fn write_line(&mut self, buf: &[u8]) -> io::Result<()> {
        if self.written + buf.len() as u64 > self.max_bytes && self.written > 0 {
            let old = self.path.with_extension("log.1");
            // Rotation failing must not stop logging: keep appending to the current file.
            if std::fs::rename(&self.path, &old).is_ok() {
                self.file = open_append(&self.path)?;
                self.written = 0;
            }
        }
        self.file.write_all(buf)?;
        self.written += buf.len() as u64;
        Ok(())
    }
}

impl Write for CappedFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut state = self
            .inner
            .lock()
            .map_err(|_| io::Error::other("log file lock poisoned"))?;
        state.write_line(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let mut state = self
            .inner
            .lock()
            .map_err(|_| io::Error::other("log file lock poisoned"))?;
        state.file.flush()
    }
}

impl<'a> MakeWriter<'a> for CappedFile {
    type Writer = CappedFile;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[derive(Clone, Copy)]
struct StderrWriter;

impl<'a> MakeWriter<'a> for StderrWriter {
    type Writer = io::Stderr;
    fn make_writer(&'a self) -> Self::Writer {
        io::stderr()
    }
}

/// Wraps a writer so each formatted event is scrubbed of JWT-shaped text before it is written.
struct Scrubbing<M>(M);

/// Buffers one event, scrubs it, writes it on drop (tracing formats one event per writer).
struct ScrubbingWriter<W: Write> {
    inner: W,
    buf: Vec<u8>,
}

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Scrubbing<M> {
    type Writer = ScrubbingWriter<M::Writer>;
    fn make_writer(&'a self) -> Self::Writer {
        ScrubbingWriter {
            inner: self.0.make_writer(),
            buf: Vec::with_capacity(256),
        }
    }
}

impl<W: Write> Write for ScrubbingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<W: Write> Drop for ScrubbingWriter<W> {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.buf);
        let clean = scrub_jwts(&text);
        // A failed log write has nowhere to be reported; dropping it is the only option.
        let _ = self.inner.write_all(clean.as_bytes());
        let _ = self.inner.flush();
    }
}

/// Replaces every JWT-shaped run (`eyJ…` header, dot, payload, dot, signature) with
/// `[redacted-jwt]`.
pub fn scrub_jwts(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i + 3 <= bytes.len() {
        let at_boundary = i == 0 || !is_b64url(bytes[i - 1]);
        if at_boundary && &bytes[i..i + 3] == b"eyJ" {
            let end = jwt_end(bytes, i);
            if let Some(end) = end {
                out.push_str(&text[copied..i]);
                out.push_str("[redacted-jwt]");
                i = end;
                copied = end;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    out
}

fn is_b64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// End of a JWT starting at `start`: two dots with base64url runs between them.
fn jwt_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    let mut dots = 0;
    let mut segment_len = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if is_b64url(b) {
            segment_len += 1;
        } else if b == b'.' && dots < 2 && segment_len > 0 {
            dots += 1;
            segment_len = 0;
        } else {
            break;
        }
        i += 1;
    }
    (dots == 2).then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubs_jwts_but_keeps_surrounding_text() {
        let line = "sent statement=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln ok";
        assert_eq!(scrub_jwts(line), "sent statement=[redacted-jwt] ok");
        let unsigned = "x eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0. y";
        assert_eq!(scrub_jwts(unsigned), "x [redacted-jwt] y");
    }

    #[test]
    fn leaves_ordinary_text_alone() {
        for s in ["", "eyJ", "eyJabc.def", "hello.world.again", "é eyJ.x"] {
            assert_eq!(scrub_jwts(s), s);
        }
    }

    #[test]
    fn capped_file_rotates_at_its_cap() {
        let dir = tempfile::tempdir().unwrap();
        let mut f = CappedFile::open(dir.path(), "t.log", 1024).unwrap();
        let line = vec![b'x'; 100];
        for _ in 0..25 {
            f.write_all(&line).unwrap();
        }
        let current = std::fs::metadata(dir.path().join("t.log")).unwrap().len();
        let old = std::fs::metadata(dir.path().join("t.log.1")).unwrap().len();
        assert!(current <= 1024, "current file {current} bytes");
        assert!(old <= 1024 && old > 0);
    }
}
