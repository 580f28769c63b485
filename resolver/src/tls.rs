//! The server certificate for the encrypted frontends: PEM files from the
//! operator, or, when none are configured, a self-signed certificate made
//! at start (rcgen). Its PEM (the certificate only) is written to a file
//! and its SPKI pin logged, so `curl --cacert FILE` and
//! `kdig +tls-pin=PIN` can trust it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

/// Where the certificate came from.
pub struct ServerCertificate {
    /// The chain, leaf first.
    pub chain: Vec<CertificateDer<'static>>,
    /// Its private key.
    pub key: PrivateKeyDer<'static>,
    /// For a generated certificate: the SPKI SHA-256 pin (base64) and the
    /// file its PEM was written to.
    pub generated: Option<(String, PathBuf)>,
}

impl ServerCertificate {
    /// Reads a PEM certificate chain and a PEM private key.
    pub fn load(cert: &Path, key: &Path) -> anyhow::Result<Self> {
        let chain = CertificateDer::pem_file_iter(cert)
            .with_context(|| format!("cannot read {}", cert.display()))?
            .collect::<Result<Vec<_>, _>>()
            .with_context(|| format!("bad certificate in {}", cert.display()))?;
        anyhow::ensure!(!chain.is_empty(), "no certificate in {}", cert.display());
        let key = PrivateKeyDer::from_pem_file(key)
            .with_context(|| format!("no usable private key in {}", key.display()))?;
        Ok(Self {
            chain,
            key,
            generated: None,
        })
    }

    /// A self-signed certificate for `localhost` and the loopback
    /// addresses; its PEM is written to `dir/resolver-cert.pem`.
    pub fn generate(dir: &Path) -> anyhow::Result<Self> {
        let names = vec![
            "localhost".to_owned(),
            "127.0.0.1".to_owned(),
            "::1".to_owned(),
        ];
        let certified =
            rcgen::generate_simple_self_signed(names).context("cannot generate a certificate")?;
        let pin = {
            let digest =
                ring::digest::digest(&ring::digest::SHA256, &certified.key_pair.public_key_der());
            data_encoding::BASE64.encode(digest.as_ref())
        };
        let file = dir.join("resolver-cert.pem");
        std::fs::write(&file, certified.cert.pem())
            .with_context(|| format!("cannot write {}", file.display()))?;
        let key = PrivateKeyDer::try_from(certified.key_pair.serialize_der())
            .map_err(|e| anyhow::anyhow!("generated key: {e}"))?;
        Ok(Self {
            chain: vec![certified.cert.der().clone()],
            key,
            generated: Some((pin, file)),
        })
    }

    /// A TLS acceptor offering these ALPN protocols (TLS 1.3 and 1.2).
    pub fn acceptor(&self, alpn: &[&[u8]]) -> anyhow::Result<TlsAcceptor> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .context("TLS versions")?
            .with_no_client_auth()
            .with_single_cert(self.chain.clone(), self.key.clone_key())
            .context("the certificate and key do not match")?;
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        Ok(TlsAcceptor::from(Arc::new(config)))
    }
}
