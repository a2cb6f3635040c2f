//! Starting and stopping the real server.

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Output, Stdio},
    time::{Duration, Instant},
};

use osprey_store::testing::TestDb;

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

/// A free TCP port on loopback.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running server; killed on drop.
pub struct Server {
    pub url: String,
    pub imap_port: u16,
    pub imaps_port: u16,
    pub pop3_port: u16,
    pub pop3s_port: u16,
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

    /// Starts the server on a fresh database, serving the built web app if `web`.
    pub async fn start(web: bool) -> Server {
        Self::start_with(web, &[]).await
    }

    /// Like [`start`](Self::start), with more `OSPREY_*` settings.
    pub async fn start_with(web: bool, env: &[(&str, &str)]) -> Server {
        let db = TestDb::new().await;
        let port = free_port();
        let web_dir = if web {
            repo_root().join("frontend/dist").display().to_string()
        } else {
            String::new()
        };
        let (imap_port, imaps_port) = (free_port(), free_port());
        let (pop3_port, pop3s_port) = (free_port(), free_port());
        let (smtp_port, submission_port, submissions_port) =
            (free_port(), free_port(), free_port());
        let mut server = Server {
            url: format!("http://127.0.0.1:{port}"),
            imap_port,
            imaps_port,
            pop3_port,
            pop3s_port,
            smtp_port,
            submission_port,
            submissions_port,
            web_dir,
            env: env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            db,
            child: None,
        };
        server.spawn();
        server.wait_ready().await;
        server
    }

    /// Starts the binary (again) on the same database, data directory and ports.
    pub fn spawn(&mut self) {
        let port = self.url.rsplit(':').next().unwrap().to_owned();
        let (imap_port, imaps_port) = (self.imap_port, self.imaps_port);
        let (pop3_port, pop3s_port) = (self.pop3_port, self.pop3s_port);
        let (smtp_port, submission_port, submissions_port) =
            (self.smtp_port, self.submission_port, self.submissions_port);
        let web_dir = self.web_dir.clone();
        let mut cmd = base_command(&self.db);
        cmd.arg("serve")
            .env("OSPREY_LISTEN_HTTP", format!("127.0.0.1:{port}"))
            .env("OSPREY_LISTEN_IMAP", format!("127.0.0.1:{imap_port}"))
            .env("OSPREY_LISTEN_IMAPS", format!("127.0.0.1:{imaps_port}"))
            .env("OSPREY_LISTEN_POP3", format!("127.0.0.1:{pop3_port}"))
            .env("OSPREY_LISTEN_POP3S", format!("127.0.0.1:{pop3s_port}"))
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
            .stderr(Stdio::null());
        self.child = Some(cmd.spawn().expect("start osprey"));
    }

    /// Kills the server with SIGKILL (no shutdown of any kind) and waits for it to die.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Restarts a killed server and waits until it is ready.
    pub async fn restart(&mut self) {
        self.spawn();
        self.wait_ready().await;
    }

    pub async fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = reqwest::Client::new();
        while Instant::now() < deadline {
            if let Ok(r) = client.get(format!("{}/readyz", self.url)).send().await
                && r.status().is_success()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("osprey did not become ready at {}", self.url);
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
