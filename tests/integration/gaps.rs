//! What moto cannot show, on the recording server instead: the exact request (method,
//! path, query, integrity headers, XML body) compared with what boto3 sends for the same
//! call, and realistic S3 responses, written from the S3 documentation, read back.

use s3_client::primitives::DateTime;
use s3_client::types::{
    AbacStatus, BucketAbacStatus, IntelligentTieringAccessTier, IntelligentTieringAndOperator,
    IntelligentTieringConfiguration, IntelligentTieringFilter, IntelligentTieringStatus,
    ObjectEncryption, ObjectLockRetentionMode, SsekmsEncryption, Tiering,
};
use s3_client::types::{
    AccessControlPolicy, AnalyticsAndOperator, AnalyticsConfiguration, AnalyticsExportDestination,
    AnalyticsFilter, AnalyticsS3BucketDestination, AnalyticsS3ExportFileFormat, Grant, Grantee,
    MetricsAndOperator, MetricsConfiguration, MetricsFilter, Owner, Payer, Permission,
    RequestPaymentConfiguration, StorageClassAnalysis, StorageClassAnalysisDataExport,
    StorageClassAnalysisSchemaVersion, Tag, Type,
};

use crate::checksums::crc32;
use crate::recorder::{Recorded, client, http, recorder};

// Gaps whose tests need a file of their own.
mod annotations;
mod express;
mod metadata;
mod object_lambda;

