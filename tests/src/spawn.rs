//! Starting the project's binaries: built once per test run with the
//! same cargo, started on a loopback address, stopped with SIGTERM.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Once;
use std::time::{Duration, Instant};

use hickory_proto::rr::RecordType;

use crate::client;

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}

/// Path of a workspace binary, built (or brought up to date) first.
pub fn binary(name: &str) -> PathBuf {
    static BUILD: Once = Once::new();
    BUILD.call_once(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut build = Command::new(cargo);
        // The variables cargo sets for this test process would differ
        // from a shell's and make build scripts (ring's) rerun each time.
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            if key.starts_with("CARGO_") && !matches!(&*key, "CARGO_HOME" | "CARGO_TARGET_DIR") {
                build.env_remove(&*key);
            }
        }
        build.current_dir(workspace()).args([
            "build",
            "--quiet",
            "-p",
            "authdns",
            "-p",
            "zone-loader",
            "-p",
            "resolver",
        ]);
        if !cfg!(debug_assertions) {
            build.arg("--release");
        }
        let status = build.status().expect("cargo runs");
        assert!(status.success(), "building the binaries failed");
    });
    let exe = std::env::current_exe().expect("the test binary has a path");
    exe.parent()
        .and_then(Path::parent)
        .expect("target/PROFILE/deps")
        .join(name)
}

/// A running process, stopped with SIGTERM when dropped.
pub struct Process {
    child: Child,
    /// Where it serves.
    pub addr: SocketAddr,
    log: PathBuf,
}

impl Process {
    /// Starts `program` with `args`, logging to a file, and waits until it
    /// answers an SOA query for `probe` over UDP.
    pub fn start(
        program: &Path,
        args: &[String],
        addr: SocketAddr,
        probe: &str,
        log: PathBuf,
    ) -> Self {
        let out = std::fs::File::create(&log).expect("log file");
        let child = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("log file"))
            .stderr(out)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));
        let mut process = Self { child, addr, log };
        process.wait_ready(probe);
        process
    }

    fn wait_ready(&mut self, probe: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("process exited early ({status}): {}", self.log_text());
            }
            // A short wait: a probe sent before the server binds is simply lost.
            let probe = client::query(probe, RecordType::SOA, true);
            if client::udp_within(self.addr, &probe, Duration::from_millis(100)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("process did not answer in time: {}", self.log_text());
    }

    /// The process's PID.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a signal by name (HUP, TERM...).
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.pid().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
    }

    /// Everything the process logged so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Stops with SIGTERM and returns whether it exited cleanly within 5 s.
    pub fn stop(mut self) -> bool {
        self.terminate()
    }

    fn terminate(&mut self) -> bool {
        if let Ok(Some(status)) = self.child.try_wait() {
            return status.success();
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        false
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.terminate();
    }
}

/// The test address 127.0.0.`last`, port 5300: each test server gets its own.
pub fn loopback(last: u8) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, last], 5300))
}

/// A fresh temporary directory for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("authdns-e2e-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Writes a file atomically (a temporary file, then a rename), as editors
/// and deploy tools do: a reload never sees half a file.
pub fn write_atomic(path: &Path, text: &str) {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).expect("write the temporary file");
    std::fs::rename(&tmp, path).expect("rename it into place");
}

/// Root hints naming one root server, `a.root.` at `root`, written as
/// `dir/root.hints`; returns the file.
pub fn root_hints(dir: &Path, root: Ipv4Addr) -> PathBuf {
    let hints = dir.join("root.hints");
    std::fs::write(
        &hints,
        format!(". 3600 NS a.root.\na.root. 3600 A {root}\n"),
    )
    .expect("write the root hints");
    hints
}

/// A zone directory for authdns: `dir/NAME/NAME.zone` holding `text`,
/// where `NAME.zone` names the origin (`root` for the root). Returns the
/// directory.
pub fn zone_dir(dir: &Path, name: &str, text: &str) -> PathBuf {
    let zones = dir.join(name);
    std::fs::create_dir_all(&zones).expect("create the zone directory");
    std::fs::write(zones.join(format!("{name}.zone")), text).expect("write the zone");
    zones
}

/// Starts authdns on `addr` serving `zones`, with extra config lines.
pub fn authdns(addr: SocketAddr, zones: &Path, config: &str, probe: &str) -> Process {
    let dir = temp_dir(&format!("authdns-{}", addr.ip()));
    let config_path = dir.join("authdns.toml");
    std::fs::write(
        &config_path,
        format!("udp-workers = 2\nlog-level = \"info\"\n{config}"),
    )
    .expect("config");
    let args = vec![
        "--listen".into(),
        addr.to_string(),
        "--zones".into(),
        zones.display().to_string(),
        "--config".into(),
        config_path.display().to_string(),
    ];
    Process::start(&binary("authdns"), &args, addr, probe, dir.join("log"))
}

/// Starts the resolver on `addr` (UDP and TCP) resolving from the root
/// `hints`, with `config` (TOML) as its configuration file and `extra`
/// flags; its log and files are in the directory `resolver-ADDRESS`.
/// DNSSEC validation is off unless `config` sets it up: the mini Internet
/// is unsigned under a private root, so the IANA anchors cannot apply.
/// The per-client resolution rate is lifted unless `config` sets it: a
/// test is load from one client.
pub fn resolver(hints: &Path, addr: SocketAddr, extra: &[&str], config: &str) -> Process {
    let dir = temp_dir(&format!("resolver-{}", addr.ip()));
    let anchored = extra.contains(&"--trust-anchor");
    let validation =
        if anchored || config.contains("trust-anchor") || config.contains("dnssec-validation") {
            ""
        } else {
            "dnssec-validation = false\n"
        };
    let rate = if config.contains("client-rate-limit") {
        ""
    } else {
        "client-rate-limit = 0\n"
    };
    std::fs::write(
        dir.join("resolver.toml"),
        format!("{validation}{rate}{config}"),
    )
    .expect("config");
    let mut args: Vec<String> = vec![
        "--listen".into(),
        addr.to_string(),
        "--root-hints".into(),
        hints.display().to_string(),
        "--config".into(),
        dir.join("resolver.toml").display().to_string(),
    ];
    args.extend(extra.iter().map(ToString::to_string));
    Process::start(&binary("resolver"), &args, addr, ".", dir.join("log"))
}
