//! Starting and stopping the real server, and talking SMTP to it.

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Output, Stdio},
    time::{Duration, Instant},
};

use osprey_store::testing::TestDb;
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpStream,
};

pub const ADMIN_PASSWORD: &str = "Vivid-Harbor-42x";
pub const HOSTNAME: &str = "mail.e2e.example";

/// The `osprey` binary of this build (OSPREY_BIN overrides).
pub fn binary() -> PathBuf {
    if let Ok(p) = std::env::var("OSPREY_BIN") {
        return p.into();
    }
    // target/<profile>/deps/main-<hash> -> target/<profile>/osprey
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().unwrap().parent().unwrap().join("osprey");
    assert!(
        bin.is_file(),
        "{} is missing: build it with `cargo build -p osprey`",
        bin.display()
    );
    bin
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A free TCP port on loopback, picked at random below the kernel's ephemeral range
/// (32768 and up on Linux), so that the outgoing connections of other tests, which take
/// their local ports from that range, cannot occupy it between this check and the
/// server's bind. Two tests can still pick the same port; [`Server::start_with`] then
/// starts again on other ports.
pub fn free_port() -> u16 {
    use std::hash::{BuildHasher, Hasher};
    loop {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u32(std::process::id());
        let port = 20_000 + (h.finish() % 12_000) as u16;
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// How long a server may take to answer `/readyz` before a test gives up on it.
const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// How often a server that could not bind its ports is started again.
const START_ATTEMPTS: u32 = 5;

/// A running server; killed on drop.
pub struct Server {
    pub url: String,
    pub imap_port: u16,
    pub imaps_port: u16,
    pub pop3_port: u16,
    pub pop3s_port: u16,
    pub managesieve_port: u16,
    pub smtp_port: u16,
    pub submission_port: u16,
    pub submissions_port: u16,
    web_dir: String,
    /// More `OSPREY_*` settings for this server.
    env: Vec<(String, String)>,
    pub db: TestDb,
    child: Option<Child>,
}

impl Server {
    pub fn admin() -> String {
        format!("admin@{HOSTNAME}")
    }

    /// Starts the server on a fresh database; with `web`, `web_dir` names `frontend/dist`,
    /// otherwise it serves the web app the binary carries.
    pub async fn start(web: bool) -> Server {
        Self::start_with(web, &[]).await
    }

    /// Like [`start`](Self::start), with more `OSPREY_*` settings.
    pub async fn start_with(web: bool, env: &[(&str, &str)]) -> Server {
        let db = TestDb::new().await;
        let web_dir = if web {
            repo_root().join("frontend/dist").display().to_string()
        } else {
            String::new()
        };
        let mut server = Server {
            url: String::new(),
            imap_port: 0,
            imaps_port: 0,
            pop3_port: 0,
            pop3s_port: 0,
            managesieve_port: 0,
            smtp_port: 0,
            submission_port: 0,
            submissions_port: 0,
            web_dir,
            env: env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            db,
            child: None,
        };
        for attempt in 1..=START_ATTEMPTS {
            server.pick_ports();
            server.spawn();
            match server.wait_ready().await {
                Ok(()) => return server,
                Err(e) if attempt < START_ATTEMPTS && e.contains("cannot listen") => {
                    eprintln!("start attempt {attempt}: {e}; trying other ports");
                }
                Err(e) => panic!("{e}"),
            }
        }
        unreachable!("the last attempt returns or panics")
    }

    fn pick_ports(&mut self) {
        self.url = format!("http://127.0.0.1:{}", free_port());
        (self.imap_port, self.imaps_port) = (free_port(), free_port());
        (self.pop3_port, self.pop3s_port) = (free_port(), free_port());
        self.managesieve_port = free_port();
        (self.smtp_port, self.submission_port, self.submissions_port) =
            (free_port(), free_port(), free_port());
    }

    /// Where the server's standard error goes (all starts of this server, appended).
    fn log_path(&self) -> PathBuf {
        self.db.dir.join("osprey.log")
    }

    /// Starts the binary (again) on the same database, data directory and ports.
    pub fn spawn(&mut self) {
        let port = self.url.rsplit(':').next().unwrap().to_owned();
        let (imap_port, imaps_port) = (self.imap_port, self.imaps_port);
        let (pop3_port, pop3s_port) = (self.pop3_port, self.pop3s_port);
        let managesieve_port = self.managesieve_port;
        let (smtp_port, submission_port, submissions_port) =
            (self.smtp_port, self.submission_port, self.submissions_port);
        let web_dir = self.web_dir.clone();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path())
            .expect("open the server log");
        let mut cmd = base_command(&self.db);
        cmd.arg("serve")
            .env("OSPREY_LISTEN_HTTP", format!("127.0.0.1:{port}"))
            .env("OSPREY_LISTEN_IMAP", format!("127.0.0.1:{imap_port}"))
            .env("OSPREY_LISTEN_IMAPS", format!("127.0.0.1:{imaps_port}"))
            .env("OSPREY_LISTEN_POP3", format!("127.0.0.1:{pop3_port}"))
            .env("OSPREY_LISTEN_POP3S", format!("127.0.0.1:{pop3s_port}"))
            .env(
                "OSPREY_LISTEN_MANAGESIEVE",
                format!("127.0.0.1:{managesieve_port}"),
            )
            .env("OSPREY_LISTEN_SMTP", format!("127.0.0.1:{smtp_port}"))
            .env(
                "OSPREY_LISTEN_SUBMISSION",
                format!("127.0.0.1:{submission_port}"),
            )
            .env(
                "OSPREY_LISTEN_SUBMISSIONS",
                format!("127.0.0.1:{submissions_port}"),
            )
            .env("OSPREY_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("OSPREY_WEB_DIR", web_dir)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::null())
            .stderr(log);
        self.child = Some(cmd.spawn().expect("start osprey"));
    }

    /// Sets (or changes) an `OSPREY_*` setting for the next start.
    pub fn set_env(&mut self, key: &str, value: &str) {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.to_owned(), value.to_owned()));
    }

    /// The server process's id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(std::process::Child::id)
    }

    /// Kills the server with SIGKILL (no shutdown of any kind) and waits for it to die.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Restarts a killed server on the same ports and waits until it is ready.
    pub async fn restart(&mut self) {
        for attempt in 1..=START_ATTEMPTS {
            self.spawn();
            match self.wait_ready().await {
                Ok(()) => return,
                // Something else holds one of the ports for a moment: try again.
                Err(e) if attempt < START_ATTEMPTS && e.contains("cannot listen") => {
                    eprintln!("restart attempt {attempt}: {e}");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(e) => panic!("{e}"),
            }
        }
    }

    /// Waits until `/readyz` answers 200; an error if the process exits first or the
    /// time runs out, with the end of its log.
    async fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + READY_TIMEOUT;
        let client = reqwest::Client::new();
        while Instant::now() < deadline {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                self.child = None;
                return Err(format!(
                    "osprey exited ({status}) before it was ready at {}: {}",
                    self.url,
                    self.log_tail()
                ));
            }
            if let Ok(r) = client.get(format!("{}/readyz", self.url)).send().await
                && r.status().is_success()
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(format!(
            "osprey did not become ready at {} within {READY_TIMEOUT:?}: {}",
            self.url,
            self.log_tail()
        ))
    }

    /// The last lines of the server's log.
    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.log_path()).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `osprey` with the data directory and database of `db`, the mail listeners that the