/// The operations moto 5.2.5 does not implement, each with what it does instead. These,
/// and only these, are tested here (and in this module's files in `gaps/`) rather than
/// against moto; the coverage test checks that the list and this module agree.
pub const MOTO_GAPS: &[(&str, &str)] = &[
    (
        "create_session",
        "no S3 Express: moto cannot create directory buckets, and `GET /<bucket>?session` answers NoSuchBucket",
    ),
    (
        "list_directory_buckets",
        "no S3 Express: answers with ListBuckets' document, the general purpose buckets under `ListAllMyBucketsResult`",
    ),
    (
        "write_get_object_response",
        "no S3 Object Lambda: `POST /WriteGetObjectResponse` is taken for a browser-form upload to a bucket of that name and fails with a 500 (`KeyError: 'key'`)",
    ),
    (
        "put_bucket_analytics_configuration",
        "no analytics support: `?analytics` requests fall through to the plain bucket handlers",
    ),
    (
        "get_bucket_analytics_configuration",
        "no analytics support: answers with an empty document",
    ),
    (
        "delete_bucket_analytics_configuration",
        "no analytics support: acts as DeleteBucket and removes the bucket",
    ),
    (
        "list_bucket_analytics_configurations",
        "no analytics support: answers with an empty listing",
    ),
    (
        "put_bucket_metrics_configuration",
        "no metrics support: `?metrics` requests fall through to the plain bucket handlers",
    ),
    (
        "get_bucket_metrics_configuration",
        "no metrics support: answers with an empty document",
    ),
    (
        "delete_bucket_metrics_configuration",
        "no metrics support: acts as DeleteBucket and removes the bucket",
    ),
    (
        "list_bucket_metrics_configurations",
        "no metrics support: answers with an empty listing",
    ),
    (
        "put_bucket_request_payment",
        "accepted but not stored: GetBucketRequestPayment never reflects it",
    ),
    (
        "get_bucket_request_payment",
        "answers with an object listing instead of a RequestPaymentConfiguration",
    ),
    (
        "delete_bucket_inventory_configuration",
        "acts as DeleteBucket and removes the bucket",
    ),
    (
        "get_object_torrent",
        "acts as GetObject and returns the object's bytes, not a torrent",
    ),
    (
        "put_bucket_intelligent_tiering_configuration",
        "no Intelligent-Tiering support: `?intelligent-tiering` requests fall through to the plain bucket handlers",
    ),
    (
        "get_bucket_intelligent_tiering_configuration",
        "no Intelligent-Tiering support: `?intelligent-tiering` requests fall through to the plain bucket handlers",
    ),
    (
        "delete_bucket_intelligent_tiering_configuration",
        "no Intelligent-Tiering support: `?intelligent-tiering` requests fall through to the plain bucket handlers",
    ),
    (
        "list_bucket_intelligent_tiering_configurations",
        "no Intelligent-Tiering support: `?intelligent-tiering` requests fall through to the plain bucket handlers",
    ),
    (
        "put_bucket_abac",
        "no ABAC support: `?abac` requests fall through to the plain bucket handlers",
    ),
    (
        "get_bucket_abac",
        "no ABAC support: `?abac` requests fall through to the plain bucket handlers",
    ),
    (
        "rename_object",
        "no RenameObject (a directory-bucket operation): `?renameObject` acts as PutObject",
    ),
    (
        "update_object_encryption",
        "no UpdateObjectEncryption: `?encryption` on a key acts as PutObject",
    ),
    (
        "get_object_retention",
        "acts as GetObject and returns the object's bytes (PutObjectRetention is implemented)",
    ),
    (
        "create_bucket_metadata_configuration",
        "no S3 Metadata support: a POST with `?metadataConfiguration` is taken for a browser-form upload, which fails with a 500 for want of a `key` field",
    ),
    (
        "get_bucket_metadata_configuration",
        "no S3 Metadata support: answers with an object listing instead of a GetBucketMetadataConfigurationResult",
    ),
    (
        "delete_bucket_metadata_configuration",
        "no S3 Metadata support: acts as DeleteBucket and removes the bucket",
    ),
    (
        "update_bucket_metadata_journal_table_configuration",
        "no S3 Metadata support: `?metadataJournalTable` falls through to CreateBucket, a no-op 200 on an existing us-east-1 bucket that stores nothing",
    ),
    (
        "update_bucket_metadata_inventory_table_configuration",
        "no S3 Metadata support: `?metadataInventoryTable` falls through to CreateBucket, a no-op 200 on an existing us-east-1 bucket that stores nothing",
    ),
    (
        "update_bucket_metadata_annotation_table_configuration",
        "no S3 Metadata support: `?metadataAnnotationTable` falls through to CreateBucket, a no-op 200 on an existing us-east-1 bucket that stores nothing",
    ),
    (
        "create_bucket_metadata_table_configuration",
        "no S3 Metadata support: a POST with `?metadataTable` is taken for a browser-form upload, which fails with a 500 for want of a `key` field",
    ),
    (
        "get_bucket_metadata_table_configuration",
        "no S3 Metadata support: answers with an object listing instead of a GetBucketMetadataTableConfigurationResult",
    ),
    (
        "delete_bucket_metadata_table_configuration",
        "no S3 Metadata support: acts as DeleteBucket and removes the bucket",
    ),
    (
        "put_object_annotation",
        "no object annotations: `?annotation` acts as PutObject and replaces the object's content with the annotation",
    ),
    (
        "get_object_annotation",
        "no object annotations: acts as GetObject and returns the object's bytes",
    ),
    (
        "delete_object_annotation",
        "no object annotations: acts as DeleteObject and removes the object",
    ),
    (
        "list_object_annotations",
        "no object annotations: acts as GetObject and answers with the object's bytes instead of a listing",
    ),
];

const NS: &str = "http://s3.amazonaws.com/doc/2006-03-01/";

fn tag(key: &str, value: &str) -> Tag {
    Tag {
        key: Some(key.into()),
        value: Some(value.into()),
    }
}

/// A recording server answering a configuration's put, get (with `get`), delete and
/// list (with `list`), in that order.
async fn put_get_delete_list(get: &str, list: &str) -> crate::recorder::Recorder {
    recorder(vec![
        http("200 OK", &[], ""),
        http("200 OK", &[], get),
        http("204 No Content", &[], ""),
        http("200 OK", &[], list),
    ])
    .await
}

/// The request's method and target, its integrity headers, and its body as text.
fn summary(r: &Recorded) -> (String, Option<String>, Option<String>, String) {
    (
        format!("{} {}", r.method, r.target),
        r.header("x-amz-checksum-crc32").map(str::to_string),
        r.header("x-amz-sdk-checksum-algorithm").map(str::to_string),
        String::from_utf8(r.body.clone()).unwrap(),
    )
}

