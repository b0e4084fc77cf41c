//! Where requests go and what they carry for each kind of endpoint: TLS roots, AWS's
//! partitions and endpoint variants, and store profiles, checked on the wire. AWS host
//! names are pointed at a local TLS server with `resolve` (as curl's `--resolve`), so the
//! server sees the exact `Host` and signing region a real request would have.

use std::net::SocketAddr;

use s3_client::primitives::ByteStream;
use s3_client::types::{Delete, ObjectIdentifier};
use s3_client::{Client, Config, ConfigBuilder, Credentials, SdkError, Store};

use crate::recorder::{Plan, Recorded, Recorder, TEST_CA, ok, serve, tls_front};

async fn tls_server() -> (Recorder, SocketAddr) {
    let server =
        serve(|_, _| Plan::reply(ok("200 OK", &[("etag", "\"e\"")], b"<DeleteResult/>"))).await;
    let addr = tls_front(&server).await;
    (server, addr)
}

fn keys(b: ConfigBuilder) -> ConfigBuilder {
    b.credentials(Credentials::new("AKID", "SECRET", None, None, "test"))
}

/// The region in a request's credential scope.
fn signed_region(r: &Recorded) -> String {
    let auth = r.header("authorization").unwrap();
    auth.split("Credential=")
        .nth(1)
        .unwrap()
        .split('/')
        .nth(2)
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn tls_trusts_extra_roots_and_nothing_it_should_not() {
    let (server, addr) = tls_server().await;
    let endpoint = format!("https://localhost:{}", addr.port());
    let at = |b: ConfigBuilder| {
        Client::new(
            keys(b)
                .endpoint_url(&endpoint)
                .resolve("localhost", addr)
                .build(),
        )
    };
    // The system's roots do not know the test CA.
    let err = at(Config::builder())
        .head_bucket()
        .bucket("b")
        .send()
        .await
        .unwrap_err();
    let SdkError::DispatchFailure(e) = &err else {
        panic!("{err:?}")
    };
    assert!(e.is_connect(), "{err}");
    assert!(
        err.to_string().to_lowercase().contains("certificate"),
        "{err}"
    );
    assert!(server.received().is_empty());
    // A CA bundle file, PEM text, or AWS_CA_BUNDLE: trusted.
    at(Config::builder().ca_bundle(TEST_CA))
        .head_bucket()
        .bucket("b")
        .send()
        .await
        .unwrap();
    let pem = std::fs::read(TEST_CA).unwrap();
    at(Config::builder().add_root_certificates_pem(pem))
        .head_bucket()
        .bucket("b")
        .send()
        .await
        .unwrap();
    let home = std::env::temp_dir().display().to_string();
    let from_env = Config::builder()
        .from_env_vars([
            ("AWS_CA_BUNDLE", TEST_CA),
            ("HOME", home.as_str()),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ])
        .unwrap();
    at(from_env).head_bucket().bucket("b").send().await.unwrap();
    // A bundle that is not one fails the request, naming the file.
    let err = at(Config::builder().ca_bundle("/etc/hostname"))
        .head_bucket()
        .bucket("b")
        .send()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("CA bundle /etc/hostname"), "{err}");
    // The insecure switch accepts any certificate (here one for another name).
    let other = Client::new(
        keys(Config::builder())
            .endpoint_url(format!("https://not-the-cert-name.test:{}", addr.port()))
            .resolve("not-the-cert-name.test", addr)
            .accept_invalid_certificates(true)
            .build(),
    );
    other.head_bucket().bucket("b").send().await.unwrap();
    assert_eq!(server.received().len(), 4);
}

/// Sends a GetObject for `bkt/k` with `settings`, resolving `host` to the local server;
/// returns what the server received.
async fn on_the_wire(
    region: &str,
    host: &str,
    settings: impl FnOnce(ConfigBuilder) -> ConfigBuilder,
) -> Recorded {
    let (server, addr) = tls_server().await;
    let client = Client::new(
        settings(keys(Config::builder()).region(region))
            .resolve(host, addr)
            .accept_invalid_certificates(true)
            .build(),
    );
    client
        .get_object()
        .bucket("bkt")
        .key("k")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{host}: {e}"));
    server.received().remove(0)
}

