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
const NEWER: &str = "an AWS feature from 2023 on, which no S3-compatible store implements";

/// What Garage 2.5 does with an operation it takes for another request, as it would
/// without the profile's check.
#[derive(Debug, Clone, Copy)]
enum Misread {
    /// It answers with this error code, meant for the request it took it for.
    Refuses(&'static str),
    /// It does something else and answers 200: a listing, an empty object, the object.
    Answers,
    /// It does something else and answers 200 without the document the operation has.
    Unreadable,
}

/// The operations Garage misreads rather than refusing; the others answer 501
/// NotImplemented.
const MISREAD: &[(&str, Misread)] = &[
    // POSTs to the bucket: a browser-form upload without a form.
    (
        "CreateBucketMetadataConfiguration",
        Misread::Refuses("InvalidRequest"),
    ),
    (
        "CreateBucketMetadataTableConfiguration",
        Misread::Refuses("InvalidRequest"),
    ),
    ("WriteGetObjectResponse", Misread::Refuses("InvalidRequest")),
    // GETs of the bucket or object: a listing, the object itself.
    ("GetBucketMetadataConfiguration", Misread::Answers),
    ("GetBucketMetadataTableConfiguration", Misread::Answers),
    ("GetBucketAbac", Misread::Answers),
    ("CreateSession", Misread::Answers),
    ("GetObjectAnnotation", Misread::Answers),
    ("ListObjectAnnotations", Misread::Refuses("NoSuchKey")),
    // DELETEs: DeleteBucket (refused only because the bucket is not empty) and
    // DeleteObject.
    (
        "DeleteBucketMetadataConfiguration",
        Misread::Refuses("BucketNotEmpty"),
    ),
    (
        "DeleteBucketMetadataTableConfiguration",
        Misread::Refuses("BucketNotEmpty"),
    ),
    ("DeleteObjectAnnotation", Misread::Answers),
    // PUTs to the bucket: CreateBucket's document expected.
    (
        "UpdateBucketMetadataJournalTableConfiguration",
        Misread::Refuses("InvalidRequest"),
    ),
    (
        "UpdateBucketMetadataInventoryTableConfiguration",
        Misread::Refuses("InvalidRequest"),
    ),
    (
        "UpdateBucketMetadataAnnotationTableConfiguration",
        Misread::Refuses("InvalidRequest"),
    ),
    ("PutBucketAbac", Misread::Refuses("InvalidRequest")),
    // A PUT of the object: PutObject, an empty object written over `k2`.
    ("RenameObject", Misread::Answers),
    ("PutObjectAnnotation", Misread::Unreadable),
    ("UpdateObjectEncryption", Misread::Refuses("InvalidRequest")),
    // Signed for S3 Express, which Garage does not know.
    (
        "ListDirectoryBuckets",
        Misread::Refuses("AuthorizationHeaderMalformed"),
    ),
];

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
        (
            "GetBucketIntelligentTieringConfiguration",
            NEWER,
            id.clone(),
        ),
        (
            "DeleteBucketIntelligentTieringConfiguration",
            NEWER,
            id.clone(),
        ),
        (
            "ListBucketIntelligentTieringConfigurations",
            NEWER,
            bucket.clone(),
        ),
        (
            "PutBucketIntelligentTieringConfiguration",
            NEWER,
            json!({"Bucket": b, "Id": "cfg", "IntelligentTieringConfiguration": {"Id": "cfg", "Status": "Enabled",
            "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}]}}),
        ),
        (
            "CreateBucketMetadataConfiguration",
            NEWER,
            json!({"Bucket": b, "MetadataConfiguration": {"JournalTableConfiguration": {"RecordExpiration": {"Expiration": "DISABLED"}}}}),
        ),
        (
            "CreateBucketMetadataTableConfiguration",
            NEWER,
            json!({"Bucket": b, "MetadataTableConfiguration": {"S3TablesDestination": {
            "TableBucketArn": "arn:aws:s3tables:us-east-1:111122223333:bucket/t", "TableName": "t"}}}),
        ),
        ("GetBucketMetadataConfiguration", NEWER, bucket.clone()),
        ("GetBucketMetadataTableConfiguration", NEWER, bucket.clone()),
        ("DeleteBucketMetadataConfiguration", NEWER, bucket.clone()),
        (
            "DeleteBucketMetadataTableConfiguration",
            NEWER,
            bucket.clone(),
        ),
        (
            "UpdateBucketMetadataJournalTableConfiguration",
            NEWER,
            json!({"Bucket": b, "JournalTableConfiguration": {"RecordExpiration": {"Expiration": "DISABLED"}}}),
        ),
        (
            "UpdateBucketMetadataInventoryTableConfiguration",
            NEWER,
            json!({"Bucket": b, "InventoryTableConfiguration": {"ConfigurationState": "DISABLED"}}),
        ),
        (
            "UpdateBucketMetadataAnnotationTableConfiguration",
            NEWER,
            json!({"Bucket": b, "AnnotationTableConfiguration": {"ConfigurationState": "DISABLED"}}),
        ),
        (
            "PutObjectAnnotation",
            NEWER,
            json!({"Bucket": b, "Key": "k", "AnnotationName": "n"}),
        ),
        (
            "GetObjectAnnotation",
            NEWER,
            json!({"Bucket": b, "Key": "k", "AnnotationName": "n"}),
        ),
        (
            "DeleteObjectAnnotation",
            NEWER,
            json!({"Bucket": b, "Key": "k", "AnnotationName": "n"}),
        ),
        ("ListObjectAnnotations", NEWER, object.clone()),
        (
            "WriteGetObjectResponse",
            NEWER,
            json!({"RequestRoute": "io-1", "RequestToken": "t"}),
        ),
        ("GetBucketAbac", NEWER, bucket.clone()),
        (
            "PutBucketAbac",
            NEWER,
            json!({"Bucket": b, "AbacStatus": {"Status": "Enabled"}}),
        ),
        ("CreateSession", NEWER, bucket.clone()),
        ("ListDirectoryBuckets", NEWER, json!({})),
        (
            "RenameObject",
            NEWER,
            json!({"Bucket": b, "Key": "k2", "RenameSource": "k"}),
        ),
        (
            "UpdateObjectEncryption",
            NEWER,
            json!({"Bucket": b, "Key": "k", "ObjectEncryption": {"SSEKMS": {"KMSKeyArn": "arn:aws:kms:us-east-1:1:key/k"}}}),
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
            // WriteGetObjectResponse's route would go before Garage's IP address.
            .inject_host_prefix(false)
            .build(),
    );
    let mut wrong = Vec::new();
    for (op, reason, input) in gaps {
        let misread = MISREAD.iter().find(|(o, _)| *o == op).map(|(_, m)| *m);
        match (unchecked.invoke_json(op, input).await, misread) {
            (Ok(_), Some(Misread::Answers)) => {}
            (Err(e), Some(Misread::Unreadable))
                if e.to_string().contains("HTTP 200 with an empty body") => {}
            (Ok(_), _) => wrong.push(format!("{op} now succeeds on Garage ({reason})")),
            (
                Err(s3_client::json::JsonError::Call {
                    meta: Some(meta), ..
                }),
                Some(Misread::Refuses(code)),
            ) if meta.code() == Some(code) => {}
            (
                Err(s3_client::json::JsonError::Call {
                    meta: Some(meta), ..
                }),
                None,
            ) if meta.status() == 501 || meta.code() == Some("NotImplemented") => {}
            (Err(e), None) => wrong.push(format!("{op} fails otherwise than NotImplemented: {e}")),
            (Err(e), Some(m)) => wrong.push(format!("{op}: expected {m:?}, got {e}")),
        }
    }
    assert!(
        wrong.is_empty(),
        "the Garage gap list is not true any more:\n{}",
        wrong.join("\n")
    );
}