fn analytics() -> AnalyticsConfiguration {
    AnalyticsConfiguration {
        id: Some("report-1".into()),
        filter: Some(AnalyticsFilter {
            and: Some(AnalyticsAndOperator {
                prefix: Some("logs/".into()),
                tags: Some(vec![tag("team", "data"), tag("env", "prod")]),
            }),
            ..Default::default()
        }),
        storage_class_analysis: Some(StorageClassAnalysis {
            data_export: Some(StorageClassAnalysisDataExport {
                output_schema_version: Some(StorageClassAnalysisSchemaVersion::V1),
                destination: Some(AnalyticsExportDestination {
                    s3_bucket_destination: Some(AnalyticsS3BucketDestination {
                        format: Some(AnalyticsS3ExportFileFormat::Csv),
                        bucket_account_id: Some("123456789012".into()),
                        bucket: Some("arn:aws:s3:::reports".into()),
                        prefix: Some("analytics/".into()),
                    }),
                }),
            }),
        }),
    }
}

/// The analytics configuration above as boto3 writes it (and S3 returns it).
const ANALYTICS_XML: &str = "<Id>report-1</Id><Filter><And><Prefix>logs/</Prefix><Tag><Key>team</Key><Value>data</Value></Tag><Tag><Key>env</Key><Value>prod</Value></Tag></And></Filter><StorageClassAnalysis><DataExport><OutputSchemaVersion>V_1</OutputSchemaVersion><Destination><S3BucketDestination><Format>CSV</Format><BucketAccountId>123456789012</BucketAccountId><Bucket>arn:aws:s3:::reports</Bucket><Prefix>analytics/</Prefix></S3BucketDestination></Destination></DataExport></StorageClassAnalysis>";

#[tokio::test]
async fn analytics_configurations_on_the_wire() {
    let get = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<AnalyticsConfiguration xmlns=\"{NS}\">{ANALYTICS_XML}</AnalyticsConfiguration>"
    );
    let list = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketAnalyticsConfigurationResult xmlns=\"{NS}\"><AnalyticsConfiguration>{ANALYTICS_XML}</AnalyticsConfiguration><AnalyticsConfiguration><Id>all</Id><StorageClassAnalysis/></AnalyticsConfiguration><IsTruncated>true</IsTruncated><ContinuationToken>tok</ContinuationToken><NextContinuationToken>next-tok</NextContinuationToken></ListBucketAnalyticsConfigurationResult>"
    );
    let server = put_get_delete_list(&get, &list).await;
    let client = client(&server.endpoint);
    client
        .put_bucket_analytics_configuration()
        .bucket("bkt")
        .id("report-1")
        .analytics_configuration(analytics())
        .send()
        .await
        .unwrap();
    let got = client
        .get_bucket_analytics_configuration()
        .bucket("bkt")
        .id("report-1")
        .send()
        .await
        .unwrap();
    assert_eq!(got.analytics_configuration, Some(analytics()));
    client
        .delete_bucket_analytics_configuration()
        .bucket("bkt")
        .id("report-1")
        .send()
        .await
        .unwrap();
    let listed = client
        .list_bucket_analytics_configurations()
        .bucket("bkt")
        .continuation_token("tok")
        .send()
        .await
        .unwrap();
    let configs = listed.analytics_configuration_list.unwrap();
    assert_eq!(configs.len(), 2);
    assert_eq!(configs[0], analytics());
    assert_eq!(configs[1].id.as_deref(), Some("all"));
    assert_eq!(
        (
            listed.is_truncated,
            listed.next_continuation_token.as_deref()
        ),
        (Some(true), Some("next-tok"))
    );

    let requests: Vec<_> = server
        .requests
        .lock()
        .unwrap()
        .iter()
        .map(summary)
        .collect();
    assert_eq!(
        requests,
        [
            (
                "PUT /bkt?analytics&id=report-1".to_string(),
                None,
                None,
                format!(
                    "<AnalyticsConfiguration xmlns=\"{NS}\">{ANALYTICS_XML}</AnalyticsConfiguration>"
                )
            ),
            (
                "GET /bkt?analytics&id=report-1".to_string(),
                None,
                None,
                String::new()
            ),
            (
                "DELETE /bkt?analytics&id=report-1".to_string(),
                None,
                None,
                String::new()
            ),
            (
                "GET /bkt?analytics&continuation-token=tok".to_string(),
                None,
                None,
                String::new()
            ),
        ]
    );
}

