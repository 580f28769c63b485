//! The command-line clients the tests drive: kdig (knot-dnsutils) and
//! curl, run to completion with their output kept.

use std::process::{Command, Output};

/// Runs kdig with `args`.
pub fn kdig(args: &[&str]) -> Output {
    run("kdig", args, "apt-get install knot-dnsutils")
}

/// The pin of the resolver's generated certificate, from its log (the
/// `kdig +tls-pin=...` line it prints at start).
pub fn logged_pin(log: &str) -> String {
    log.split("kdig +tls-pin=")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
        .expect("the generated certificate's pin is logged")
        .to_owned()
}

/// Runs curl with `args` (silent, errors shown), bounded to 10 s.
pub fn curl(args: &[&str]) -> Output {
    let mut all = vec!["-sS", "--max-time", "10"];
    all.extend_from_slice(args);
    run("curl", &all, "apt-get install curl")
}

/// Runs curl and returns its standard output as text.
pub fn curl_text(args: &[&str]) -> String {
    String::from_utf8_lossy(&curl(args).stdout).into_owned()
}

fn run(program: &str, args: &[&str], install: &str) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} runs ({install}): {e}"))
}
