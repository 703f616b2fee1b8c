//! Runs one of our binaries as a child process and follows its JSON log lines, for tests of
//! start-up and signal handling.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

pub struct RunningBinary {
    child: Child,
    lines: Receiver<String>,
    pub seen: Vec<String>,
}

impl RunningBinary {
    /// Starts `binary` in `cwd` with only `vars` (and PATH) in its environment, JSON logs on.
    pub fn start(binary: &str, args: &[&str], cwd: &Path, vars: &[(&str, &str)]) -> Self {
        let mut command = Command::new(binary);
        command
            .args(args)
            .current_dir(cwd)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("LOG_FORMAT", "json")
            .envs(vars.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().unwrap_or_else(|e| panic!("cannot start {binary}: {e}"));
        let (tx, lines) = channel();
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        for stream in [Box::new(stdout) as Box<dyn std::io::Read + Send>, Box::new(stderr)] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        Self { child, lines, seen: Vec::new() }
    }

    /// Waits (up to 30 s) for a line containing `needle` and returns it.
    pub fn wait_for_line(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                    panic!("no line containing {needle:?}; output so far:\n{}", self.seen.join("\n"))
                }
            }
        }
    }

    /// Sends a signal by name (`TERM`, `INT`) through kill(1).
    pub fn signal(&self, name: &str) {
        let status =
            Command::new("kill").arg(format!("-{name}")).arg(self.child.id().to_string()).status().expect("run kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Waits (up to 30 s) for the process to exit, collecting the rest of its output.
    pub fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                // Give the reader threads a moment to drain what was printed last.
                while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(200)) {
                    self.seen.push(line);
                }
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the process did not exit; output:\n{}", self.seen.join("\n"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn output(&self) -> String {
        self.seen.join("\n")
    }
}

impl Drop for RunningBinary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A scratch directory removed on drop.
pub struct ScratchDir(pub std::path::PathBuf);

impl ScratchDir {
    pub fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("la-scratch-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        Self(dir)
    }
}

impl Default for ScratchDir {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The lifecycle every worker binary must have: it starts on local defaults and exits 0 on
/// `signal` (`TERM` or `INT`), saying so.
pub fn assert_stops_cleanly_on(binary: &str, name: &str, signal: &str) {
    let dir = ScratchDir::new();
    let mut process = RunningBinary::start(binary, &[], &dir.0, &[("APP_ENV", "local")]);
    process.wait_for_line(&format!("{name} started"));
    process.signal(signal);
    let status = process.wait_exit();
    assert!(status.success(), "exit {status:?}; output:\n{}", process.output());
    assert!(process.output().contains(&format!("{name} stopped")), "{}", process.output());
}

/// A binary given a production environment with nothing set exits 2 and lists the problems.
pub fn assert_refuses_empty_production(binary: &str) {
    let dir = ScratchDir::new();
    let mut process = RunningBinary::start(binary, &[], &dir.0, &[("APP_ENV", "production")]);
    let status = process.wait_exit();
    assert_eq!(status.code(), Some(2));
    let output = process.output();
    assert!(output.contains("DATABASE_URL is required") && output.contains("SECRET_KEY is required"), "{output}");
}

/// Checks `condition` every 50 ms until it holds; fails naming `what` after `within`.
pub async fn eventually<F, Fut>(within: Duration, what: &str, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + within;
    while !condition().await {
        assert!(Instant::now() < deadline, "not within {within:?}: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