fn metrics() -> MetricsConfiguration {
    MetricsConfiguration {
        id: Some("m-1".into()),
        filter: Some(MetricsFilter {
            and: Some(MetricsAndOperator {
                prefix: Some("img/".into()),
                tags: Some(vec![tag("class", "hot")]),
                access_point_arn: Some("arn:aws:s3:us-east-1:123456789012:accesspoint/ap".into()),
            }),
            ..Default::default()
        }),
    }
}

const METRICS_XML: &str = "<Id>m-1</Id><Filter><And><Prefix>img/</Prefix><Tag><Key>class</Key><Value>hot</Value></Tag><AccessPointArn>arn:aws:s3:us-east-1:123456789012:accesspoint/ap</AccessPointArn></And></Filter>";

#[tokio::test]
async fn metrics_configurations_on_the_wire() {
    let get = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<MetricsConfiguration xmlns=\"{NS}\">{METRICS_XML}</MetricsConfiguration>"
    );
    let list = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListMetricsConfigurationsResult xmlns=\"{NS}\"><MetricsConfiguration>{METRICS_XML}</MetricsConfiguration><MetricsConfiguration><Id>whole-bucket</Id></MetricsConfiguration><IsTruncated>false</IsTruncated></ListMetricsConfigurationsResult>"
    );
    let server = put_get_delete_list(&get, &list).await;
    let client = client(&server.endpoint);
    client
        .put_bucket_metrics_configuration()
        .bucket("bkt")
        .id("m-1")
        .metrics_configuration(metrics())
        .send()
        .await
        .unwrap();
    let got = client
        .get_bucket_metrics_configuration()
        .bucket("bkt")
        .id("m-1")
        .send()
        .await
        .unwrap();
    assert_eq!(got.metrics_configuration, Some(metrics()));
    client
        .delete_bucket_metrics_configuration()
        .bucket("bkt")
        .id("m-1")
        .send()
        .await
        .unwrap();
    let listed = client
        .list_bucket_metrics_configurations()
        .bucket("bkt")
        .send()
        .await
        .unwrap();
    let configs = listed.metrics_configuration_list.unwrap();
    assert_eq!(
        configs,
        [
            metrics(),
            MetricsConfiguration {
                id: Some("whole-bucket".into()),
                filter: None
            }
        ]
    );
    assert_eq!(listed.is_truncated, Some(false));

    let requests: Vec<_> = server
        .requests
        .lock()
        .unwrap()
        .iter()
        .map(summary)
        .collect();
    assert_eq!(
        requests,
        [
            (
                "PUT /bkt?metrics&id=m-1".to_string(),
                None,
                None,
                format!(
                    "<MetricsConfiguration xmlns=\"{NS}\">{METRICS_XML}</MetricsConfiguration>"
                )
            ),
            (
                "GET /bkt?metrics&id=m-1".to_string(),
                None,
                None,
                String::new()
            ),
            (
                "DELETE /bkt?metrics&id=m-1".to_string(),
                None,
                None,
                String::new()
            ),
            ("GET /bkt?metrics".to_string(), None, None, String::new()),
        ]
    );
}

