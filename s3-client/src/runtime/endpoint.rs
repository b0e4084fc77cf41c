//! Addressing: which URL a request goes to, virtual-hosted or path style.

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
#[derive(Debug, Clone)]
pub(crate) struct Endpoint {
    /// `http` or `https`.
    scheme: String,
    /// Host, with the port when one is given.
    host: String,
    /// Path of the endpoint URL, without a trailing `/`.
    base_path: String,
    /// Buckets always go in the path: asked for, or an IP / `localhost` endpoint where
    /// bucket host names cannot resolve.
    path_style: bool,
}

impl Endpoint {
    /// The endpoint of `config`: its custom URL, or the AWS regional endpoint.
    pub(crate) fn new(config: &Config) -> Result<Endpoint, BuildError> {
        let Some(endpoint) = &config.endpoint_url else {
            return Ok(Endpoint {
                scheme: "https".to_string(),
                host: format!("s3.{}.amazonaws.com", config.region),
                base_path: String::new(),
                path_style: config.force_path_style,
            });
        };
        let parsed = reqwest::Url::parse(endpoint)
            .map_err(|e| BuildError::new(format!("invalid endpoint URL {endpoint:?}: {e}")))?;
        let ip_or_local = match parsed.host() {
            Some(url::Host::Domain(name)) => name == "localhost",
            Some(_) => true,
            None => {
                return Err(BuildError::new(format!(
                    "endpoint URL {endpoint:?} has no host"
                )));
            }
        };
        let host = parsed.host_str().unwrap_or_default();
        let host = match parsed.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        };
        Ok(Endpoint {
            scheme: parsed.scheme().to_string(),
            host,
            base_path: parsed.path().trim_end_matches('/').to_string(),
            path_style: config.force_path_style || ip_or_local,
        })
    }

    /// The full URL of a request: endpoint, bucket (in the host or the path), path and query.
    pub(crate) fn url(&self, bucket: Option<&str>, path: &str, query: &[String]) -> String {
        let Endpoint {
            scheme,
            host,
            base_path,
            path_style,
        } = self;
        let virtual_host = matches!(bucket, Some(b) if !path_style && dns_compatible(b));
        let mut url = String::with_capacity(64 + path.len());
        match bucket {
            Some(b) if virtual_host => url.push_str(&format!("{scheme}://{b}.{host}{base_path}")),
            Some(b) => {
                url.push_str(&format!("{scheme}://{host}{base_path}/"));
                url.extend(percent_encoding::utf8_percent_encode(
                    b,
                    super::request::UNRESERVED,
                ));
            }
            None => url.push_str(&format!("{scheme}://{host}{base_path}")),
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
        Endpoint::new(config).map(|e| e.url(bucket, path, query))
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
            url(&local, None, "", &[]).unwrap(),
            "http://127.0.0.1:9000/"
        );
        let named = cfg(Some("http://localhost:9000/"), false);
        assert_eq!(
            url(&named, Some("bkt"), "", &[]).unwrap(),
            "http://localhost:9000/bkt"
        );
        let minio = cfg(Some("https://store.example.com"), false);
        assert_eq!(
            url(&minio, Some("bkt"), "/k", &["a=1".into()]).unwrap(),
            "https://bkt.store.example.com/k?a=1"
        );
        assert!(url(&cfg(Some("not a url"), false), None, "", &[]).is_err());
    }
}
