//! TLS for the server core: a certificate chain and private key from PEM files, read at start
//! and again on demand (`serve` and `webhooks listen` re-read them on SIGHUP, on a blocking
//! thread within a deadline), so a renewed certificate is taken without a restart or a
//! dropped connection. Only regular files are read, opened without waiting (a FIFO or a
//! device in their place is refused, never waited on). A reload that fails (a broken file, a
//! key that does not match, an expired certificate) keeps the certificate in use and says why.

use anyhow::{anyhow, bail, Context, Result};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

/// The largest PEM file read (a chain of a few certificates is a few KiB).
const MAX_PEM: u64 = 1024 * 1024;

/// The certificate in use, and where it is re-read from.
#[derive(Debug)]
pub struct Certs {
    cert: PathBuf,
    key: PathBuf,
    current: RwLock<Arc<CertifiedKey>>,
}

fn read_pem(path: &Path, flag: &str) -> Result<Vec<u8>> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: opening a FIFO without a writer would wait forever.
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NONBLOCK)
        .open(path)
        .with_context(|| format!("{flag} {}: failed to open", path.display()))?;
    let meta = f
        .metadata()
        .with_context(|| format!("{flag} {}: failed to read", path.display()))?;
    if !meta.is_file() {
        bail!("{flag} {}: not a regular file", path.display());
    }
    let mut buf = Vec::new();
    f.take(MAX_PEM + 1)
        .read_to_end(&mut buf)
        .with_context(|| format!("{flag} {}: failed to read", path.display()))?;
    if buf.len() as u64 > MAX_PEM {
        bail!("{flag} {}: larger than {MAX_PEM} bytes", path.display());
    }
    Ok(buf)
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The chain in `cert` and the key in `key`, checked to belong together.
fn load(cert: &Path, key: &Path) -> Result<Arc<CertifiedKey>> {
    let pem = read_pem(cert, "--tls-cert")?;
    let chain = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| anyhow!("--tls-cert {}: not a PEM certificate: {e}", cert.display()))?;
    if chain.is_empty() {
        bail!("--tls-cert {}: no certificate in the file", cert.display());
    }
    check_validity(&chain[0], cert)?;
    let pem = read_pem(key, "--tls-key")?;
    // The key's own error text never carries the key's bytes.
    let der = PrivateKeyDer::from_pem_slice(&pem)
        .map_err(|e| anyhow!("--tls-key {}: not a PEM private key: {e}", key.display()))?;
    let certified = CertifiedKey::from_der(chain, der, &provider()).map_err(|e| {
        anyhow!(
            "--tls-cert {} and --tls-key {} do not make a usable pair: {e}",
            cert.display(),
            key.display()
        )
    })?;
    Ok(Arc::new(certified))
}

impl Certs {
    /// Reads the pair, or says which file is wrong.
    pub fn load(cert: &Path, key: &Path) -> Result<Arc<Certs>> {
        Ok(Arc::new(Certs {
            current: RwLock::new(load(cert, key)?),
            cert: cert.to_path_buf(),
            key: key.to_path_buf(),
        }))
    }

    /// Reads the files again; on an error the certificate in use stays.
    pub fn reload(&self) -> Result<()> {
        let fresh = load(&self.cert, &self.key)?;
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = fresh;
        Ok(())
    }

    /// An acceptor that presents the current certificate to each new connection (TLS 1.2 and
    /// 1.3, HTTP/1.1).
    pub fn acceptor(self: &Arc<Self>) -> Result<tokio_rustls::TlsAcceptor> {
        let mut config = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .context("TLS: no protocol version")?
            .with_no_client_auth()
            .with_cert_resolver(self.clone());
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
    }
}

impl ResolvesServerCert for Certs {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(
            self.current
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .clone(),
        )
    }
}

/// Reads the pair of `--tls-cert` and `--tls-key` when both are given (clap requires them
/// together); `None` without them.
pub fn load_pair((cert, key): (Option<&Path>, Option<&Path>)) -> Result<Option<Arc<Certs>>> {
    match (cert, key) {
        (Some(c), Some(k)) => Certs::load(c, k).map(Some),
        _ => Ok(None),
    }
}

/// A server's TLS from `certs`: the acceptor for the server core, with its files added to what
/// SIGHUP re-reads; `None` for plain HTTP.
pub fn serve_with(
    certs: Option<Arc<Certs>>,
    reload: &super::reload::Reload,
) -> Result<Option<tokio_rustls::TlsAcceptor>> {
    let Some(certs) = certs else {
        return Ok(None);
    };
    let acceptor = certs.acceptor()?;
    reload.add(
        "the certificate",
        Arc::new(move || match certs.reload() {
            Ok(()) => Ok(format!("re-read the certificate {}", certs.cert.display())),
            Err(e) => Err(format!("kept the certificate in use: {e:#}")),
        }),
    );
    Ok(Some(acceptor))
}

/// Refuses a leaf certificate outside its validity at the process clock (an expired
/// certificate would fail every client's handshake with no word on the server's side).
fn check_validity(leaf: &CertificateDer<'_>, cert: &Path) -> Result<()> {
    use x509_cert::der::Decode;
    let parsed = x509_cert::Certificate::from_der(leaf).map_err(|e| {
        anyhow!(
            "--tls-cert {}: the certificate cannot be read: {e}",
            cert.display()
        )
    })?;
    let validity = &parsed.tbs_certificate.validity;
    let secs = |t: &x509_cert::time::Time| {
        i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
    };
    let (from, until) = (secs(&validity.not_before), secs(&validity.not_after));
    let now = crate::domain::clock::now();
    if now >= until {
        bail!(
            "--tls-cert {}: the certificate expired at {}; renew it",
            cert.display(),
            crate::domain::time::utc_datetime(until)
        );
    }
    if now < from {
        bail!(
            "--tls-cert {}: the certificate is not valid before {}",
            cert.display(),
            crate::domain::time::utc_datetime(from)
        );
    }
    Ok(())
}
