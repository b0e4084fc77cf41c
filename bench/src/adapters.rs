//! The clients under test, behind one trait: s3-client (its defaults, and with checksums
//! off), the floor (reqwest + aws-sigv4, no modelling at all) and aws-sdk-s3.

use std::path::Path;
use std::time::SystemTime;

use bytes::Bytes;
use futures_util::StreamExt;

pub type Error = Box<dyn std::error::Error + Send + Sync>;

pub const ACCESS_KEY: &str = "AKIDBENCHMARK";
pub const SECRET_KEY: &str = "bench-secret";
pub const BUCKET: &str = "bench";
/// The bucket listed: 1,000 keys of its own, so that a server that walks its files to
/// list (s3s-fs) walks only those.
pub const LIST_BUCKET: &str = "bench-list";

/// What a workload asks of a client.
pub trait Adapter {
    /// PutObject of a body in memory.
    async fn put(&self, key: &str, body: Bytes) -> Result<(), Error>;
    /// GetObject, read whole; the bytes read.
    async fn get(&self, key: &str) -> Result<usize, Error>;
    /// ListObjectsV2, parsed; the keys read.
    async fn list(&self) -> Result<usize, Error>;
    /// PutObject of a file, streamed.
    async fn put_file(&self, key: &str, path: &Path) -> Result<(), Error>;
    /// GetObject, streamed and dropped; the bytes read.
    async fn get_stream(&self, key: &str) -> Result<u64, Error>;
}

/// s3-client with its defaults (CRC32 on uploads, checks on downloads, a body in memory
/// signed by its SHA-256 over http, as boto3 and aws-sdk-s3 do), or sending what the
/// floor sends: no checksums, `UNSIGNED-PAYLOAD`.
pub struct S3Client(s3_client::Client);

impl S3Client {
    pub fn new(endpoint: &str, defaults: bool) -> Self {
        use s3_client::{RequestChecksumCalculation, ResponseChecksumValidation};
        let mut config = s3_client::Config::builder()
            .region("us-east-1")
            .endpoint_url(endpoint)
            .force_path_style(true)
            .credentials(s3_client::Credentials::new(
                ACCESS_KEY, SECRET_KEY, None, None, "bench",
            ));
        if !defaults {
            config = config
                .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
                .response_checksum_validation(ResponseChecksumValidation::WhenRequired)
                .payload_signing_enabled(false);
        }
        S3Client(s3_client::Client::new(config.build()))
    }
}

/// The same calls on s3-client and aws-sdk-s3: s3-client ports aws-sdk-s3 code unchanged.
macro_rules! sdk_adapter {
    ($adapter:ident, $sdk:ident) => {
        impl Adapter for $adapter {
            async fn put(&self, key: &str, body: Bytes) -> Result<(), Error> {
                self.0
                    .put_object()
                    .bucket(BUCKET)
                    .key(key)
                    .body(body.into())
                    .send()
                    .await?;
                Ok(())
            }

            async fn get(&self, key: &str) -> Result<usize, Error> {
                let out = self.0.get_object().bucket(BUCKET).key(key).send().await?;
                Ok(out.body.collect().await?.into_bytes().len())
            }

            async fn list(&self) -> Result<usize, Error> {
                let out = self.0.list_objects_v2().bucket(LIST_BUCKET).send().await?;
                Ok(out.contents().len())
            }

            async fn put_file(&self, key: &str, path: &Path) -> Result<(), Error> {
                let body = $sdk::primitives::ByteStream::from_path(path).await?;
                self.0
                    .put_object()
                    .bucket(BUCKET)
                    .key(key)
                    .body(body)
                    .send()
                    .await?;
                Ok(())
            }

            async fn get_stream(&self, key: &str) -> Result<u64, Error> {
                let mut out = self.0.get_object().bucket(BUCKET).key(key).send().await?;
                let mut n = 0;
                while let Some(chunk) = out.body.try_next().await? {
                    n += chunk.len() as u64;
                }
                Ok(n)
            }
        }
    };
}

sdk_adapter!(S3Client, s3_client);

/// The floor: each request signed by aws-sigv4 (`UNSIGNED-PAYLOAD`, no checksum) and sent
/// by reqwest; a listing parsed by quick-xml into its keys, nothing else.
pub struct Floor {
    http: reqwest::Client,
    endpoint: String,
    host: String,
    identity: aws_smithy_runtime_api::client::identity::Identity,
}

impl Floor {
    pub fn new(endpoint: &str) -> Self {
        Floor {
            http: reqwest::Client::new(),
            endpoint: endpoint.to_string(),
            host: endpoint.trim_start_matches("http://").to_string(),
            identity: aws_credential_types::Credentials::new(
                ACCESS_KEY, SECRET_KEY, None, None, "bench",
            )
            .into(),
        }
    }