#[tokio::test]
async fn request_payment_on_the_wire() {
    let get = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<RequestPaymentConfiguration xmlns=\"{NS}\"><Payer>Requester</Payer></RequestPaymentConfiguration>"
    );
    let server = recorder(vec![http("200 OK", &[], ""), http("200 OK", &[], &get)]).await;
    let client = client(&server.endpoint);
    client
        .put_bucket_request_payment()
        .bucket("bkt")
        .request_payment_configuration(RequestPaymentConfiguration {
            payer: Some(Payer::Requester),
        })
        .send()
        .await
        .unwrap();
    let got = client
        .get_bucket_request_payment()
        .bucket("bkt")
        .send()
        .await
        .unwrap();
    assert_eq!(got.payer, Some(Payer::Requester));
    let requests: Vec<_> = server
        .requests
        .lock()
        .unwrap()
        .iter()
        .map(summary)
        .collect();
    let body = format!(
        "<RequestPaymentConfiguration xmlns=\"{NS}\"><Payer>Requester</Payer></RequestPaymentConfiguration>"
    );
    assert_eq!(
        requests,
        [
            (
                "PUT /bkt?requestPayment".to_string(),
                Some(crc32(body.as_bytes())),
                Some("CRC32".to_string()),
                body
            ),
            (
                "GET /bkt?requestPayment".to_string(),
                None,
                None,
                String::new()
            ),
        ]
    );
    // The value boto3 computes for the same body.
    assert_eq!(requests[0].1.as_deref(), Some("ix/ZzQ=="));
}

#[tokio::test]
async fn delete_inventory_configuration_on_the_wire() {
    let server = recorder(vec![http("204 No Content", &[], "")]).await;
    let client = client(&server.endpoint);
    client
        .delete_bucket_inventory_configuration()
        .bucket("bkt")
        .id("inv-1")
        .send()
        .await
        .unwrap();
    let missing_id = client
        .delete_bucket_inventory_configuration()
        .bucket("bkt")
        .send()
        .await
        .unwrap_err();
    assert!(
        missing_id.to_string().contains("Id"),
        "the error names the member: {missing_id}"
    );
    let requests: Vec<_> = server
        .requests
        .lock()
        .unwrap()
        .iter()
        .map(summary)
        .collect();
    assert_eq!(
        requests,
        [(
            "DELETE /bkt?inventory&id=inv-1".to_string(),
            None,
            None,
            String::new()
        )]
    );
}

#[tokio::test]
async fn torrent_on_the_wire() {
    // A torrent file is bencoded binary data.
    let torrent = "d8:announce35:http://tracker.example/announce4:infod6:lengthi6e4:name8:file.bin12:piece lengthi262144e6:pieces20:aaaaaaaaaaaaaaaaaaaaee";
    let server = recorder(vec![http(
        "200 OK",
        &[
            ("content-type", "application/x-bittorrent"),
            ("x-amz-request-charged", "requester"),
        ],
        torrent,
    )])
    .await;
    let client = client(&server.endpoint);
    let out = client
        .get_object_torrent()
        .bucket("bkt")
        .key("dir/file name.bin")
        .request_payer(s3_client::types::RequestPayer::Requester)
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.request_charged,
        Some(s3_client::types::RequestCharged::Requester)
    );
    assert_eq!(&out.body.collect().await.unwrap()[..], torrent.as_bytes());
    let request = server.requests.lock().unwrap()[0].clone();
    assert_eq!(
        (summary(&request).0, request.header("x-amz-request-payer")),
        (
            "GET /bkt/dir/file%20name.bin?torrent".to_string(),
            Some("requester")
        )
    );
}

#[tokio::test]
async fn object_acl_document_on_the_wire() {
    // moto ignores an AccessControlPolicy body on objects, so the document is checked
    // here, byte for byte against boto3's for the same input (boto3 writes members in the
    // order the caller's dict has them; this one is in model order), namespaced xsi:type
    // attributes included.
    let server = recorder(vec![http("200 OK", &[], "")]).await;
    let client = client(&server.endpoint);
    client
        .put_object_acl()
        .bucket("bkt")
        .key("k")
        .access_control_policy(AccessControlPolicy {
            grants: Some(vec![
                Grant {
                    grantee: Some(Grantee {
                        display_name: Some("me".into()),
                        email_address: Some("a@b.c".into()),
                        id: Some("o1".into()),
                        r#type: Some(Type::CanonicalUser),
                        ..Default::default()
                    }),
                    permission: Some(Permission::FullControl),
                },
                Grant {
                    grantee: Some(Grantee {
                        r#type: Some(Type::Group),
                        uri: Some("http://acs.amazonaws.com/groups/global/AllUsers".into()),
                        ..Default::default()
                    }),
                    permission: Some(Permission::Read),
                },
            ]),
            owner: Some(Owner {
                display_name: Some("me".into()),
                id: Some("o1".into()),
            }),
        })
        .send()
        .await
        .unwrap();
    let request = server.requests.lock().unwrap()[0].clone();
    let boto3 = "<AccessControlPolicy xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><AccessControlList><Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\"><DisplayName>me</DisplayName><EmailAddress>a@b.c</EmailAddress><ID>o1</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant><Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"Group\"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant></AccessControlList><Owner><DisplayName>me</DisplayName><ID>o1</ID></Owner></AccessControlPolicy>";
    assert_eq!(
        summary(&request),
        (
            "PUT /bkt/k?acl".to_string(),
            Some("nRx4sQ==".to_string()),
            Some("CRC32".to_string()),
            boto3.to_string()
        )
    );
}

