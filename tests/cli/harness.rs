//! One way to run the binary: `Tl::report().logs("logs/basic.csv").book("pricing/test.csv")
//! .args(["--by", "month"]).json()`, `.fails(2).stderr_has("...")`.
//!
//! Relative paths given to [`Tl::logs`], [`Tl::book`] and [`Tl::overlay`] are fixtures under
//! `tests/data/`; absolute paths are used as they are. The binary runs from the crate root
//! (where the bundled sample logs and price book are) unless [`Tl::current_dir`] says otherwise.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

/// The crate root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture under `tests/data/`, as the string the binary prints in messages.
pub fn fixture(p: &str) -> String {
    root().join("tests/data").join(p).display().to_string()
}

fn resolve(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        root().join("tests/data").join(p)
    }
}

/// A `tokenledger` invocation being put together.
#[must_use]
pub struct Tl {
    args: Vec<OsString>,
    dir: PathBuf,
    env: Vec<(OsString, OsString)>,
    stdin: Option<Vec<u8>>,
    temp: Option<tempfile::TempDir>,
    written: Vec<PathBuf>,
}

impl Tl {
    /// `tokenledger` with these arguments.
    pub fn cmd<I, S>(args: I) -> Tl
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Tl {
            args: args.into_iter().map(|a| a.as_ref().to_owned()).collect(),
            dir: root(),
            env: vec![],
            stdin: None,
            temp: None,
            written: vec![],
        }
    }
    pub fn report() -> Tl {
        Tl::cmd(["report"])
    }
    pub fn compare() -> Tl {
        Tl::cmd(["compare"])
    }
    pub fn chart(kind: &str) -> Tl {
        Tl::cmd(["chart", kind])
    }
    pub fn errors() -> Tl {
        Tl::cmd(["errors"])
    }
    pub fn convert() -> Tl {
        Tl::cmd(["convert"])
    }
    pub fn prices(sub: &str) -> Tl {
        Tl::cmd(["prices", sub])
    }

    /// One more argument.
    pub fn arg(mut self, a: impl AsRef<OsStr>) -> Tl {
        self.args.push(a.as_ref().to_owned());
        self
    }
    /// More arguments.
    pub fn args<I, S>(mut self, args: I) -> Tl
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }
    /// `--logs` (a fixture when relative).
    pub fn logs(self, p: impl AsRef<Path>) -> Tl {
        let p = resolve(p.as_ref());
        self.arg("--logs").arg(p)
    }
    /// `--pricing` (a fixture when relative).
    pub fn book(self, p: impl AsRef<Path>) -> Tl {
        let p = resolve(p.as_ref());
        self.arg("--pricing").arg(p)
    }
    /// `--pricing-overlay` (a fixture when relative).
    pub fn overlay(self, p: impl AsRef<Path>) -> Tl {
        let p = resolve(p.as_ref());
        self.arg("--pricing-overlay").arg(p)
    }
    /// Writes `contents` to `name` in this run's temporary folder and reads it with `--logs`;
    /// [`Out::file`] gives its path back for the messages that name it.
    pub fn log_text(mut self, name: &str, contents: impl AsRef<[u8]>) -> Tl {
        let p = self.temp_file(name, contents);
        self.arg("--logs").arg(p)
    }
    /// Writes a file into this run's temporary folder (kept until the [`Out`] is dropped).
    pub fn temp_file(&mut self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let dir = self
            .temp
            .get_or_insert_with(|| tempfile::tempdir().expect("temp dir"));
        let p = dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("temp subfolder");
        }
        std::fs::write(&p, contents).expect("write temp file");
        self.written.push(p.clone());
        p
    }
    /// Runs from another folder.
    pub fn current_dir(mut self, d: impl AsRef<Path>) -> Tl {
        self.dir = d.as_ref().to_path_buf();
        self
    }
    pub fn env(mut self, k: &str, v: &str) -> Tl {
        self.env.push((k.into(), v.into()));
        self
    }
    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Tl {
        self.stdin = Some(bytes.into());
        self
    }

    /// The process, for tests that drive it themselves (pipes, signals).
    pub fn command(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_tokenledger"));
        c.args(&self.args).current_dir(&self.dir);
        // The terminal the tests run in must not change the tables (tests set these).
        for var in [
            "COLUMNS",
            "NO_COLOR",
            "CLAUDE_CONFIG_DIR",
            "CODEX_HOME",
            "XDG_CONFIG_HOME",
        ] {
            c.env_remove(var);
        }
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c
    }

    /// Runs to completion, whatever the exit code.
    pub fn run(self) -> Out {
        let mut c = self.command();
        let o = match &self.stdin {
            None => c.stdin(Stdio::null()).output().expect("run tokenledger"),
            Some(bytes) => {
                let mut child = c
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("spawn tokenledger");
                let mut pipe = child.stdin.take().expect("stdin");
                let bytes = bytes.clone();
                let writer = std::thread::spawn(move || {
                    // The binary may stop reading early; a broken pipe is its business.
                    let _ = std::io::Write::write_all(&mut pipe, &bytes);
                });
                let o = child.wait_with_output().expect("wait for tokenledger");
                writer.join().expect("stdin writer");
                o
            }
        };
        Out {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
            args: self.args,
            files: self.written,
            _temp: self.temp,
        }
    }
    /// Runs and expects exit code 0.
    pub fn ok(self) -> Out {
        self.run().code(0)
    }
    /// Runs and expects this exit code.
    pub fn fails(self, code: i32) -> Out {
        assert_ne!(code, 0, "use ok() for success");
        self.run().code(code)
    }
    /// Runs with `--format json` (unless a format was given) and parses the output.
    pub fn json(self) -> Value {
        let has_format = self.args.iter().any(|a| a == "--format");
        let t = if has_format {
            self
        } else {
            self.args(["--format", "json"])
        };
        t.ok().json()
    }
}

