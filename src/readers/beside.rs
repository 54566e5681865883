//! Temporary files beside a final name, for outputs that appear whole or not at all (written
//! under the temporary name, then renamed). Used by every writer: `--output`, `convert`,
//! charts and `--out-dir`.

use std::path::Path;

/// A temporary file in `path`'s folder, named `.NAME.XXXX<suffix>`, with the permissions
/// `File::create` would give (0666 less the umask; tempfile's default, 0600, would make
/// reports unreadable to anyone else).
pub fn temp_file(path: &Path, suffix: &str) -> std::io::Result<tempfile::NamedTempFile> {
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
