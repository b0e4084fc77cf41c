//! What Garage does not implement, each with the reason: the Garage store profile fails
//! these before sending, and this test sends each one anyway (with the check off) to see
//! that Garage still refuses it, so the list stays true.

use serde_json::{Value, json};

use s3_client::{Client, Store};
use s3_client_tests::Garage;

/// The reason Garage gives for a whole group (its S3 compatibility page).
const VENDOR: &str =
    "an AWS-specific feature Garage does not implement (S3 compatibility page: vendor-specific)";
const ACL: &str = "Garage has per-key permissions instead of ACLs and bucket policies";
const NOT_YET: &str = "not implemented by Garage 2.5 (S3 compatibility page)";

/// Operation, reason, and a valid input (bucket `B`, key `k`).
fn gaps(b: &str) -> Vec<(&'static str, &'static str, Value)> {
    let id = json!({"Bucket": b, "Id": "cfg"});
    let bucket = json!({"Bucket": b});
    let object = json!({"Bucket": b, "Key": "k"});
    let tags = json!({"TagSet": [{"Key": "k", "Value": "v"}]});
    vec![
        ("DeleteBucketAnalyticsConfiguration", VENDOR, id.clone()),
        ("GetBucketAnalyticsConfiguration", VENDOR, id.clone()),
        ("ListBucketAnalyticsConfigurations", VENDOR, bucket.clone()),
        (
            "PutBucketAnalyticsConfiguration",
            VENDOR,
            json!({"Bucket": b, "Id": "cfg", "AnalyticsConfiguration": {"Id": "cfg", "StorageClassAnalysis": {}}}),
        ),
        ("DeleteBucketInventoryConfiguration", VENDOR, id.clone()),
        ("GetBucketInventoryConfiguration", VENDOR, id.clone()),
        ("ListBucketInventoryConfigurations", VENDOR, bucket.clone()),
        (
            "PutBucketInventoryConfiguration",
            VENDOR,
            json!({"Bucket": b, "Id": "cfg", "InventoryConfiguration": {
            "Destination": {"S3BucketDestination": {"Bucket": "arn:aws:s3:::dest", "Format": "CSV"}},
            "IsEnabled": true, "Id": "cfg", "IncludedObjectVersions": "All", "Schedule": {"Frequency": "Daily"}}}),
        ),
        ("DeleteBucketMetricsConfiguration", VENDOR, id.clone()),
        ("GetBucketMetricsConfiguration", VENDOR, id.clone()),
        ("ListBucketMetricsConfigurations", VENDOR, bucket.clone()),
        (
            "PutBucketMetricsConfiguration",
            VENDOR,
            json!({"Bucket": b, "Id": "cfg", "MetricsConfiguration": {"Id": "cfg"}}),
        ),
        ("GetBucketAccelerateConfiguration", VENDOR, bucket.clone()),
        (
            "PutBucketAccelerateConfiguration",
            VENDOR,
            json!({"Bucket": b, "AccelerateConfiguration": {"Status": "Enabled"}}),
        ),
        ("GetBucketRequestPayment", VENDOR, bucket.clone()),
        (
            "PutBucketRequestPayment",
            VENDOR,
            json!({"Bucket": b, "RequestPaymentConfiguration": {"Payer": "Requester"}}),
        ),
        ("GetObjectTorrent", VENDOR, object.clone()),
        (
            "RestoreObject",
            VENDOR,
            json!({"Bucket": b, "Key": "k", "RestoreRequest": {"Days": 1}}),
        ),
        ("GetBucketLogging", VENDOR, bucket.clone()),
        (
            "PutBucketLogging",
            VENDOR,
            json!({"Bucket": b, "BucketLoggingStatus": {}}),
        ),
        ("DeleteBucketReplication", NOT_YET, bucket.clone()),
        ("GetBucketReplication", NOT_YET, bucket.clone()),
        (
            "PutBucketReplication",
            NOT_YET,
            json!({"Bucket": b, "ReplicationConfiguration": {"Role": "arn:aws:iam::1:role/r",
            "Rules": [{"Status": "Enabled", "Prefix": "", "Destination": {"Bucket": "arn:aws:s3:::dest"}}]}}),
        ),
        ("GetBucketNotification", NOT_YET, bucket.clone()),
        (
            "GetBucketNotificationConfiguration",
            NOT_YET,
            bucket.clone(),
        ),
        (
            "PutBucketNotification",
            NOT_YET,
            json!({"Bucket": b, "NotificationConfiguration": {}}),
        ),
        (
            "PutBucketNotificationConfiguration",
            NOT_YET,
            json!({"Bucket": b, "NotificationConfiguration": {}}),
        ),
        ("DeleteBucketTagging", NOT_YET, bucket.clone()),
        ("GetBucketTagging", NOT_YET, bucket.clone()),
        (
            "PutBucketTagging",
            NOT_YET,
            json!({"Bucket": b, "Tagging": tags}),
        ),
        ("DeleteObjectTagging", NOT_YET, object.clone()),
        ("GetObjectTagging", NOT_YET, object.clone()),
        (
            "PutObjectTagging",
            NOT_YET,
            json!({"Bucket": b, "Key": "k", "Tagging": tags}),
        ),
        ("PutBucketAcl", ACL, json!({"Bucket": b, "ACL": "private"})),
        ("GetObjectAcl", ACL, object.clone()),
        (
            "PutObjectAcl",
            ACL,
            json!({"Bucket": b, "Key": "k", "ACL": "private"}),
        ),
        ("DeleteBucketPolicy", ACL, bucket.clone()),
        ("GetBucketPolicy", ACL, bucket.clone()),
        (
            "PutBucketPolicy",
            ACL,
            json!({"Bucket": b, "Policy": "{\"Version\":\"2012-10-17\",\"Statement\":[]}"}),
        ),
        (
            "DeleteBucketEncryption",
            "Garage encrypts only with SSE-C; there is no bucket default",
            bucket.clone(),
        ),
        (
            "GetBucketEncryption",
            "Garage encrypts only with SSE-C; there is no bucket default",
            bucket.clone(),
        ),
        (
            "PutBucketEncryption",
            "Garage encrypts only with SSE-C; there is no bucket default",
            json!({"Bucket": b,
            "ServerSideEncryptionConfiguration": {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}}),
        ),
        (
            "ListObjectVersions",
            "Garage has no object versioning",
            bucket.clone(),
        ),
        (
            "PutBucketVersioning",
            "Garage has no object versioning",
            json!({"Bucket": b, "VersioningConfiguration": {"Status": "Enabled"}}),
        ),
    ]
}

