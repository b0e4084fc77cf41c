//! TLS for `https` endpoints, with rustls (the `rustls` feature, on by default). Without
//! the feature, connecting to an `https` endpoint is an error that says so.

use tokio::net::TcpStream;

use crate::config::TlsSettings;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[cfg(feature = "rustls")]
pub(crate) use with_rustls::{Tls, TlsStream};
#[cfg(not(feature = "rustls"))]
pub(crate) use without_rustls::{Tls, TlsStream};

#[cfg(feature = "rustls")]
mod with_rustls {
    use std::sync::{Arc, OnceLock};

    use super::{BoxError, TcpStream, TlsSettings};

    /// A TLS connection.
    pub(crate) type TlsStream = tokio_rustls::client::TlsStream<TcpStream>;

    /// The TLS configuration a connector uses: the process-wide one with the system's roots,
    /// or its own (extra roots, or no verification), built on first use.
    #[derive(Clone)]
    pub(crate) enum Tls {
        System,
        Own(Arc<OwnTls>),
    }

    /// Settings, and the TLS configuration built from them on first use.
    type OwnTls = (
        TlsSettings,
        OnceLock<Result<Arc<rustls::ClientConfig>, String>>,
    );

    impl Tls {
        fn config(&self) -> Result<Arc<rustls::ClientConfig>, BoxError> {
            match self {
                Tls::System => tls_config(),
                Tls::Own(own) => {
                    let (settings, built) = &**own;
                    built
                        .get_or_init(|| own_tls_config(settings))
                        .clone()
                        .map_err(BoxError::from)
                }
            }
        }
    }

    impl Tls {
        /// The configuration `settings` ask for.
        pub(crate) fn new(settings: &TlsSettings) -> Tls {
            if *settings == TlsSettings::default() {
                Tls::System
            } else {
                Tls::Own(Arc::new((settings.clone(), OnceLock::new())))
            }
        }

        /// TLS over `tcp` to `host`, verified as configured.
        pub(crate) async fn connect(
            &self,
            host: &str,
            tcp: TcpStream,
        ) -> Result<TlsStream, BoxError> {
            let name = rustls::pki_types::ServerName::try_from(host.to_string())
                .map_err(|e| format!("`{host}` cannot be a TLS server name: {e}"))?;
            let config = self.config()?;
            Ok(tokio_rustls::TlsConnector::from(config)
                .connect(name, tcp)
                .await?)
        }
    }

    /// The TLS settings, with the system's root certificates, read once per process on the
    /// first HTTPS connection (plain-HTTP clients never pay for them).
    fn tls_config() -> Result<Arc<rustls::ClientConfig>, BoxError> {
        static CONFIG: OnceLock<Result<Arc<rustls::ClientConfig>, String>> = OnceLock::new();
        CONFIG
            .get_or_init(|| {
                let found = rustls_native_certs::load_native_certs();
                let mut roots = rustls::RootCertStore::empty();
                let (added, _ignored) = roots.add_parsable_certificates(found.certs);
                if added == 0 {
                    return Err(format!(
                        "no usable root certificates were found on this system ({} errors while loading them)",
                        found.errors.len()
                    ));
                }
                let provider = Arc::new(rustls::crypto::ring::default_provider());
                let mut config = rustls::ClientConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .map_err(|e| format!("TLS configuration: {e}"))?
                    .with_root_certificates(roots)
                    .with_no_client_auth();
                config.alpn_protocols = vec![b"http/1.1".to_vec()];
                Ok(Arc::new(config))
            })
            .clone()
            .map_err(BoxError::from)
    }

    /// The TLS settings for extra roots (on top of the system's, when it has any) or for no
    /// verification at all.
    fn own_tls_config(settings: &TlsSettings) -> Result<Arc<rustls::ClientConfig>, String> {
        use rustls::pki_types::CertificateDer;
        use rustls::pki_types::pem::PemObject;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS configuration: {e}"))?;
        let mut config = if settings.accept_invalid_certificates {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(provider)))
                .with_no_client_auth()
        } else {
            let mut roots = rustls::RootCertStore::empty();
            roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
            let mut add = |pem: &[u8], what: &str| -> Result<(), String> {
                let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(pem)
                    .collect::<Result<_, _>>()
                    .map_err(|e| format!("{what}: not a PEM certificate bundle: {e}"))?;
                if certs.is_empty() {
                    return Err(format!("{what}: no certificates in it"));
                }
                let (added, _) = roots.add_parsable_certificates(certs);
                if added == 0 {
                    return Err(format!("{what}: none of its certificates can be a root"));
                }
                Ok(())
            };
            for file in &settings.ca_files {
                let what = format!("CA bundle {}", file.display());
                let pem = std::fs::read(file).map_err(|e| format!("{what}: {e}"))?;
                add(&pem, &what)?;
            }
            for pem in &settings.ca_pem {
                add(pem, "root certificate")?;
            }
            builder.with_root_certificates(roots).with_no_client_auth()
        };
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }

    /// Accepts any server certificate (signatures are still checked): what
    /// `accept_invalid_certificates(true)` asks for, and only that.
    #[derive(Debug)]
    struct AcceptAnyCertificate(Arc<rustls::crypto::CryptoProvider>);

    impl rustls::client::danger::ServerCertVerifier for AcceptAnyCertificate {
        fn verify_server_cert(
            &self,
            _: &rustls::pki_types::CertificateDer<'_>,
            _: &[rustls::pki_types::CertificateDer<'_>],
            _: &rustls::pki_types::ServerName<'_>,
            _: &[u8],
            _: rustls::pki_types::UnixTime,
        ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
            Ok(rustls::client::danger::ServerCertVerified::assertion())
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &rustls::pki_types::CertificateDer<'_>,
            dss: &rustls::DigitallySignedStruct,
        ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls12_signature(
                message,
                cert,
                dss,
                &self.0.signature_verification_algorithms,
            )
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &rustls::pki_types::CertificateDer<'_>,
            dss: &rustls::DigitallySignedStruct,
        ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls13_signature(
                message,
                cert,
                dss,
                &self.0.signature_verification_algorithms,
            )
        }

        fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
            self.0.signature_verification_algorithms.supported_schemes()
        }
    }
}

#[cfg(not(feature = "rustls"))]
mod without_rustls {
    use super::{BoxError, TcpStream, TlsSettings};

    /// No TLS: a connection that is never made.
    pub(crate) type TlsStream = TcpStream;

    /// No TLS configuration to hold.
    #[derive(Clone)]
    pub(crate) struct Tls;

    impl Tls {
        pub(crate) fn new(_: &TlsSettings) -> Tls {
            Tls
        }

        /// Always an error: this build has no TLS.
        pub(crate) async fn connect(
            &self,
            host: &str,
            _: TcpStream,
        ) -> Result<TlsStream, BoxError> {
            Err(format!(
                "cannot connect to https://{host}: this build of s3-client has no TLS (enable its `rustls` feature)"
            )
            .into())
        }
    }
}

#[cfg(all(test, not(feature = "rustls")))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn without_rustls_an_https_endpoint_is_an_error_naming_the_feature() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let tcp = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let err = Tls::new(&TlsSettings::default())
            .connect("example.com", tcp)
            .await
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("https://example.com"), "{err}");
        assert!(err.contains("`rustls` feature"), "{err}");
    }
}