/// Settings applied to a configuration builder.
type Settings = fn(ConfigBuilder) -> ConfigBuilder;

#[tokio::test]
async fn aws_partitions_and_endpoint_variants_on_the_wire() {
    let cases: &[(&str, &str, Settings)] = &[
        ("eu-west-1", "bkt.s3.eu-west-1.amazonaws.com", |c| c),
        ("us-east-1", "bkt.s3-fips.us-east-1.amazonaws.com", |c| {
            c.use_fips(true)
        }),
        (
            "us-east-2",
            "bkt.s3.dualstack.us-east-2.amazonaws.com",
            |c| c.use_dual_stack(true),
        ),
        (
            "us-gov-west-1",
            "bkt.s3-fips.dualstack.us-gov-west-1.amazonaws.com",
            |c| c.use_fips(true).use_dual_stack(true),
        ),
        ("us-west-2", "bkt.s3-accelerate.amazonaws.com", |c| {
            c.accelerate(true)
        }),
        ("cn-north-1", "bkt.s3.cn-north-1.amazonaws.com.cn", |c| c),
        (
            "cn-northwest-1",
            "s3.cn-northwest-1.amazonaws.com.cn",
            |c| c.force_path_style(true),
        ),
    ];
    for (region, host, settings) in cases {
        let r = on_the_wire(region, host, *settings).await;
        assert_eq!(r.header("host"), Some(*host));
        assert_eq!(signed_region(&r), *region, "{host}");
        let path = if host.starts_with("bkt.") {
            "/k"
        } else {
            "/bkt/k"
        };
        assert_eq!(r.target, path, "{host}");
    }
    // The same settings from the environment and the profile.
    let home = std::env::temp_dir().join(s3_client_tests::unique_bucket("endpoints"));
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    std::fs::write(
        home.join(".aws/config"),
        "[default]\nregion = us-east-1\ns3 =\n  use_accelerate_endpoint = true\n",
    )
    .unwrap();
    let config = Config::builder()
        .from_env_vars([
            ("HOME", home.to_str().unwrap()),
            ("AWS_USE_DUALSTACK_ENDPOINT", "true"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ])
        .unwrap()
        .build();
    assert!(config.use_dual_stack() && config.accelerate() && !config.use_fips());
    let r = on_the_wire(
        "us-east-1",
        "bkt.s3-accelerate.dualstack.amazonaws.com",
        |c| c.use_dual_stack(true).accelerate(true),
    )
    .await;
    assert_eq!(
        r.header("host"),
        Some("bkt.s3-accelerate.dualstack.amazonaws.com")
    );
    std::fs::remove_dir_all(&home).unwrap();

    // What a partition lacks is an error before sending.
    let client = Client::new(
        keys(Config::builder())
            .region("cn-north-1")
            .use_fips(true)
            .build(),
    );
    let err = client.head_bucket().bucket("b").send().await.unwrap_err();
    assert!(matches!(err, SdkError::ConstructionFailure(_)), "{err:?}");
    assert!(
        err.to_string()
            .contains("FIPS endpoints are not available in aws-cn"),
        "{err}"
    );
}

#[tokio::test]
async fn store_profiles_set_what_each_store_needs() {
    // R2: its account host, region `auto`, path style, Content-MD5 where a checksum is
    // required and no flexible checksums otherwise, no response checksum mode.
    let (server, addr) = tls_server().await;
    let host = "acct123.r2.cloudflarestorage.com";
    let r2 = Client::new(
        keys(Config::builder())
            .store(Store::R2 {
                account_id: "acct123".into(),
                jurisdiction: None,
            })
            .resolve(host, addr)
            .accept_invalid_certificates(true)
            .build(),
    );
    r2.put_object()
        .bucket("bkt")
        .key("k")
        .body(ByteStream::from_static(b"data"))
        .send()
        .await
        .unwrap();
    r2.get_object().bucket("bkt").key("k").send().await.unwrap();
    r2.delete_objects()
        .bucket("bkt")
        .delete(Delete {
            objects: Some(vec![ObjectIdentifier {
                key: Some("k".into()),
                ..Default::default()
            }]),
            quiet: None,
        })
        .send()
        .await
        .unwrap();
    let sent = server.received();
    assert_eq!(sent.len(), 3);
    for r in &sent {
        assert_eq!(r.header("host"), Some(host));
        assert_eq!(signed_region(r), "auto");
        assert!(r.target.starts_with("/bkt"), "{}", r.target);
        assert!(
            r.headers.iter().all(
                |(n, _)| !n.to_ascii_lowercase().starts_with("x-amz-checksum")
                    && !n.eq_ignore_ascii_case("x-amz-sdk-checksum-algorithm")
            ),
            "{r:?}"
        );
    }
    assert_eq!(sent[0].header("content-md5"), None);
    assert!(sent[2].header("content-md5").is_some());
    // What R2 does not implement fails before sending, naming the store.
    let err = r2
        .get_bucket_tagging()
        .bucket("bkt")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::ConstructionFailure(_)), "{err:?}");
    assert!(
        err.to_string()
            .contains("Cloudflare R2 does not implement GetBucketTagging"),
        "{err}"
    );
    assert_eq!(server.received().len(), 3);
    assert_eq!(r2.config().store().unwrap().name, "Cloudflare R2");

    // OCI: DeleteObjects with CRC32C, not the CRC32 it refuses; its regional host.
    let (server, addr) = tls_server().await;
    let host = "ns1.compat.objectstorage.eu-frankfurt-1.oraclecloud.com";
    let oci = Client::new(
        keys(Config::builder())
            .store(Store::OciObjectStorage {
                namespace: "ns1".into(),
                region: "eu-frankfurt-1".into(),
            })
            .resolve(host, addr)
            .accept_invalid_certificates(true)
            .build(),
    );
    oci.delete_objects()
        .bucket("bkt")
        .delete(Delete {
            objects: Some(vec![ObjectIdentifier {
                key: Some("k".into()),
                ..Default::default()
            }]),
            quiet: None,
        })
        .send()
        .await
        .unwrap();
    let r = &server.received()[0];
    assert_eq!(
        (r.header("host"), signed_region(r).as_str()),
        (Some(host), "eu-frankfurt-1")
    );
    assert!(
        r.header("x-amz-checksum-crc32c").is_some() && r.header("x-amz-checksum-crc32").is_none(),
        "{r:?}"
    );
    assert_eq!(r.header("x-amz-sdk-checksum-algorithm"), Some("CRC32C"));

    // A store chosen by name in the environment keeps the environment's endpoint; what
    // the builder sets explicitly wins over the store.
    let (server, _) = tls_server().await;
    let config = Config::builder()
        .from_env_vars([
            ("S3_STORE", "b2"),
            ("AWS_ENDPOINT_URL", server.endpoint.as_str()),
            ("AWS_REGION", "us-west-004"),
            ("AWS_ACCESS_KEY_ID", "AKB2"),
            ("AWS_SECRET_ACCESS_KEY", "SKB2"),
            ("HOME", "/nonexistent"),
        ])
        .unwrap()
        .build();
    assert_eq!(config.store().unwrap().name, "Backblaze B2");
    let b2 = Client::new(config);
    b2.get_object().bucket("bkt").key("k").send().await.unwrap();
    let r = &server.received()[0];
    assert_eq!(
        r.header("x-amz-checksum-mode"),
        None,
        "B2 refuses x-amz-checksum-mode"
    );
    assert_eq!(signed_region(r), "us-west-004");
    let explicit = Config::builder()
        .store(Store::R2 {
            account_id: "a".into(),
            jurisdiction: Some("eu".into()),
        })
        .region("wnam")
        .build();
    assert_eq!(
        (explicit.region(), explicit.endpoint_url()),
        ("wnam", Some("https://a.eu.r2.cloudflarestorage.com"))
    );

    // A custom profile.
    let mine = s3_client::StoreProfile {
        unsupported: vec!["GetObjectTorrent".into()],
        ..s3_client::StoreProfile::new("My Store")
    };
    let client = Client::new(
        keys(Config::builder())
            .endpoint_url(&server.endpoint)
            .store(mine)
            .build(),
    );
    let err = client
        .get_object_torrent()
        .bucket("bkt")
        .key("k")
        .send()
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("My Store does not implement GetObjectTorrent"),
        "{err}"
    );
}