#[tokio::test]
async fn get_object_retention_on_the_wire() {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Retention xmlns=\"{NS}\"><Mode>COMPLIANCE</Mode><RetainUntilDate>2027-01-15T08:30:00.000Z</RetainUntilDate></Retention>"
    );
    let server = recorder(vec![http("200 OK", &[], &body)]).await;
    let client = client(&server.endpoint);
    let got = client
        .get_object_retention()
        .bucket("bkt")
        .key("ledger/2026.csv")
        .version_id("v7")
        .send()
        .await
        .unwrap();
    let retention = got.retention.expect("the Retention document is read");
    assert_eq!(retention.mode, Some(ObjectLockRetentionMode::Compliance));
    assert_eq!(
        retention.retain_until_date,
        Some(
            DateTime::from_str(
                "2027-01-15T08:30:00Z",
                s3_client::primitives::DateTimeFormat::DateTime
            )
            .unwrap()
        )
    );
    let requests: Vec<_> = server
        .requests
        .lock()
        .unwrap()
        .iter()
        .map(summary)
        .collect();
    // What boto3 sends for get_object_retention(Bucket, Key, VersionId): a bare GET.
    assert_eq!(
        requests,
        [(
            "GET /bkt/ledger/2026.csv?retention&versionId=v7".to_string(),
            None,
            None,
            String::new()
        )]
    );
}

/// An Intelligent-Tiering configuration with a filter and both archive tiers.
fn intelligent_tiering() -> IntelligentTieringConfiguration {
    IntelligentTieringConfiguration {
        id: Some("archive-old".into()),
        filter: Some(IntelligentTieringFilter {
            and: Some(IntelligentTieringAndOperator {
                prefix: Some("logs/".into()),
                tags: Some(vec![tag("tier", "cold")]),
            }),
            ..Default::default()
        }),
        status: Some(IntelligentTieringStatus::Enabled),
        tierings: Some(vec![
            Tiering {
                days: Some(90),
                access_tier: Some(IntelligentTieringAccessTier::ArchiveAccess),
            },
            Tiering {
                days: Some(180),
                access_tier: Some(IntelligentTieringAccessTier::DeepArchiveAccess),
            },
        ]),
    }
}

/// The configuration's document body, as boto3 1.44.8 serialises `intelligent_tiering()`.
const INTELLIGENT_TIERING_XML: &str = "<Id>archive-old</Id><Filter><And><Prefix>logs/</Prefix><Tag><Key>tier</Key><Value>cold</Value></Tag></And></Filter><Status>Enabled</Status><Tiering><Days>90</Days><AccessTier>ARCHIVE_ACCESS</AccessTier></Tiering><Tiering><Days>180</Days><AccessTier>DEEP_ARCHIVE_ACCESS</AccessTier></Tiering>";