/// tests do not use switched off, and nothing else configured.
pub fn base_command(db: &TestDb) -> Command {
    let mut cmd = Command::new(binary());
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("OSPREY_DATA_DIR", db.dir.join("data"))
        .env("OSPREY_DATABASE_URL", &db.url)
        .env("OSPREY_HOSTNAME", HOSTNAME)
        .env("OSPREY_LISTEN_IMAP", "")
        .env("OSPREY_LISTEN_IMAPS", "")
        .env("OSPREY_LISTEN_POP3", "")
        .env("OSPREY_LISTEN_POP3S", "")
        .env("OSPREY_LISTEN_SMTP", "")
        .env("OSPREY_LISTEN_SUBMISSION", "")
        .env("OSPREY_LISTEN_SUBMISSIONS", "")
        .env("RUST_LOG", "warn");
    cmd
}

/// Runs `osprey args...` against `db` with `input` on standard input.
pub fn osprey_with_input(db: &TestDb, args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = base_command(db)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run osprey");
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().expect("osprey finishes")
}

/// Runs `osprey args...` against `db` and returns its output.
pub fn osprey(db: &TestDb, args: &[&str]) -> Output {
    base_command(db).args(args).output().expect("run osprey")
}

/// The Python virtual environment `cargo xtask test` makes (`<target>/openapi-venv`)
/// with the pinned packages of `e2e/openapi/requirements.txt`.
pub fn venv() -> PathBuf {
    let venv = std::env::var_os("OSPREY_OPENAPI_VENV").map_or_else(
        || {
            // target/<profile>/deps/main-<hash> -> target/openapi-venv
            let exe = std::env::current_exe().unwrap();
            exe.ancestors().nth(3).unwrap().join("openapi-venv")
        },
        PathBuf::from,
    );
    assert!(
        venv.join("bin/python").is_file(),
        "{} is missing: run `cargo xtask check-openapi` or `cargo xtask test` (they install \
         e2e/openapi/requirements.txt there)",
        venv.display()
    );
    venv
}

