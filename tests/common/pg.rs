//! A throwaway PostgreSQL cluster for the tests: `initdb` into a temporary directory, a unix
//! socket in it, a free port, trust authentication for a `billctl` superuser, stopped when the
//! test process exits. Running as root (as CI does), the cluster runs as the unprivileged
//! `postgres` user (or `nobody`). Each test gets a database of its own.
//!
//! Without Postgres's server binaries, [`cluster`] says once, on stderr, that the Postgres tests
//! are skipped and why, and returns `None`; with `BILLCTL_REQUIRE_POSTGRES=1` (set by
//! `.ci/run`) a missing Postgres fails instead.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Set to make a missing Postgres a failure rather than a skip.
pub const REQUIRE_ENV: &str = "BILLCTL_REQUIRE_POSTGRES";

pub struct Cluster {
    /// Holds the cluster's directory until the process exits (a private cluster's, until it
    /// is dropped).
    dir: tempfile::TempDir,
    /// A private cluster ([`Cluster::private`]) is stopped when dropped; the shared one at exit.
    private: bool,
    data: PathBuf,
    socket_dir: PathBuf,
    port: u16,
    bin: PathBuf,
    run_as: Option<String>,
    /// The CA that signed the server's certificate, when TLS over TCP is on (it needs the
    /// `openssl` command).
    ca: Option<PathBuf>,
}

static CLUSTER: OnceLock<Option<Cluster>> = OnceLock::new();
/// The shared cluster's stopper, with the write end of the pipe it waits on (its stdin),
/// never written or closed: when this process ends, however it ends (a SIGKILL too), the kernel closes it, the
/// stopper reads end of file, stops the cluster and removes its directory (statics are never
/// dropped, so the `TempDir` would stay behind).
static STOP: OnceLock<std::process::Child> = OnceLock::new();
static NEXT_DB: AtomicUsize = AtomicUsize::new(0);

/// The shared cluster, started on first use; `None` when Postgres is not installed (and not
/// required).
pub fn cluster() -> Option<&'static Cluster> {
    CLUSTER
        .get_or_init(|| match bin_dir() {
            Some(bin) => Some(Cluster::start(bin, false)),
            None if std::env::var_os(REQUIRE_ENV).is_some() => {
                panic!("{REQUIRE_ENV} is set but no PostgreSQL server binaries (initdb, pg_ctl) were found: install Debian's postgresql package")
            }
            None => {
                eprintln!("note: the Postgres tests are skipped: no PostgreSQL server binaries (initdb, pg_ctl) found in /usr/lib/postgresql/*/bin or on PATH; install Debian's postgresql package (CI sets {REQUIRE_ENV}=1, which makes this a failure)");
                None
            }
        })
        .as_ref()
}

/// Where `initdb` and `pg_ctl` are: Debian keeps them in /usr/lib/postgresql/N/bin.
fn bin_dir() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .collect();
    dirs.sort();
    dirs.reverse();
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    dirs.into_iter().find(|d| {
        d.join("initdb").is_file() && d.join("pg_ctl").is_file() && d.join("postgres").is_file()
    })
}

fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// A command for `bin`, run as `user` when given (through runuser).
fn as_user(user: Option<&str>, bin: &Path) -> Command {
    match user {
        Some(u) => {
            let mut c = Command::new("runuser");
            c.args(["-u", u, "--"]).arg(bin);
            c
        }
        None => Command::new(bin),
    }
}

impl Cluster {
    /// A cluster of the caller's own, for a test that stops or restarts it (the shared one
    /// serves every other test at once); `None` as for [`cluster`]. Stopped when dropped.
    #[allow(dead_code)]
    pub fn private() -> Option<Cluster> {
        cluster()?;
        bin_dir().map(|bin| Cluster::start(bin, true))
    }

