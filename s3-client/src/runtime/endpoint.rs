//! Addressing: which URL a request goes to, virtual-hosted or path style.

use std::net::IpAddr;

use super::express::{self, S3Express};
use crate::config::Config;
use crate::error::BuildError;

/// Whether `bucket` can be the first label of a host name (and so of a TLS wildcard
/// certificate): 3 to 63 lower-case letters, digits and hyphens, not at either end.
pub(super) fn dns_compatible(bucket: &str) -> bool {
    let b = bucket.as_bytes();
    (3..=63).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// A partition of AWS: the regions it holds (by name prefix), its DNS suffix, and which
/// S3 endpoint variants it offers.
struct Partition {
    name: &'static str,
    region_prefix: &'static str,
    dns_suffix: &'static str,
    fips: bool,
    dual_stack: bool,
    accelerate: bool,
}

/// AWS's partitions, most specific prefix first; the last one holds every other region.
const PARTITIONS: &[Partition] = &[
    Partition {
        name: "aws-cn",
        region_prefix: "cn-",
        dns_suffix: "amazonaws.com.cn",
        fips: false,
        dual_stack: true,
        accelerate: false,
    },
    Partition {
        name: "aws-us-gov",
        region_prefix: "us-gov-",
        dns_suffix: "amazonaws.com",
        fips: true,
        dual_stack: true,
        accelerate: false,
    },
    Partition {
        name: "aws-iso",
        region_prefix: "us-iso-",
        dns_suffix: "c2s.ic.gov",
        fips: true,
        dual_stack: false,
        accelerate: false,
    },
    Partition {
        name: "aws-iso-b",
        region_prefix: "us-isob-",
        dns_suffix: "sc2s.sgov.gov",
        fips: true,
        dual_stack: false,
        accelerate: false,
    },
    Partition {
        name: "aws-iso-e",
        region_prefix: "eu-isoe-",
        dns_suffix: "cloud.adc-e.uk",
        fips: true,
        dual_stack: false,
        accelerate: false,
    },
    Partition {
        name: "aws-iso-f",
        region_prefix: "us-isof-",
        dns_suffix: "csp.hci.ic.gov",
        fips: true,
        dual_stack: false,
        accelerate: false,
    },
    Partition {
        name: "aws-eusc",
        region_prefix: "eusc-",
        dns_suffix: "amazonaws.eu",
        fips: false,
        dual_stack: false,
        accelerate: false,
    },
    Partition {
        name: "aws",
        region_prefix: "",
        dns_suffix: "amazonaws.com",
        fips: true,
        dual_stack: true,
        accelerate: true,
    },
];

/// Operations S3 Transfer Acceleration does not serve (botocore sends them to the
/// regional endpoint).
const NOT_ACCELERATED: [&str; 3] = ["ListBuckets", "CreateBucket", "DeleteBucket"];

fn partition(region: &str) -> &'static Partition {
    PARTITIONS
        .iter()
        .find(|p| region.starts_with(p.region_prefix))
        .unwrap_or(&PARTITIONS[PARTITIONS.len() - 1])
}

/// The regional host of an AWS service (`sts.cn-north-1.amazonaws.com.cn`).
pub(crate) fn aws_host(service: &str, region: &str) -> String {
    format!("{service}.{region}.{}", partition(region).dns_suffix)
}

/// What of one request decides its host besides the client's endpoint: the operation
/// (accelerate serves not all), the service label of its AWS endpoint when it is not S3's
/// (`s3-object-lambda`), the prefix its input puts before the host name, and where it
/// goes for a directory bucket.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Route<'a> {
    pub(crate) operation: &'a str,
    pub(crate) service: Option<&'static str>,
    pub(crate) host_prefix: Option<&'a str>,
    pub(crate) express: S3Express,
}

/// Where a host puts the bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Placement {
    /// In the host name when it can be a label and path style is not asked for.
    Usual,
    /// Always in the host name (accelerate, S3 Express zonal endpoints).
    Host,
    /// Always in the path (the S3 Express control endpoint).
    Path,
}

impl<'a> Route<'a> {
    /// The route of an operation with nothing of its own.
    pub(crate) fn of(operation: &'a str) -> Self {
        Route {
            operation,
            ..Route::default()
        }
    }
}

