//! The server certificate for the encrypted frontends: PEM files from the
//! operator, or, when none are configured, a self-signed certificate made
//! at start (rcgen). Its PEM (the certificate only) is written to a file
//! and its SPKI pin logged, so `curl --cacert FILE` and
//! `kdig +tls-pin=PIN` can trust it. Configured files are re-read on
//! SIGHUP ([`CertificateStore::reload`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use arc_swap::ArcSwap;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
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

    /// The chain and key as rustls signs with them.
    fn certified(&self) -> anyhow::Result<CertifiedKey> {
        CertifiedKey::from_der(self.chain.clone(), self.key.clone_key(), &provider())
            .context("the certificate and key do not match")
    }
}

fn provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::ring::default_provider()
}

/// The certificate the encrypted frontends present, replaceable while
/// they run: [`CertificateStore::reload`] re-reads the PEM files (on
/// SIGHUP) and swaps the new certificate in for new connections; a file
/// that fails to load keeps the current one.
#[derive(Debug)]
pub struct CertificateStore {
    current: ArcSwap<CertifiedKey>,
    files: Option<(PathBuf, PathBuf)>,
}

impl CertificateStore {
    /// A store holding `certificate`, reloadable from `files` if given.
    pub fn new(
        certificate: &ServerCertificate,
        files: Option<(PathBuf, PathBuf)>,
    ) -> anyhow::Result<Self> {
        Ok(Self {
            current: ArcSwap::from_pointee(certificate.certified()?),
            files,
        })
    }

    /// Re-reads the certificate and key files. Errors leave the current
    /// certificate in place. A generated certificate is kept as it is.
    pub fn reload(&self) -> anyhow::Result<()> {
        let Some((cert, key)) = &self.files else {
            return Ok(());
        };
        let certified = ServerCertificate::load(cert, key)?.certified()?;
        self.current.store(Arc::new(certified));
        Ok(())
    }

    /// A TLS acceptor offering these ALPN protocols (TLS 1.3 and 1.2),
    /// presenting whatever certificate the store holds at each handshake.
    pub fn acceptor(self: &Arc<Self>, alpn: &[&[u8]]) -> anyhow::Result<TlsAcceptor> {
        let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(provider()))
            .with_safe_default_protocol_versions()
            .context("TLS versions")?
            .with_no_client_auth()
            .with_cert_resolver(Arc::clone(self) as Arc<dyn ResolvesServerCert>);
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        Ok(TlsAcceptor::from(Arc::new(config)))
    }
}

impl ResolvesServerCert for CertificateStore {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current.load_full())
    }
}
