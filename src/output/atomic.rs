//! Files that appear whole or not at all: written under a temporary name beside the final one,
//! then renamed over it. Every file tokenledger writes goes through here (`--output`, `convert`,
//! charts, `--out-dir`, `prices update`).
//!
//! Replacing a file keeps what the user set on it: its permissions (a report made private
//! with `chmod 600` stays private) and a symbolic link (the link's target is replaced, the link
//! stays). A device or FIFO (`-o /dev/stdout`) is written in place. Without a commit the
//! temporary file is removed.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

/// A temporary file in `path`'s folder, named `.NAME.XXXX<suffix>`, with the permissions
/// `File::create` would give (0666 less the umask; tempfile's default, 0600, would make
/// reports unreadable to anyone else).
pub fn temp_file(path: &Path, suffix: &str) -> io::Result<tempfile::NamedTempFile> {
    let path = target(path);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut b = tempfile::Builder::new();
    b.prefix(&prefix).suffix(suffix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    b.tempfile_in(dir)
}

/// True when `path` exists and is neither a regular file nor a folder (a device, a FIFO, a
/// link to one): written in place, since it cannot be renamed over.
pub fn special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// The file a write to `path` replaces: `path`, or the file a symbolic link there points to
/// (so the link survives the rename).
fn target(path: &Path) -> PathBuf {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    }
}

/// Moves a finished temporary file over `path`, keeping the permissions of the file it
/// replaces.
pub fn replace(temp: tempfile::TempPath, path: &Path) -> io::Result<()> {
    let path = target(path);
    if let Ok(m) = std::fs::metadata(&path) {
        if m.is_file() {
            std::fs::set_permissions(&temp, m.permissions())?;
        }
    }
    temp.persist(&path).map_err(|e| e.error)
}

/// A file written under a temporary name in its folder and moved over `path` by
/// [`AtomicFile::commit`] (see the module's comment).
pub struct AtomicFile {
    path: PathBuf,
    w: BufWriter<tempfile::NamedTempFile>,
}

impl AtomicFile {
    pub fn create(path: &Path) -> anyhow::Result<AtomicFile> {
        let tmp =
            temp_file(path, ".tmp").with_context(|| format!("cannot create {}", path.display()))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            w: BufWriter::with_capacity(1 << 16, tmp),
        })
    }

    pub fn commit(self) -> anyhow::Result<()> {
        let path = self.path;
        let cannot = || format!("cannot write {}", path.display());
        let tmp = self
            .w
            .into_inner()
            .map_err(|e| e.into_error())
            .with_context(cannot)?;
        tmp.as_file().sync_all().with_context(cannot)?;
        replace(tmp.into_temp_path(), &path).with_context(cannot)
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.w.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}

/// Where a command writes: standard output, or a file that appears under its name only when
/// complete ([`Output::commit`]).
pub enum Output {
    Stdout(BufWriter<io::StdoutLock<'static>>),
    File(AtomicFile),
    /// A device or FIFO named as the output.
    Direct(BufWriter<std::fs::File>),
}

impl Output {
    /// Opens `--output` (`None` or `-`: standard output) for writing.
    pub fn open(path: Option<&PathBuf>) -> anyhow::Result<Output> {
        Ok(match path {
            Some(p) if p.as_os_str() != "-" && !special(p) => Output::File(AtomicFile::create(p)?),
            Some(p) if p.as_os_str() != "-" => Output::Direct(BufWriter::new(
                std::fs::OpenOptions::new()
                    .write(true)
                    .open(p)
                    .with_context(|| format!("cannot write {}", p.display()))?,
            )),
            _ => Output::Stdout(BufWriter::new(io::stdout().lock())),
        })
    }

    /// Flushes and, for a file, moves it into place. Until then a file output is a temporary
    /// file beside it, removed if the command fails.
    pub fn commit(self) -> anyhow::Result<()> {
        match self {
            Output::Stdout(mut w) => Ok(w.flush()?),
            Output::File(f) => f.commit(),
            Output::Direct(mut w) => Ok(w.flush()?),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(w) => w.write(buf),
            Output::File(f) => f.write(buf),
            Output::Direct(w) => w.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
            Output::File(f) => f.flush(),
            Output::Direct(w) => w.flush(),
        }
    }
}
