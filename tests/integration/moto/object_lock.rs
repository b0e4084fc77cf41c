//! Object Lock, legal holds, retention and GetObjectAttributes against moto: each setting
//! put, read back and compared with what was sent.

use s3_client::primitives::{ByteStream, DateTime};
use s3_client::types::{
    ChecksumAlgorithm, DefaultRetention, ObjectAttributes, ObjectLockConfiguration,
    ObjectLockEnabled, ObjectLockLegalHold, ObjectLockLegalHoldStatus, ObjectLockRetention,
    ObjectLockRetentionMode, ObjectLockRule, StorageClass,
};

/// A moto bucket created with Object Lock enabled (which also turns on versioning).
async fn locked_bucket(prefix: &str) -> (s3_client::Client, String) {
    let client = s3_client_tests::moto_client();
    let bucket = s3_client_tests::unique_bucket(prefix);
    client
        .create_bucket()
        .bucket(&bucket)
        .object_lock_enabled_for_bucket(true)
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_bucket {bucket} with Object Lock on moto: {e}"));
    (client, bucket)
}

#[tokio::test]
async fn object_lock_configuration_put_get() {
    let (client, bucket) = locked_bucket("lock-config").await;
    let configuration = ObjectLockConfiguration {
        object_lock_enabled: Some(ObjectLockEnabled::Enabled),
        rule: Some(ObjectLockRule {
            default_retention: Some(DefaultRetention {
                mode: Some(ObjectLockRetentionMode::Governance),
                days: Some(3),
                ..Default::default()
            }),
        }),
    };
    client
        .put_object_lock_configuration()
        .bucket(&bucket)
        .object_lock_configuration(configuration.clone())
        .send()
        .await
        .unwrap();
    let got = client
        .get_object_lock_configuration()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    // moto writes `<Years>0</Years>` beside the days it was given; S3 leaves it out.
    let mut expected = configuration;
    if let Some(retention) = expected
        .rule
        .as_mut()
        .and_then(|r| r.default_retention.as_mut())
    {
        retention.years = Some(0);
    }
    assert_eq!(got.object_lock_configuration, Some(expected));
}

#[tokio::test]
async fn legal_hold_and_retention_put_get() {
    let (client, bucket) = locked_bucket("lock-object").await;
    let put = client
        .put_object()
        .bucket(&bucket)
        .key("held/report.csv")
        .body(ByteStream::from_static(b"a,b\n1,2\n"))
        .send()
        .await
        .unwrap();
    let version = put
        .version_id
        .clone()
        .expect("a locked bucket is versioned");

    for status in [
        ObjectLockLegalHoldStatus::On,
        ObjectLockLegalHoldStatus::Off,
    ] {
        client
            .put_object_legal_hold()
            .bucket(&bucket)
            .key("held/report.csv")
            .legal_hold(ObjectLockLegalHold {
                status: Some(status.clone()),
            })
            .send()
            .await
            .unwrap();
        let got = client
            .get_object_legal_hold()
            .bucket(&bucket)
            .key("held/report.csv")
            .version_id(&version)
            .send()
            .await
            .unwrap();
        assert_eq!(got.legal_hold.and_then(|h| h.status), Some(status));
    }

    // A whole second a day from now: the wire carries seconds.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let until = DateTime::from_secs(now as i64 + 86_400);
    let retention = ObjectLockRetention {
        mode: Some(ObjectLockRetentionMode::Governance),
        retain_until_date: Some(until),
        ..Default::default()
    };
    client
        .put_object_retention()
        .bucket(&bucket)
        .key("held/report.csv")
        .retention(retention.clone())
        .send()
        .await
        .unwrap();
    // moto has no GetObjectRetention (see `crate::gaps`); the object's headers carry the
    // retention it stored.
    let head = client
        .head_object()
        .bucket(&bucket)
        .key("held/report.csv")
        .send()
        .await
        .unwrap();
    assert_eq!(
        head.object_lock_mode.as_ref().map(|m| m.as_str()),
        retention.mode.as_ref().map(|m| m.as_str())
    );
    assert_eq!(
        head.object_lock_retain_until_date,
        retention.retain_until_date
    );
}

#[tokio::test]
async fn object_attributes_match_the_upload() {
    let (client, bucket) = super::bucket("attributes").await;
    let body = b"the attributes of this object".repeat(40);
    let put = client
        .put_object()
        .bucket(&bucket)
        .key("docs/attributes.txt")
        .checksum_algorithm(ChecksumAlgorithm::Crc32)
        .body(ByteStream::from(body.clone()))
        .send()
        .await
        .unwrap();
    let got = client
        .get_object_attributes()
        .bucket(&bucket)
        .key("docs/attributes.txt")
        .object_attributes(ObjectAttributes::ETag)
        .object_attributes(ObjectAttributes::Checksum)
        .object_attributes(ObjectAttributes::ObjectSize)
        .object_attributes(ObjectAttributes::StorageClass)
        .send()
        .await
        .unwrap();
    // The attribute is the ETag without its quotes.
    let etag = put.e_tag.expect("PutObject returns the ETag");
    assert_eq!(got.e_tag.as_deref(), Some(etag.trim_matches('"')));
    assert_eq!(got.object_size, Some(body.len() as i64));
    assert_eq!(got.storage_class, Some(StorageClass::Standard));
    let sent = put
        .checksum_crc32
        .expect("PutObject echoes the CRC32 it was sent");
    assert_eq!(
        got.checksum.and_then(|c| c.checksum_crc32),
        Some(sent),
        "the checksum the object was stored with"
    );
}