#[tokio::test]
async fn what_garage_lacks_is_listed_and_still_fails() {
    let garage = Garage::from_env();
    let (client, bucket) = super::bucket("ggaps").await;
    client
        .put_object()
        .bucket(&bucket)
        .key("k")
        .body(s3_client::primitives::ByteStream::from_static(b"x"))
        .send()
        .await
        .unwrap();
    let gaps = gaps(&bucket);

    // The list here is the Garage profile's.
    let profile = s3_client::StoreProfile::from(Store::Garage {
        endpoint: String::new(),
        region: String::new(),
    });
    let mut listed: Vec<&str> = gaps.iter().map(|(op, _, _)| *op).collect();
    listed.sort();
    let mut in_profile: Vec<&str> = profile.unsupported.iter().map(String::as_str).collect();
    in_profile.sort();
    assert_eq!(
        listed, in_profile,
        "GARAGE gaps and the Garage store profile differ"
    );

    // With the profile, they fail before anything is sent.
    let err = client
        .invoke_json("GetBucketTagging", serde_json::json!({"Bucket": bucket}))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("Garage does not implement GetBucketTagging"),
        "{err}"
    );

    // Without the check, Garage refuses each of them itself.
    let real = s3_client::StoreProfile::from(Store::Garage {
        endpoint: garage.endpoints[0].clone(),
        region: garage.region.clone(),
    });
    let unchecked = Client::new(
        garage
            .config(0)
            .store(s3_client::StoreProfile {
                unsupported: Vec::new(),
                ..real
            })
            .build(),
    );
    let mut wrong = Vec::new();
    for (op, reason, input) in gaps {
        match unchecked.invoke_json(op, input).await {
            Ok(_) => wrong.push(format!("{op} now succeeds on Garage ({reason})")),
            Err(s3_client::json::JsonError::Call {
                meta: Some(meta), ..
            }) if meta.status() == 501 || meta.code() == Some("NotImplemented") => {}
            Err(e) => wrong.push(format!("{op} fails otherwise than NotImplemented: {e}")),
        }
    }
    assert!(
        wrong.is_empty(),
        "the Garage gap list is not true any more:\n{}",
        wrong.join("\n")
    );
}