    /// `method url` with its signature headers.
    fn signed(
        &self,
        method: reqwest::Method,
        url: &str,
        length: Option<u64>,
    ) -> Result<reqwest::RequestBuilder, Error> {
        use aws_sigv4::http_request::{
            PayloadChecksumKind, SignableBody, SignableRequest, SigningSettings, sign,
        };
        let mut settings = SigningSettings::default();
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        let params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&self.identity)
            .region("us-east-1")
            .name("s3")
            .time(SystemTime::now())
            .settings(settings)
            .build()?
            .into();
        let length = length.map(|n| n.to_string());
        let mut headers = vec![("host", self.host.as_str())];
        if let Some(n) = &length {
            headers.push(("content-length", n.as_str()));
        }
        let request = SignableRequest::new(
            method.as_str(),
            url,
            headers.iter().copied(),
            SignableBody::UnsignedPayload,
        )?;
        let (instructions, _) = sign(request, &params)?.into_parts();
        let mut builder = self.http.request(method, url);
        if let Some(n) = &length {
            builder = builder.header("content-length", n.as_str());
        }
        for (k, v) in instructions.headers() {
            builder = builder.header(k, v);
        }
        Ok(builder)
    }

    fn url(&self, key: &str) -> String {
        format!("{}/{BUCKET}/{key}", self.endpoint)
    }

    async fn ok(response: reqwest::Response) -> Result<reqwest::Response, Error> {
        if response.status().is_success() {
            Ok(response)
        } else {
            Err(format!("status {}", response.status()).into())
        }
    }
}

impl Adapter for Floor {
    async fn put(&self, key: &str, body: Bytes) -> Result<(), Error> {
        let url = self.url(key);
        let length = body.len() as u64;
        let request = self
            .signed(reqwest::Method::PUT, &url, Some(length))?
            .body(body);
        Self::ok(request.send().await?).await?;
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<usize, Error> {
        let url = self.url(key);
        let response = Self::ok(
            self.signed(reqwest::Method::GET, &url, None)?
                .send()
                .await?,
        )
        .await?;
        Ok(response.bytes().await?.len())
    }

    async fn list(&self) -> Result<usize, Error> {
        let url = format!("{}/{LIST_BUCKET}?list-type=2", self.endpoint);
        let response = Self::ok(
            self.signed(reqwest::Method::GET, &url, None)?
                .send()
                .await?,
        )
        .await?;
        let body = response.bytes().await?;
        // A plain quick-xml parse: each <Contents> into a struct of its fields, the size
        // as a number, the rest as text (no timestamps or enums parsed).
        #[derive(Default)]
        #[allow(dead_code, reason = "parsed as a client would; not every store sends all")]
        struct Entry {
            key: String,
            last_modified: String,
            e_tag: String,
            size: u64,
            storage_class: String,
            checksum_algorithm: String,
            checksum_type: String,
        }
        let mut reader = quick_xml::Reader::from_reader(body.as_ref());
        let mut keys: Vec<Entry> = Vec::new();
        loop {
            match reader.read_event()? {
                quick_xml::events::Event::Start(e) => {
                    if e.name().as_ref() == b"Contents" {
                        keys.push(Entry::default());
                        continue;
                    }
                    let Some(entry) = keys.last_mut() else {
                        continue;
                    };
                    let raw = reader.read_text(e.name())?.into_inner();
                    let text =
                        quick_xml::escape::unescape(std::str::from_utf8(&raw)?)?.into_owned();
                    match e.name().as_ref() {
                        b"Key" => entry.key = text,
                        b"LastModified" => entry.last_modified = text,
                        b"ETag" => entry.e_tag = text,
                        b"Size" => entry.size = text.parse()?,
                        b"StorageClass" => entry.storage_class = text,
                        b"ChecksumAlgorithm" => entry.checksum_algorithm = text,
                        b"ChecksumType" => entry.checksum_type = text,
                        _ => {}
                    }
                }
                quick_xml::events::Event::Eof => break,
                _ => {}
            }
        }
        // Every entry has these; the ETag, storage class and checksums come from S3 and
        // the canned server, not from every store (s3s-fs lists none of them).
        let parsed = keys
            .iter()
            .filter(|e| !e.key.is_empty() && e.size > 0 && !e.last_modified.is_empty())
            .count();
        if parsed != keys.len() {
            return Err("a listing entry lacks a field".into());
        }
        Ok(keys.len())
    }

    async fn put_file(&self, key: &str, path: &Path) -> Result<(), Error> {
        let url = self.url(key);
        let length = tokio::fs::metadata(path).await?.len();
        let file = tokio::fs::File::open(path).await?;
        let stream = tokio_util::io::ReaderStream::with_capacity(file, 128 * 1024);
        let request = self
            .signed(reqwest::Method::PUT, &url, Some(length))?
            .body(reqwest::Body::wrap_stream(stream));
        Self::ok(request.send().await?).await?;
        Ok(())
    }

    async fn get_stream(&self, key: &str) -> Result<u64, Error> {
        let url = self.url(key);
        let response = Self::ok(
            self.signed(reqwest::Method::GET, &url, None)?
                .send()
                .await?,
        )
        .await?;
        let mut body = response.bytes_stream();
        let mut n = 0;
        while let Some(chunk) = body.next().await {
            n += chunk?.len() as u64;
        }
        Ok(n)
    }
}

/// aws-sdk-s3 with its defaults.
pub struct AwsSdk(aws_sdk_s3::Client);

impl AwsSdk {
    pub fn new(endpoint: &str) -> Self {
        let config = aws_sdk_s3::Config::builder()
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .region(aws_sdk_s3::config::Region::new("us-east-1"))
            .endpoint_url(endpoint)
            .force_path_style(true)
            .credentials_provider(aws_sdk_s3::config::Credentials::new(
                ACCESS_KEY, SECRET_KEY, None, None, "bench",
            ))
            .build();
        AwsSdk(aws_sdk_s3::Client::from_conf(config))
    }
}

sdk_adapter!(AwsSdk, aws_sdk_s3);