/// Which AWS endpoint variant requests use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Variant {
    fips: bool,
    dual_stack: bool,
    accelerate: bool,
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
    /// The host is an IP address or `localhost`.
    local: bool,
    variant: Variant,
}

impl Endpoint {
    /// The endpoint of `config`: its custom URL, or the AWS regional endpoints.
    pub(crate) fn new(config: &Config) -> Result<Endpoint, BuildError> {
        let variant = Variant {
            fips: config.use_fips,
            dual_stack: config.use_dual_stack,
            accelerate: config.accelerate,
        };
        let Some(endpoint) = &config.endpoint_url else {
            let p = partition(&config.region);
            let unavailable = |what: &str| {
                BuildError::new(format!(
                    "{what} endpoints are not available in {} (region {})",
                    p.name, config.region
                ))
            };
            if variant.fips && !p.fips {
                return Err(unavailable("FIPS"));
            }
            if variant.dual_stack && !p.dual_stack {
                return Err(unavailable("dual-stack"));
            }
            if variant.accelerate && !p.accelerate {
                return Err(unavailable("Transfer Acceleration"));
            }
            if variant.accelerate && variant.fips {
                return Err(BuildError::new(
                    "Transfer Acceleration has no FIPS endpoints",
                ));
            }
            return Ok(Endpoint {
                scheme: "https".to_string(),
                host: None,
                base_path: String::new(),
                path_style: config.force_path_style,
                local: false,
                variant,
            });
        };
        if variant != Variant::default() {
            return Err(BuildError::new(format!(
                "FIPS, dual-stack and accelerate endpoints are AWS's; the custom endpoint {endpoint:?} cannot be combined with them"
            )));
        }
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
            local: ip_or_local,
            variant,
        })
    }

    /// The AWS host for `region`, and where it puts the bucket.
    fn aws_host(
        &self,
        region: &str,
        route: &Route<'_>,
        bucket: Option<&str>,
    ) -> Result<(String, Placement), BuildError> {
        let p = partition(region);
        let Variant {
            fips,
            dual_stack,
            accelerate,
        } = self.variant;
        let fips = if fips { "-fips" } else { "" };
        let dual = if dual_stack { ".dualstack" } else { "" };
        let directory = bucket.filter(|b| express::is_directory(b));
        let control = route.express == S3Express::ControlEndpoint;
        if directory.is_some() || (control && bucket.is_none()) {
            if accelerate {
                return Err(BuildError::new(
                    "S3 Express (directory buckets) has no Transfer Acceleration endpoints",
                ));
            }
            let suffix = p.dns_suffix;
            return Ok(match directory {
                Some(b) if !control => {
                    let zone = express::zone(b)?;
                    let host = format!("s3express{fips}-{zone}{dual}.{region}.{suffix}");
                    (host, Placement::Host)
                }
                _ => {
                    let host = format!("s3express-control{fips}{dual}.{region}.{suffix}");
                    (host, Placement::Path)
                }
            });
        }
        if let Some(service) = route.service {
            // Another service's endpoint (S3 Object Lambda's) has no dual-stack or
            // accelerate variant, as botocore's rules say.
            if dual_stack || accelerate {
                return Err(BuildError::new(format!(
                    "{} goes to the {service} endpoint, which has no dual-stack or accelerate variant",
                    route.operation
                )));
            }
            let host = format!("{service}{fips}.{region}.{}", p.dns_suffix);
            return Ok((host, Placement::Usual));
        }
        if accelerate && !NOT_ACCELERATED.contains(&route.operation) {
            let host = format!("s3-accelerate{dual}.{}", p.dns_suffix);
            return Ok((host, Placement::Host));
        }
        let host = format!("s3{fips}{dual}.{region}.{}", p.dns_suffix);
        Ok((host, Placement::Usual))
    }

    /// The full URL of a request on `route` for `region`: endpoint (after the route's
    /// host prefix), bucket (in the host or the path), path and query.
    pub(crate) fn url(
        &self,
        route: &Route<'_>,
        region: &str,
        bucket: Option<&str>,
        path: &str,
        query: &[String],
    ) -> Result<String, BuildError> {
        let (mut host, placement) = match (&self.host, bucket) {
            // A directory bucket goes in the host name, as botocore puts it, unless the
            // host is an address.
            (Some(h), Some(b)) if express::is_directory(b) => {
                express::zone(b)?;
                let placement = if self.local {
                    Placement::Path
                } else {
                    Placement::Host
                };
                (h.clone(), placement)
            }
            (Some(h), _) => (h.clone(), Placement::Usual),
            (None, _) => self.aws_host(region, route, bucket)?,
        };
        if let Some(prefix) = route.host_prefix {
            host.insert_str(0, prefix);
        }
        let Endpoint {
            scheme,
            base_path,
            path_style,
            ..
        } = self;
        let virtual_host = match (bucket, placement) {
            (None, _) | (_, Placement::Path) => false,
            (Some(b), Placement::Host) => dns_compatible(b),
            (Some(b), Placement::Usual) => !path_style && dns_compatible(b),
        };
        if placement == Placement::Host && bucket.is_some() && !virtual_host {
            return Err(BuildError::member(
                "Bucket",
                format!(
                    "Transfer Acceleration needs a bucket name that can be a host name (no dots, no upper case), not {:?}",
                    bucket.unwrap_or_default()
                ),
            ));
        }
        let mut url = String::with_capacity(64 + path.len());
        url.push_str(scheme);
        url.push_str("://");
        match bucket {
            Some(b) if virtual_host => {
                url.push_str(b);
                url.push('.');
                url.push_str(&host);
                url.push_str(base_path);
            }
            Some(b) => {
                url.push_str(&host);
                url.push_str(base_path);
                url.push('/');
                url.extend(percent_encoding::utf8_percent_encode(
                    b,
                    super::request::UNRESERVED,
                ));
            }
            None => {
                url.push_str(&host);
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
        Ok(url)
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
        Endpoint::new(config)?.url(
            &Route::of("GetObject"),
            config.region(),
            bucket,
            path,
            query,
        )
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
    fn routes_of_other_services_and_host_prefixes() {
        let lambda = Route {
            operation: "WriteGetObjectResponse",
            service: Some("s3-object-lambda"),
            host_prefix: Some("io-1."),
            ..Route::default()
        };
        let aws = Endpoint::new(&cfg(None, false)).unwrap();
        assert_eq!(
            aws.url(&lambda, "eu-west-1", None, "/WriteGetObjectResponse", &[])
                .unwrap(),
            "https://io-1.s3-object-lambda.eu-west-1.amazonaws.com/WriteGetObjectResponse"
        );
        let custom = Endpoint::new(&cfg(Some("http://minio.local:9000/base"), false)).unwrap();
        assert_eq!(
            custom
                .url(&lambda, "eu-west-1", None, "/WriteGetObjectResponse", &[])
                .unwrap(),
            "http://io-1.minio.local:9000/base/WriteGetObjectResponse"
        );
    }

    #[test]
    fn directory_buckets_as_botocore_routes_them() {
        // Every URL here is what botocore 1.44.8's endpoint rules give for the same call.
        let zonal = Route::of("PutObject");
        let control = Route {
            express: S3Express::ControlEndpoint,
            ..Route::of("GetBucketPolicy")
        };
        let b = Some("mybucket--usw2-az1--x-s3");
        let at = |config: Config, route: &Route<'_>, bucket, path: &str, query: &[&str]| {
            let query: Vec<String> = query.iter().map(|q| q.to_string()).collect();
            Endpoint::new(&config)
                .and_then(|e| e.url(route, "us-west-2", bucket, path, &query))
                .map_err(|e| e.to_string())
        };
        let aws = || Config::builder().region("us-west-2");
        let cases = [
            (
                aws().build(),
                &zonal,
                b,
                "/k",
                vec![],
                Ok("https://mybucket--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com/k"),
            ),
            (
                aws().build(),
                &zonal,
                b,
                "",
                vec!["session"],
                Ok(
                    "https://mybucket--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com/?session",
                ),
            ),
            (
                aws().force_path_style(true).build(),
                &zonal,
                b,
                "/k",
                vec![],
                Ok("https://mybucket--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com/k"),
            ),
            (
                aws().use_fips(true).build(),
                &zonal,
                b,
                "/k",
                vec![],
                Ok(
                    "https://mybucket--usw2-az1--x-s3.s3express-fips-usw2-az1.us-west-2.amazonaws.com/k",
                ),
            ),
            (
                aws().use_dual_stack(true).build(),
                &zonal,
                b,
                "/k",
                vec![],
                Ok(
                    "https://mybucket--usw2-az1--x-s3.s3express-usw2-az1.dualstack.us-west-2.amazonaws.com/k",
                ),
            ),
            (
                aws().use_fips(true).use_dual_stack(true).build(),
                &zonal,
                b,
                "/k",
                vec![],
                Ok(
                    "https://mybucket--usw2-az1--x-s3.s3express-fips-usw2-az1.dualstack.us-west-2.amazonaws.com/k",
                ),
            ),
            (
                aws().build(),
                &zonal,
                Some("my--usw2-lax1-az1--x-s3"),
                "",
                vec!["session"],
                Ok(
                    "https://my--usw2-lax1-az1--x-s3.s3express-usw2-lax1-az1.us-west-2.amazonaws.com/?session",
                ),
            ),
            (
                aws().build(),
                &zonal,
                Some("my--use1-az4--xa-s3"),
                "",
                vec!["session"],
                Ok(
                    "https://my--use1-az4--xa-s3.s3express-use1-az4.us-west-2.amazonaws.com/?session",
                ),
            ),
            (
                aws().build(),
                &control,
                b,
                "",
                vec!["policy"],
                Ok(
                    "https://s3express-control.us-west-2.amazonaws.com/mybucket--usw2-az1--x-s3?policy",
                ),
            ),
            (
                aws().use_fips(true).build(),
                &control,
                None,
                "",
                vec!["max-directory-buckets=5"],
                Ok(
                    "https://s3express-control-fips.us-west-2.amazonaws.com/?max-directory-buckets=5",
                ),
            ),
            (
                aws().use_dual_stack(true).build(),
                &control,
                None,
                "",
                vec![],
                Ok("https://s3express-control.dualstack.us-west-2.amazonaws.com/"),
            ),
            // A general purpose bucket is not routed by the control flag.
            (
                aws().build(),
                &control,
                Some("plain"),
                "",
                vec!["policy"],
                Ok("https://plain.s3.us-west-2.amazonaws.com/?policy"),
            ),
            (
                Config::builder()
                    .endpoint_url("http://store.test:9000")
                    .build(),
                &zonal,
                b,
                "/k",
                vec![],
                Ok("http://mybucket--usw2-az1--x-s3.store.test:9000/k"),
            ),
            (
                Config::builder()
                    .endpoint_url("http://store.test:9000")
                    .force_path_style(true)
                    .build(),
                &control,
                b,
                "",
                vec!["policy"],
                Ok("http://mybucket--usw2-az1--x-s3.store.test:9000/?policy"),
            ),
            (
                Config::builder()
                    .endpoint_url("http://127.0.0.1:9000")
                    .build(),
                &zonal,
                b,
                "",
                vec!["session"],
                Ok("http://127.0.0.1:9000/mybucket--usw2-az1--x-s3?session"),
            ),
            (
                Config::builder()
                    .endpoint_url("http://store.test:9000")
                    .build(),
                &control,
                None,
                "",
                vec!["max-directory-buckets=5"],
                Ok("http://store.test:9000/?max-directory-buckets=5"),
            ),
            (
                aws().accelerate(true).build(),
                &zonal,
                b,
                "/k",
                vec![],
                Err("no Transfer Acceleration"),
            ),
            (
                aws().build(),
                &zonal,
                Some("x--x-s3"),
                "/k",
                vec![],
                Err("\"x--x-s3\" is not a valid directory bucket name"),
            ),
            (
                aws().build(),
                &zonal,
                Some("My--usw2-az1--x-s3"),
                "/k",
                vec![],
                Err("host name label"),
            ),
        ];
        for (config, route, bucket, path, query, want) in cases {
            let got = at(config, route, bucket, path, &query);
            match want {
                Ok(url) => assert_eq!(got.as_deref(), Ok(url)),
                Err(part) => {
                    let err = got.unwrap_err();
                    assert!(err.contains(part), "{bucket:?}: {err}");
                }
            }
        }
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
            e.url(
                &Route::of("GetObject"),
                "ap-south-1",
                Some("my-bucket"),
                "/k",
                &[]
            )
            .unwrap(),
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

    fn aws(
        region: &str,
        fips: bool,
        dual_stack: bool,
        accelerate: bool,
    ) -> Result<Endpoint, BuildError> {
        let mut c = Config::builder().region(region).build();
        c.use_fips = fips;
        c.use_dual_stack = dual_stack;
        c.accelerate = accelerate;
        Endpoint::new(&c)
    }

    #[test]
    fn partitions_and_variants() {
        let cases = [
            // region, fips, dual-stack, accelerate, host of a GetObject on "bkt"
            (
                "eu-west-1",
                false,
                false,
                false,
                "bkt.s3.eu-west-1.amazonaws.com",
            ),
            (
                "us-east-1",
                true,
                false,
                false,
                "bkt.s3-fips.us-east-1.amazonaws.com",
            ),
            (
                "us-east-1",
                false,
                true,
                false,
                "bkt.s3.dualstack.us-east-1.amazonaws.com",
            ),
            (
                "us-east-1",
                true,
                true,
                false,
                "bkt.s3-fips.dualstack.us-east-1.amazonaws.com",
            ),
            (
                "us-west-2",
                false,
                false,
                true,
                "bkt.s3-accelerate.amazonaws.com",
            ),
            (
                "us-west-2",
                false,
                true,
                true,
                "bkt.s3-accelerate.dualstack.amazonaws.com",
            ),
            (
                "cn-north-1",
                false,
                false,
                false,
                "bkt.s3.cn-north-1.amazonaws.com.cn",
            ),
            (
                "cn-northwest-1",
                false,
                true,
                false,
                "bkt.s3.dualstack.cn-northwest-1.amazonaws.com.cn",
            ),
            (
                "us-gov-west-1",
                true,
                false,
                false,
                "bkt.s3-fips.us-gov-west-1.amazonaws.com",
            ),
            (
                "us-iso-east-1",
                false,
                false,
                false,
                "bkt.s3.us-iso-east-1.c2s.ic.gov",
            ),
            (
                "us-isob-east-1",
                false,
                false,
                false,
                "bkt.s3.us-isob-east-1.sc2s.sgov.gov",
            ),
        ];
        for (region, fips, dual, accel, host) in cases {
            let e = aws(region, fips, dual, accel).unwrap();
            let url = e
                .url(&Route::of("GetObject"), region, Some("bkt"), "/k", &[])
                .unwrap();
            assert_eq!(
                url,
                format!("https://{host}/k"),
                "{region} fips={fips} dual={dual} accel={accel}"
            );
        }
        // Not offered in the partition: an error that says so.
        for (region, fips, dual, accel, says) in [
            (
                "cn-north-1",
                true,
                false,
                false,
                "FIPS endpoints are not available in aws-cn",
            ),
            (
                "cn-north-1",
                false,
                false,
                true,
                "Transfer Acceleration endpoints are not available in aws-cn",
            ),
            (
                "us-iso-east-1",
                false,
                true,
                false,
                "dual-stack endpoints are not available in aws-iso",
            ),
            ("us-east-1", true, false, true, "no FIPS endpoints"),
        ] {
            let err = aws(region, fips, dual, accel).unwrap_err();
            assert!(err.message().contains(says), "{err}");
        }
        // Accelerate: not for bucket creation or listing buckets, and only DNS-style names.
        let e = aws("us-west-2", false, false, true).unwrap();
        assert_eq!(
            e.url(
                &Route::of("CreateBucket"),
                "us-west-2",
                Some("bkt"),
                "",
                &[]
            )
            .unwrap(),
            "https://bkt.s3.us-west-2.amazonaws.com/"
        );
        assert!(
            e.url(
                &Route::of("GetObject"),
                "us-west-2",
                Some("a.b.c"),
                "/k",
                &[]
            )
            .is_err()
        );
        assert_eq!(
            aws_host("sts", "cn-north-1"),
            "sts.cn-north-1.amazonaws.com.cn"
        );
        // A custom endpoint cannot be combined with the AWS variants.
        let mut c = cfg(Some("http://127.0.0.1:9000"), false);
        c.use_fips = true;
        assert!(Endpoint::new(&c).is_err());
    }
}
