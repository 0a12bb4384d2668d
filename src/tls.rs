//! HTTPS served by the binary itself: a phone reaching the service as `https://10.x.x.x` gets
//! a secure context, without which browsers give the scanner app neither service workers nor
//! WebCrypto (docs/operations.md shows the reverse-proxy way too). rustls with the ring
//! provider, as for outgoing mail: nothing to build but Rust and ring's C.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// The TLS configuration from a PEM certificate chain and its PEM private key.
pub fn server_config(cert: &Path, key: &Path) -> Result<rustls::ServerConfig, String> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|e| format!("YINGBIN_TLS_CERT {}: {e}", cert.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("YINGBIN_TLS_CERT {}: {e}", cert.display()))?;
    if chain.is_empty() {
        return Err(format!(
            "YINGBIN_TLS_CERT {}: no certificate in the file",
            cert.display()
        ));
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| format!("YINGBIN_TLS_KEY {}: {e}", key.display()))?;
    rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("YINGBIN_TLS_CERT and YINGBIN_TLS_KEY do not make a pair: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_certificate_loads_and_a_missing_or_mismatched_file_says_which() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let (cert, key) = (dir.join("tls-test.crt"), dir.join("tls-test.key"));
        assert!(server_config(&cert, &key).is_ok());
        let e = server_config(&dir.join("nope.crt"), &key).unwrap_err();
        assert!(e.contains("YINGBIN_TLS_CERT"), "{e}");
        let e = server_config(&key, &key).unwrap_err();
        assert!(e.contains("YINGBIN_TLS_CERT"), "{e}");
        let e = server_config(&cert, &cert).unwrap_err();
        assert!(e.contains("YINGBIN_TLS_KEY"), "{e}");
    }
}