/// What a run printed.
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    args: Vec<OsString>,
    files: Vec<PathBuf>,
    _temp: Option<tempfile::TempDir>,
}

impl Out {
    fn context(&self) -> String {
        format!(
            "tokenledger {:?}\n--- exit code {}\n--- stdout\n{}\n--- stderr\n{}",
            self.args, self.code, self.stdout, self.stderr
        )
    }
    /// Asserts the exit code.
    #[track_caller]
    pub fn code(self, code: i32) -> Out {
        assert_eq!(self.code, code, "{}", self.context());
        self
    }
    /// The output as JSON (the run must have succeeded).
    #[track_caller]
    pub fn json(&self) -> Value {
        assert_eq!(self.code, 0, "{}", self.context());
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.context()))
    }
    #[track_caller]
    pub fn stderr_has(&self, needle: &str) -> &Out {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}\n{}",
            self.context()
        );
        self
    }
    #[track_caller]
    pub fn stderr_lacks(&self, needle: &str) -> &Out {
        assert!(
            !self.stderr.contains(needle),
            "stderr has {needle:?}\n{}",
            self.context()
        );
        self
    }
    #[track_caller]
    pub fn stdout_has(&self, needle: &str) -> &Out {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}\n{}",
            self.context()
        );
        self
    }
    #[track_caller]
    pub fn stdout_lacks(&self, needle: &str) -> &Out {
        assert!(
            !self.stdout.contains(needle),
            "stdout has {needle:?}\n{}",
            self.context()
        );
        self
    }
    /// The n-th file written by [`Tl::log_text`] / [`Tl::temp_file`], as messages print it.
    pub fn file(&self, n: usize) -> String {
        self.files[n].display().to_string()
    }
}

/// The row of a JSON report whose `key` is `value`.
#[track_caller]
pub fn row<'a>(v: &'a Value, key: &str, value: &str) -> &'a Value {
    v["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r[key] == value)
        .unwrap_or_else(|| panic!("no row with {key}={value} in {v:#}"))
}
