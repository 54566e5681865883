//! A report folder (`report --out-dir DIR` writes `DIR/<month>/`): files staged under
//! temporary names inside the folder, then moved into place together at [`Folder::commit`].
//!
//! Only what tokenledger writes is replaced or removed: the folder keeps every other file (a
//! user's invoice notes). A file a previous run wrote and this one does not (a chart with no
//! data this time) is removed, told by the list of names the previous run left in
//! `.tokenledger-files`; a file that list does not name is never touched. A failed run removes
//! its staged files and leaves the folder as it was; two runs at once take turns moving their
//! files in (a lock on the list), so the folder holds one run's complete set, never a mix.

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};

/// The list of the files the last run wrote, inside the folder.
pub const LIST: &str = ".tokenledger-files";

/// A report folder being written.
pub struct Folder {
    dir: PathBuf,
    staged: Vec<(String, tempfile::TempPath)>,
}

impl Folder {
    /// Creates the folder if needed; nothing in it changes until [`Folder::commit`].
    pub fn create(dir: &Path) -> io::Result<Folder> {
        std::fs::create_dir_all(dir)?;
        Ok(Folder {
            dir: dir.to_path_buf(),
            staged: Vec::new(),
        })
    }

    /// The folder's path.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// A writer for the file `name`, staged under a temporary name.
    pub fn writer(&mut self, name: &str) -> io::Result<BufWriter<File>> {
        let (file, path) = super::atomic::temp_file(&self.dir.join(name), ".tmp")?.into_parts();
        self.staged.push((name.to_string(), path));
        Ok(BufWriter::new(file))
    }

    /// A staged path for the file `name`, for writers that take a path (charts); it ends in
    /// the same extension as `name`.
    pub fn staged_path(&mut self, name: &str) -> io::Result<PathBuf> {
        let ext = Path::new(name)
            .extension()
            .map(|e| format!(".{}", e.to_string_lossy()))
            .unwrap_or_default();
        let (_, path) = super::atomic::temp_file(&self.dir.join(name), &ext)?.into_parts();
        let p = path.to_path_buf();
        self.staged.push((name.to_string(), path));
        Ok(p)
    }

    /// Moves every staged file into place (each keeping the permissions of the file it
    /// replaces) and removes the files the previous run wrote that this one did not. Returns
    /// the names written.
    pub fn commit(self) -> io::Result<Vec<String>> {
        let mut list = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(self.dir.join(LIST))?;
        // Another run committing into the same folder finishes first.
        list.lock()?;
        let mut before = String::new();
        list.read_to_string(&mut before)?;
        let mut written = Vec::with_capacity(self.staged.len());
        for (name, temp) in self.staged {
            super::atomic::replace(temp, &self.dir.join(&name))?;
            written.push(name);
        }
        for old in before.lines().map(str::trim).filter(|n| !n.is_empty()) {
            // Only plain names this list could hold: never a path out of the folder.
            let plain = Path::new(old).file_name().is_some_and(|f| f == old) && old != LIST;
            if plain && !written.iter().any(|w| w == old) {
                let p = self.dir.join(old);
                if std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_file()) {
                    std::fs::remove_file(&p)?;
                }
            }
        }
        list.set_len(0)?;
        list.rewind()?;
        for name in &written {
            writeln!(list, "{name}")?;
        }
        list.sync_all()?;
        list.unlock()?;
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn only_what_tokenledger_wrote_is_replaced_or_removed() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("2026-11");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("invoice-notes.txt"), "mine").unwrap();
        let write = |files: &[&str]| {
            let mut f = Folder::create(&dir).unwrap();
            for n in files {
                let mut w = f.writer(n).unwrap();
                write!(w, "{n} v2").unwrap();
                w.flush().unwrap();
            }
            f.commit().unwrap()
        };
        write(&["report.html", "failures.png"]);
        assert_eq!(
            names(&dir),
            [LIST, "failures.png", "invoice-notes.txt", "report.html"]
        );
        // The next run has no failures chart: the one the last run wrote goes, the user's
        // file stays.
        write(&["report.html"]);
        assert_eq!(names(&dir), [LIST, "invoice-notes.txt", "report.html"]);
        assert_eq!(
            std::fs::read_to_string(dir.join("invoice-notes.txt")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn a_failed_run_leaves_the_folder_as_it_was() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("m");
        let mut f = Folder::create(&dir).unwrap();
        writeln!(f.writer("report.md").unwrap(), "x").unwrap();
        let staged = f.staged_path("chart.png").unwrap();
        assert!(staged.to_string_lossy().ends_with(".png"));
        drop(f);
        assert!(names(&dir).is_empty(), "{:?}", names(&dir));
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("m");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("report.html"), "old").unwrap();
        std::fs::set_permissions(
            dir.join("report.html"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
        let mut f = Folder::create(&dir).unwrap();
        write!(f.writer("report.html").unwrap(), "new").unwrap();
        f.commit().unwrap();
        let m = std::fs::metadata(dir.join("report.html")).unwrap();
        assert_eq!(m.permissions().mode() & 0o777, 0o600);
        assert_eq!(
            std::fs::read_to_string(dir.join("report.html")).unwrap(),
            "new"
        );
    }

    #[test]
    fn a_list_naming_other_paths_removes_nothing_outside() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("m");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(root.path().join("outside.txt"), "keep").unwrap();
        std::fs::write(dir.join(LIST), "../outside.txt\n/etc/passwd\n").unwrap();
        Folder::create(&dir).unwrap().commit().unwrap();
        assert!(root.path().join("outside.txt").exists());
    }
}