#[tokio::test]
async fn intelligent_tiering_configurations_on_the_wire() {
    let get = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<IntelligentTieringConfiguration xmlns=\"{NS}\">{INTELLIGENT_TIERING_XML}</IntelligentTieringConfiguration>"
    );
    let list = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketIntelligentTieringConfigurationsOutput xmlns=\"{NS}\"><IsTruncated>true</IsTruncated><ContinuationToken>tok-1</ContinuationToken><NextContinuationToken>tok-2</NextContinuationToken><IntelligentTieringConfiguration>{INTELLIGENT_TIERING_XML}</IntelligentTieringConfiguration><IntelligentTieringConfiguration><Id>everything</Id><Status>Disabled</Status><Tiering><Days>730</Days><AccessTier>DEEP_ARCHIVE_ACCESS</AccessTier></Tiering></IntelligentTieringConfiguration></ListBucketIntelligentTieringConfigurationsOutput>"
    );
    let server = put_get_delete_list(&get, &list).await;
    let client = client(&server.endpoint);
    client
        .put_bucket_intelligent_tiering_configuration()
        .bucket("bkt")
        .id("archive-old")
        .intelligent_tiering_configuration(intelligent_tiering())
        .send()
        .await
        .unwrap();
    let got = client
        .get_bucket_intelligent_tiering_configuration()
        .bucket("bkt")
        .id("archive-old")
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.intelligent_tiering_configuration,
        Some(intelligent_tiering())
    );
    client
        .delete_bucket_intelligent_tiering_configuration()
        .bucket("bkt")
        .id("archive-old")
        .send()
        .await
        .unwrap();
    let listed = client
        .list_bucket_intelligent_tiering_configurations()
        .bucket("bkt")
        .continuation_token("tok-1")
        .send()
        .await
        .unwrap();
    let configs = listed.intelligent_tiering_configuration_list.unwrap();
    assert_eq!(configs.len(), 2);
    assert_eq!(configs[0], intelligent_tiering());
    assert_eq!(
        (configs[1].id.as_deref(), configs[1].status.clone()),
        (Some("everything"), Some(IntelligentTieringStatus::Disabled))
    );
    assert_eq!(
        (
            listed.is_truncated,
            listed.next_continuation_token.as_deref()
        ),
        (Some(true), Some("tok-2"))
    );

    let requests: Vec<_> = server
        .requests
        .lock()
        .unwrap()
        .iter()
        .map(summary)
        .collect();
    // As boto3 1.44.8 sends the same four calls: the PUT carries no checksum (the
    // operation has no checksum trait).
    let body = format!(
        "<IntelligentTieringConfiguration xmlns=\"{NS}\">{INTELLIGENT_TIERING_XML}</IntelligentTieringConfiguration>"
    );
    assert_eq!(
        requests,
        [
            (
                "PUT /bkt?intelligent-tiering&id=archive-old".to_string(),
                None,
                None,
                body
            ),
            (
                "GET /bkt?intelligent-tiering&id=archive-old".to_string(),
                None,
                None,
                String::new()
            ),
            (
                "DELETE /bkt?intelligent-tiering&id=archive-old".to_string(),
                None,
                None,
                String::new()
            ),
            (
                "GET /bkt?intelligent-tiering&continuation-token=tok-1".to_string(),
                None,
                None,
                String::new()
            ),
        ]
    );
}

#[tokio::test]
async fn bucket_abac_on_the_wire() {
    let get = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<AbacStatus xmlns=\"{NS}\"><Status>Enabled</Status></AbacStatus>"
    );
    let server = recorder(vec![http("200 OK", &[], ""), http("200 OK", &[], &get)]).await;
    let client = client(&server.endpoint);
    client
        .put_bucket_abac()
        .bucket("bkt")
        .abac_status(AbacStatus {
            status: Some(BucketAbacStatus::Enabled),
        })
        .send()
        .await
        .unwrap();
    let got = client.get_bucket_abac().bucket("bkt").send().await.unwrap();
    assert_eq!(
        got.abac_status.and_then(|s| s.status),
        Some(BucketAbacStatus::Enabled)
    );
    let requests: Vec<_> = server
        .requests
        .lock()
        .unwrap()
        .iter()
        .map(summary)
        .collect();
    let body = format!("<AbacStatus xmlns=\"{NS}\"><Status>Enabled</Status></AbacStatus>");
    assert_eq!(
        requests,
        [
            (
                "PUT /bkt?abac".to_string(),
                Some(crc32(body.as_bytes())),
                Some("CRC32".to_string()),
                body
            ),
            ("GET /bkt?abac".to_string(), None, None, String::new()),
        ]
    );
    // The CRC32 boto3 1.44.8 sends for the same body.
    assert_eq!(requests[0].1.as_deref(), Some("DOluCA=="));
}

