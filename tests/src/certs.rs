//! Test certificates made with openssl: a CA and a server certificate
//! it signs, for the DoT and DoH tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A CA and a certificate for `name` signed by it, made with openssl:
/// returns (CA PEM, certificate PEM, key PEM) paths.
pub fn signed(dir: &Path, name: &str) -> [PathBuf; 3] {
    let run = |args: &[&str]| {
        let status = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .stderr(Stdio::null())
            .status()
            .expect("openssl runs");
        assert!(status.success(), "openssl {args:?}");
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    run(&[
        &["req", "-x509"][..],
        &ec,
        &[
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=test CA",
        ],
    ]
    .concat());
    run(&[
        &["req"][..],
        &ec,
        &[
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            &format!("/CN={name}"),
        ],
    ]
    .concat());
    std::fs::write(dir.join("san.cnf"), format!("subjectAltName=DNS:{name}\n")).unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "san.cnf",
    ]);
    ["ca.pem", "server.pem", "server.key"].map(|f| dir.join(f))
}

/// A CA and a server certificate for `name` made in `dir` (see
/// [`signed`]): the CA's path and the resolver flags that serve the
/// certificate (`--tls-cert FILE --tls-key FILE`).
pub fn server_flags(dir: &Path, name: &str) -> (PathBuf, Vec<String>) {
    let [ca, cert, key] = signed(dir, name);
    let flags = vec![
        "--tls-cert".to_owned(),
        cert.display().to_string(),
        "--tls-key".to_owned(),
        key.display().to_string(),
    ];
    (ca, flags)
}
