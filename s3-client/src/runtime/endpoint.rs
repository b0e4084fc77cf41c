//! Addressing: which URL a request goes to, virtual-hosted or path style.

use std::net::IpAddr;

use crate::config::Config;
use crate::error::BuildError;

/// Whether `bucket` can be the first label of a host name (and so of a TLS wildcard
/// certificate): 3 to 63 lower-case letters, digits and hyphens, not at either end.
fn dns_compatible(bucket: &str) -> bool {
    let b = bucket.as_bytes();
    (3..=63).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// Where requests go, worked out once per client from its configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Endpoint {
    /// `http` or `https`.
    scheme: String,
    /// Host, with the port when one is given; `None` for AWS, whose host depends on the
    /// region of each request.
    host: Option<String>,
    /// Path of the endpoint URL, without a trailing `/`.
    base_path: String,
    /// Buckets always go in the path: asked for, or an IP / `localhost` endpoint where
    /// bucket host names cannot resolve.
    path_style: bool,
}

impl Endpoint {
    /// The endpoint of `config`: its custom URL, or the AWS regional endpoints.
    pub(crate) fn new(config: &Config) -> Result<Endpoint, BuildError> {
        let Some(endpoint) = &config.endpoint_url else {
            return Ok(Endpoint {
                scheme: "https".to_string(),
                host: None,
                base_path: String::new(),
                path_style: config.force_path_style,
            });
        };
        let invalid =
            |why: &str| BuildError::new(format!("invalid endpoint URL {endpoint:?}: {why}"));
        let uri: http::Uri = endpoint
            .parse()
            .map_err(|e: http::uri::InvalidUri| invalid(&e.to_string()))?;
        let scheme = match uri.scheme_str() {
            Some(s @ ("http" | "https")) => s.to_string(),
            Some(other) => {
                return Err(invalid(&format!(
                    "the scheme `{other}` is not http or https"
                )));
            }
            None => return Err(invalid("it needs a scheme, such as https://")),
        };
        let Some(authority) = uri.authority() else {
            return Err(invalid("it has no host"));
        };
        if authority.as_str().contains('@') {
            return Err(invalid("credentials do not belong in the endpoint URL"));
        }
        if uri.query().is_some() {
            return Err(invalid("an endpoint URL has no query"));
        }
        let host = authority.host();
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let ip_or_local = bare.parse::<IpAddr>().is_ok() || bare.eq_ignore_ascii_case("localhost");
        Ok(Endpoint {
            scheme,
            host: Some(authority.as_str().to_string()),
            base_path: uri.path().trim_end_matches('/').to_string(),
            path_style: config.force_path_style || ip_or_local,
        })
    }

    /// The full URL of a request for `region`: endpoint, bucket (in the host or the path),
    /// path and query.
    pub(crate) fn url(
        &self,
        region: &str,
        bucket: Option<&str>,
        path: &str,
        query: &[String],
    ) -> String {
        let aws_host;
        let host = match &self.host {
            Some(h) => h.as_str(),
            None => {
                aws_host = format!("s3.{region}.amazonaws.com");
                aws_host.as_str()
            }
        };
        let Endpoint {
            scheme,
            base_path,
            path_style,
            ..
        } = self;
        let virtual_host = matches!(bucket, Some(b) if !path_style && dns_compatible(b));
        let mut url = String::with_capacity(64 + path.len());
        url.push_str(scheme);
        url.push_str("://");
        match bucket {
            Some(b) if virtual_host => {
                url.push_str(b);
                url.push('.');
                url.push_str(host);
                url.push_str(base_path);
            }
            Some(b) => {
                url.push_str(host);
                url.push_str(base_path);
                url.push('/');
                url.extend(percent_encoding::utf8_percent_encode(
                    b,
                    super::request::UNRESERVED,
                ));
            }
            None => {
                url.push_str(host);
                url.push_str(base_path);
            }
        }
        if !path.is_empty() {
            url.push_str(path);
        } else if bucket.is_none() || virtual_host {
            url.push('/');
        }
        for (i, pair) in query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(pair);
        }
        url
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn url(
        config: &Config,
        bucket: Option<&str>,
        path: &str,
        query: &[String],
    ) -> Result<String, BuildError> {
        Endpoint::new(config).map(|e| e.url(config.region(), bucket, path, query))
    }

    fn cfg(endpoint: Option<&str>, path_style: bool) -> Config {
        let mut b = Config::builder()
            .region("eu-west-1")
            .force_path_style(path_style);
        if let Some(e) = endpoint {
            b = b.endpoint_url(e);
        }
        b.build()
    }

    #[test]
    fn addressing_styles() {
        let aws = cfg(None, false);
        assert_eq!(
            url(&aws, Some("my-bucket"), "/a%20b", &[]).unwrap(),
            "https://my-bucket.s3.eu-west-1.amazonaws.com/a%20b"
        );
        assert_eq!(
            url(&aws, Some("my-bucket"), "", &["uploads".into()]).unwrap(),
            "https://my-bucket.s3.eu-west-1.amazonaws.com/?uploads"
        );
        assert_eq!(
            url(&aws, None, "", &[]).unwrap(),
            "https://s3.eu-west-1.amazonaws.com/"
        );
        // The region of one request picks its host.
        let e = Endpoint::new(&aws).unwrap();
        assert_eq!(
            e.url("ap-south-1", Some("my-bucket"), "/k", &[]),
            "https://my-bucket.s3.ap-south-1.amazonaws.com/k"
        );
        // Not a host label: path style.
        assert_eq!(
            url(&aws, Some("My_Bucket"), "/k", &[]).unwrap(),
            "https://s3.eu-west-1.amazonaws.com/My_Bucket/k"
        );
        assert_eq!(
            url(&aws, Some("a.b.c"), "", &[]).unwrap(),
            "https://s3.eu-west-1.amazonaws.com/a.b.c"
        );
        let forced = cfg(None, true);
        assert_eq!(
            url(&forced, Some("b1b"), "/k", &[]).unwrap(),
            "https://s3.eu-west-1.amazonaws.com/b1b/k"
        );
        let local = cfg(Some("http://127.0.0.1:9000"), false);
        assert_eq!(
            url(&local, Some("bkt"), "//k", &[]).unwrap(),
            "http://127.0.0.1:9000/bkt//k"
        );
        assert_eq!(
            url(&local, Some("bkt"), "/a/../b/./c", &[]).unwrap(),
            "http://127.0.0.1:9000/bkt/a/../b/./c"
        );
        assert_eq!(
            url(&local, None, "", &[]).unwrap(),
            "http://127.0.0.1:9000/"
        );
        let v6 = cfg(Some("http://[::1]:9000"), false);
        assert_eq!(
            url(&v6, Some("bkt"), "/k", &[]).unwrap(),
            "http://[::1]:9000/bkt/k"
        );
        let named = cfg(Some("http://localhost:9000/"), false);
        assert_eq!(
            url(&named, Some("bkt"), "", &[]).unwrap(),
            "http://localhost:9000/bkt"
        );
        let minio = cfg(Some("https://store.example.com/base/"), false);
        assert_eq!(
            url(&minio, Some("bkt"), "/k", &["a=1".into()]).unwrap(),
            "https://bkt.store.example.com/base/k?a=1"
        );
        for bad in [
            "not a url",
            "ftp://x",
            "127.0.0.1:9000",
            "http://u:p@host",
            "http://h/?q",
        ] {
            assert!(url(&cfg(Some(bad), false), None, "", &[]).is_err(), "{bad}");
        }
    }
}