#[tokio::test]
async fn rename_object_on_the_wire() {
    let server = recorder(vec![http("200 OK", &[], ""), http("200 OK", &[], "")]).await;
    let client = client(&server.endpoint);
    let unmodified = DateTime::from_secs(1_796_112_000); // 2026-12-01T08:00:00Z
    client
        .rename_object()
        .bucket("bkt")
        .key("reports/2026.csv")
        .rename_source("drafts/2026.csv")
        .destination_if_none_match("*")
        .source_if_unmodified_since(unmodified)
        .send()
        .await
        .unwrap();
    client
        .rename_object()
        .bucket("bkt")
        .key("a")
        .rename_source("b")
        .client_token("my-token-1")
        .send()
        .await
        .unwrap();
    let requests = server.requests.lock().unwrap();
    let headers = |r: &Recorded| {
        [
            "x-amz-rename-source",
            "if-none-match",
            "x-amz-rename-source-if-unmodified-since",
        ]
        .map(|h| r.header(h).map(str::to_string))
    };
    // As boto3 1.44.8 sends the same two calls.
    assert_eq!(
        (requests[0].method.as_str(), requests[0].target.as_str()),
        ("PUT", "/bkt/reports/2026.csv?renameObject")
    );
    assert_eq!(
        headers(&requests[0]),
        [
            Some("drafts/2026.csv".to_string()),
            Some("*".to_string()),
            Some("Tue, 01 Dec 2026 08:00:00 GMT".to_string())
        ]
    );
    assert!(requests[0].body.is_empty());
    // Left unset, the idempotency token is a fresh version-4 UUID, as boto3 fills it.
    let token = requests[0].header("x-amz-client-token").unwrap();
    let groups: Vec<usize> = token.split('-').map(str::len).collect();
    assert_eq!(groups, [8, 4, 4, 4, 12], "{token}");
    assert_eq!(token.as_bytes()[14], b'4', "{token}");
    assert!(
        token.chars().all(|c| c == '-' || c.is_ascii_hexdigit()),
        "{token}"
    );
    assert_eq!(requests[1].target, "/bkt/a?renameObject");
    assert_eq!(requests[1].header("x-amz-client-token"), Some("my-token-1"));
}

#[tokio::test]
async fn update_object_encryption_on_the_wire() {
    let server = recorder(vec![http(
        "200 OK",
        &[("x-amz-request-charged", "requester")],
        "",
    )])
    .await;
    let client = client(&server.endpoint);
    let got = client
        .update_object_encryption()
        .bucket("bkt")
        .key("reports/2026.csv")
        .version_id("v3")
        .object_encryption(ObjectEncryption {
            ssekms: Some(SsekmsEncryption {
                kms_key_arn: Some("arn:aws:kms:us-east-1:111122223333:key/k1".into()),
                bucket_key_enabled: Some(true),
            }),
        })
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.request_charged,
        Some(s3_client::types::RequestCharged::Requester)
    );
    let requests: Vec<_> = server
        .requests
        .lock()
        .unwrap()
        .iter()
        .map(summary)
        .collect();
    let body = format!(
        "<ObjectEncryption xmlns=\"{NS}\"><SSE-KMS><KMSKeyArn>arn:aws:kms:us-east-1:111122223333:key/k1</KMSKeyArn><BucketKeyEnabled>true</BucketKeyEnabled></SSE-KMS></ObjectEncryption>"
    );
    assert_eq!(
        requests,
        [(
            "PUT /bkt/reports/2026.csv?encryption&versionId=v3".to_string(),
            Some(crc32(body.as_bytes())),
            Some("CRC32".to_string()),
            body
        )]
    );
    // The CRC32 boto3 1.44.8 sends for the same body.
    assert_eq!(requests[0].1.as_deref(), Some("jHm2VQ=="));
}