/// A line-by-line client: sends `line` (if any) and reads the reply up to its last line
/// (`NNN ` for SMTP).
pub struct SmtpTalk(BufReader<TcpStream>);

impl SmtpTalk {
    pub async fn open(port: u16) -> (SmtpTalk, String) {
        let tcp = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let mut talk = SmtpTalk(BufReader::new(tcp));
        let greeting = talk.read_until(|_| true).await;
        (talk, greeting)
    }

    pub async fn read_until(&mut self, last: impl Fn(&str) -> bool) -> String {
        let mut out = String::new();
        loop {
            let mut line = String::new();
            let n = tokio::time::timeout(Duration::from_secs(10), self.0.read_line(&mut line))
                .await
                .expect("an answer within 10 s")
                .unwrap();
            out.push_str(&line);
            if n == 0 || last(&line) {
                return out;
            }
        }
    }

    /// An SMTP command and its (possibly multi-line) reply.
    pub async fn smtp(&mut self, line: &str) -> String {
        self.0.get_mut().write_all(line.as_bytes()).await.unwrap();
        self.read_until(|l| l.as_bytes().get(3) == Some(&b' '))
            .await
    }

    /// Sends one message from `from` to each of `to` over a fresh session; returns the
    /// replies to RCPT (one per recipient) and to the end of the data.
    pub async fn send(port: u16, from: &str, to: &[&str], subject: &str) -> (Vec<String>, String) {
        let (mut smtp, _) = SmtpTalk::open(port).await;
        smtp.smtp("EHLO client.example\r\n").await;
        smtp.smtp(&format!("MAIL FROM:<{from}>\r\n")).await;
        let mut rcpts = Vec::new();
        for rcpt in to {
            rcpts.push(smtp.smtp(&format!("RCPT TO:<{rcpt}>\r\n")).await);
        }
        let mut end = String::new();
        if rcpts.iter().any(|r| r.starts_with("250")) {
            smtp.smtp("DATA\r\n").await;
            end = smtp
                .smtp(&format!(
                    "From: <{from}>\r\nSubject: {subject}\r\n\r\nHello.\r\n.\r\n"
                ))
                .await;
        }
        smtp.smtp("QUIT\r\n").await;
        (rcpts, end)
    }
}