    /// Restarts the server (a fast shutdown: every connection is ended), and returns once it
    /// accepts connections again.
    #[allow(dead_code)]
    pub fn restart(&self) {
        let out = as_user(self.run_as.as_deref(), &self.bin.join("pg_ctl"))
            .args(["-D", self.data.to_str().unwrap(), "-l"])
            .arg(self.dir.path().join("log"))
            .args(["-m", "fast", "-w", "-t", "120", "restart"])
            .output()
            .expect("pg_ctl runs");
        assert!(
            out.status.success(),
            "pg_ctl restart failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn start(bin: PathBuf, private: bool) -> Cluster {
        let run_as = is_root().then(|| {
            ["postgres", "nobody"]
                .into_iter()
                .find(|u| succeeds(Command::new("id").arg(u)))
                .expect("running as root, a user to run Postgres as (postgres or nobody)")
                .to_string()
        });
        let dir = tempfile::Builder::new()
            .prefix("billctl-pg-")
            .tempdir()
            .expect("a temporary directory");
        let (data, socket_dir) = (dir.path().join("data"), dir.path().join("sock"));
        std::fs::create_dir(&socket_dir).unwrap();
        if let Some(u) = &run_as {
            let status = Command::new("chown")
                .args(["-R", &format!("{u}:"), dir.path().to_str().unwrap()])
                .status()
                .unwrap();
            assert!(status.success(), "chown the cluster directory to {u}");
        }
        let port = free_port();
        let out = as_user(run_as.as_deref(), &bin.join("initdb"))
            .args([
                "-D",
                data.to_str().unwrap(),
                "-U",
                "billctl",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--locale=C",
            ])
            .output()
            .expect("initdb runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "initdb failed: {err}");
        let ca = tls(dir.path(), &data, run_as.as_deref());
        let tcp = if ca.is_some() {
            "-c listen_addresses=127.0.0.1 -c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key"
        } else {
            "-c listen_addresses=''"
        };
        let opts = format!(
            "-k {} -p {port} {tcp} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
            socket_dir.display()
        );
        let out = as_user(run_as.as_deref(), &bin.join("pg_ctl"))
            .args(["-D", data.to_str().unwrap(), "-l"])
            .arg(dir.path().join("log"))
            .args(["-o", &opts, "-w", "-t", "120", "start"])
            .output()
            .expect("pg_ctl runs");
        assert!(
            out.status.success(),
            "pg_ctl start failed: {}{}",
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(dir.path().join("log")).unwrap_or_default()
        );
        if !private {
            stop_at_exit(&bin, &data, run_as.as_deref(), dir.path());
        }
        #[rustfmt::skip] // one line, whichever target's rustfmt settings format this file
        let cluster = Cluster { dir, private, data, socket_dir, port, bin, run_as, ca };
        cluster
    }

    /// A fresh, empty database; returns its URL (user billctl, no password, the socket).
    pub fn fresh_db(&self) -> String {
        let n = NEXT_DB.fetch_add(1, Ordering::SeqCst);
        let name = format!("t{}_{n}", std::process::id());
        let mut admin = postgres::Client::connect(&self.url("postgres"), postgres::NoTls)
            .expect("connect to the test cluster");
        let create = format!("CREATE DATABASE {name}");
        let created = admin.batch_execute(&create);
        created.expect("create a test database");
        self.url(&name)
    }

    /// The URL of database `db`.
    pub fn url(&self, db: &str) -> String {
        let host: String = self
            .socket_dir
            .to_str()
            .unwrap()
            .bytes()
            .map(|b| match b {
                b'/' => "%2F".to_string(),
                b => (b as char).to_string(),
            })
            .collect();
        format!("postgres://billctl@{host}:{}/{db}", self.port)
    }

    /// A connection to `url`, for checking state.
    pub fn client(&self, url: &str) -> postgres::Client {
        postgres::Client::connect(url, postgres::NoTls).expect("connect to the test database")
    }

    /// The URL of database `db` over TCP to `localhost`, where the server takes only TLS,
    /// with `query` appended; `None` when the cluster has no TLS (no `openssl` to make its
    /// certificate, which CI installs). Also the CA file to trust.
    #[allow(dead_code)]
    pub fn tls_url(&self, db: &str, query: &str) -> Option<(String, PathBuf)> {
        let ca = self.ca.clone()?;
        let url = format!("postgres://billctl@localhost:{}/{db}{query}", self.port);
        Some((url, ca))
    }

    /// The directory of the cluster's unix socket.
    #[allow(dead_code)]
    pub fn socket_dir(&self) -> &Path {
        &self.socket_dir
    }

    #[allow(dead_code)]
    pub fn port(&self) -> u16 {
        self.port
    }

    #[allow(dead_code)]
    pub fn data_dir(&self) -> &Path {
        &self.data
    }

    #[allow(dead_code)]
    pub fn bin(&self) -> &Path {
        &self.bin
    }

    #[allow(dead_code)]
    pub fn run_as(&self) -> Option<&str> {
        self.run_as.as_deref()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.private {
            let _ = as_user(self.run_as.as_deref(), &self.bin.join("pg_ctl"))
                .args(["-D", self.data.to_str().unwrap_or_default()])
                .args(["-m", "immediate", "-w", "stop"])
                .output();
        }
    }
}

/// Makes a CA and a server certificate for `localhost` signed by it (with `openssl`), puts the
/// server's pair in the data dir, and lets TCP clients in only over TLS. Returns the CA's
/// certificate, or `None` without `openssl` (said once; a failure when Postgres is required).
fn tls(dir: &Path, data: &Path, run_as: Option<&str>) -> Option<PathBuf> {
    let has_openssl = succeeds(Command::new("openssl").arg("version"));
    if !has_openssl {
        if std::env::var_os(REQUIRE_ENV).is_some() {
            panic!("{REQUIRE_ENV} is set but there is no openssl command to make the test cluster's TLS certificate: install Debian's openssl package");
        }
        eprintln!("note: the Postgres TLS test is skipped: no openssl command to make a certificate for the test cluster");
        return None;
    }
    let tls = dir.join("tls");
    std::fs::create_dir_all(&tls).unwrap();
    std::fs::write(
        tls.join("ext.cnf"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    let openssl = |line: &str, extra: &[&str]| {
        let mut openssl = Command::new("openssl");
        openssl.current_dir(&tls).args(line.split(' '));
        let out = openssl.args(extra).output().expect("openssl runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "openssl {line} {extra:?}: {err}");
    };
    let ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    let ca = "-keyout ca.key -out ca.pem -days 2";
    let subj = ["-subj", "/CN=billctl test CA"];
    openssl(&format!("req -x509 {ec} {ca}"), &subj);
    let server = "-keyout server.key -out server.csr -subj /CN=localhost";
    openssl(&format!("req {ec} {server}"), &[]);
    let sign = "-CA ca.pem -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile ext.cnf";
    openssl(&format!("x509 -req -in server.csr {sign}"), &[]);
    for f in ["server.crt", "server.key"] {
        std::fs::copy(tls.join(f), data.join(f)).unwrap();
        if let Some(u) = run_as {
            let status = Command::new("chown")
                .args([&format!("{u}:"), data.join(f).to_str().unwrap()])
                .status()
                .unwrap();
            assert!(status.success());
        }
    }
    use std::os::unix::fs::PermissionsExt;
    let private = std::fs::Permissions::from_mode(0o600);
    std::fs::set_permissions(data.join("server.key"), private).unwrap();
    // Local socket: trust. TCP: TLS only.
    std::fs::write(
        data.join("pg_hba.conf"),
        "local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 reject\n",
    )
    .unwrap();
    Some(tls.join("ca.pem"))
}

/// Starts the shared cluster's stopper: a shell that waits for end of file on a pipe whose
/// write end only this process holds, then stops the cluster at once and removes `dir`.
/// Whether `command` runs and exits 0.
fn succeeds(command: &mut Command) -> bool {
    command.output().is_ok_and(|o| o.status.success())
}

fn stop_at_exit(bin: &Path, data: &Path, user: Option<&str>, dir: &Path) {
    let stop = as_user(user, &bin.join("pg_ctl"));
    let mut sh = Command::new("sh");
    let script = "read _ || true; \"$@\" -m immediate -w stop; rm -rf \"$D\"";
    sh.args(["-c", script, "sh"])
        .arg(stop.get_program())
        .args(stop.get_args())
        .args(["-D".as_ref(), data.as_os_str()])
        .env("D", dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let _ = STOP.set(sh.spawn().expect("the cluster's stopper starts"));
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}
