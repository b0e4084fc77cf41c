//! S3 Metadata, which moto lacks, on the recording server: the configuration of a
//! bucket's journal, inventory and annotation tables, and the V1 metadata table it
//! supersedes. Each request is compared with what boto3 1.44.8 sends for the same call,
//! and S3's documented answers are read back.

use s3_client::types::{
    AnnotationConfigurationState, AnnotationTableConfiguration, AnnotationTableConfigurationResult,
    AnnotationTableConfigurationUpdates, DestinationResult, ErrorDetails, ExpirationState,
    GetBucketMetadataConfigurationResult, GetBucketMetadataTableConfigurationResult,
    InventoryConfigurationState, InventoryTableConfiguration, InventoryTableConfigurationResult,
    InventoryTableConfigurationUpdates, JournalTableConfiguration, JournalTableConfigurationResult,
    JournalTableConfigurationUpdates, MetadataConfiguration, MetadataConfigurationResult,
    MetadataTableConfiguration, MetadataTableConfigurationResult,
    MetadataTableEncryptionConfiguration, RecordExpiration, S3TablesBucketType,
    S3TablesDestination, S3TablesDestinationResult, TableSseAlgorithm,
};

use super::{NS, summary};
use crate::checksums::crc32;
use crate::recorder::{client, http, recorder};

const KMS_KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const ROLE: &str = "arn:aws:iam::111122223333:role/s3-metadata-annotations";
/// The AWS managed table bucket that holds a V2 configuration's tables.
const TABLE_BUCKET: &str = "arn:aws:s3tables:us-east-1:111122223333:bucket/aws-s3";

fn encryption(
    sse_algorithm: TableSseAlgorithm,
    key: Option<&str>,
) -> MetadataTableEncryptionConfiguration {
    MetadataTableEncryptionConfiguration {
        sse_algorithm: Some(sse_algorithm),
        kms_key_arn: key.map(str::to_string),
    }
}

/// All three tables: journal records kept 7 days under SSE-KMS, a live inventory under
/// SSE-S3, and an annotation table with the role S3 uses for it.
fn metadata_configuration() -> MetadataConfiguration {
    MetadataConfiguration {
        journal_table_configuration: Some(JournalTableConfiguration {
            record_expiration: Some(RecordExpiration {
                expiration: Some(ExpirationState::Enabled),
                days: Some(7),
            }),
            encryption_configuration: Some(encryption(TableSseAlgorithm::AwsKms, Some(KMS_KEY))),
        }),
        inventory_table_configuration: Some(InventoryTableConfiguration {
            configuration_state: Some(InventoryConfigurationState::Enabled),
            encryption_configuration: Some(encryption(TableSseAlgorithm::Aes256, None)),
        }),
        annotation_table_configuration: Some(AnnotationTableConfiguration {
            configuration_state: Some(AnnotationConfigurationState::Enabled),
            encryption_configuration: None,
            role: Some(ROLE.into()),
        }),
    }
}

/// What GetBucketMetadataConfiguration answers for it a while later: the journal table
/// active, the inventory table still being filled, the annotation table failed.
fn metadata_configuration_result() -> GetBucketMetadataConfigurationResult {
    GetBucketMetadataConfigurationResult {
        metadata_configuration_result: Some(MetadataConfigurationResult {
            destination_result: Some(DestinationResult {
                table_bucket_type: Some(S3TablesBucketType::Aws),
                table_bucket_arn: Some(TABLE_BUCKET.into()),
                table_namespace: Some("b_bkt".into()),
            }),
            journal_table_configuration_result: Some(JournalTableConfigurationResult {
                table_status: Some("ACTIVE".into()),
                error: None,
                table_name: Some("journal".into()),
                table_arn: Some(format!(
                    "{TABLE_BUCKET}/table/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
                )),
                record_expiration: Some(RecordExpiration {
                    expiration: Some(ExpirationState::Enabled),
                    days: Some(7),
                }),
            }),
            inventory_table_configuration_result: Some(InventoryTableConfigurationResult {
                configuration_state: Some(InventoryConfigurationState::Enabled),
                table_status: Some("BACKFILLING".into()),
                error: None,
                table_name: Some("inventory".into()),
                table_arn: Some(format!(
                    "{TABLE_BUCKET}/table/9a8b7c6d-5e4f-3a2b-1c0d-e9f8a7b6c5d4"
                )),
            }),
            annotation_table_configuration_result: Some(AnnotationTableConfigurationResult {
                configuration_state: Some(AnnotationConfigurationState::Enabled),
                table_status: Some("FAILED".into()),
                error: Some(ErrorDetails {
                    error_code: Some("AccessDeniedCreatingResources".into()),
                    error_message: Some("The role cannot create the annotation table.".into()),
                }),
                table_name: Some("annotation".into()),
                table_arn: None,
                role: Some(ROLE.into()),
            }),
        }),
    }
}

#[tokio::test]
async fn metadata_configuration_on_the_wire() {
    let get = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<GetBucketMetadataConfigurationResult xmlns=\"{NS}\"><MetadataConfigurationResult><DestinationResult><TableBucketType>aws</TableBucketType><TableBucketArn>arn:aws:s3tables:us-east-1:111122223333:bucket/aws-s3</TableBucketArn><TableNamespace>b_bkt</TableNamespace></DestinationResult><JournalTableConfigurationResult><TableStatus>ACTIVE</TableStatus><TableName>journal</TableName><TableArn>arn:aws:s3tables:us-east-1:111122223333:bucket/aws-s3/table/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0</TableArn><RecordExpiration><Expiration>ENABLED</Expiration><Days>7</Days></RecordExpiration></JournalTableConfigurationResult><InventoryTableConfigurationResult><ConfigurationState>ENABLED</ConfigurationState><TableStatus>BACKFILLING</TableStatus><TableName>inventory</TableName><TableArn>arn:aws:s3tables:us-east-1:111122223333:bucket/aws-s3/table/9a8b7c6d-5e4f-3a2b-1c0d-e9f8a7b6c5d4</TableArn></InventoryTableConfigurationResult><AnnotationTableConfigurationResult><ConfigurationState>ENABLED</ConfigurationState><TableStatus>FAILED</TableStatus><Error><ErrorCode>AccessDeniedCreatingResources</ErrorCode><ErrorMessage>The role cannot create the annotation table.</ErrorMessage></Error><TableName>annotation</TableName><Role>arn:aws:iam::111122223333:role/s3-metadata-annotations</Role></AnnotationTableConfigurationResult></MetadataConfigurationResult></GetBucketMetadataConfigurationResult>"
    );
    let server = recorder(vec![
        http("200 OK", &[], ""),
        http("200 OK", &[], &get),
        http("200 OK", &[], ""),
        http("200 OK", &[], ""),
        http("200 OK", &[], ""),
        http("204 No Content", &[], ""),
    ])
    .await;
    let client = client(&server.endpoint);
    client
        .create_bucket_metadata_configuration()
        .bucket("bkt")
        .expected_bucket_owner("111122223333")
        .metadata_configuration(metadata_configuration())
        .send()
        .await
        .unwrap();
    let got = client
        .get_bucket_metadata_configuration()
        .bucket("bkt")
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.get_bucket_metadata_configuration_result,
        Some(metadata_configuration_result())
    );
    client
        .update_bucket_metadata_journal_table_configuration()
        .bucket("bkt")
        .journal_table_configuration(JournalTableConfigurationUpdates {
            record_expiration: Some(RecordExpiration {
                expiration: Some(ExpirationState::Disabled),
                days: None,
            }),
        })
        .send()
        .await
        .unwrap();
    client
        .update_bucket_metadata_inventory_table_configuration()
        .bucket("bkt")
        .inventory_table_configuration(InventoryTableConfigurationUpdates {
            configuration_state: Some(InventoryConfigurationState::Enabled),
            encryption_configuration: Some(encryption(TableSseAlgorithm::AwsKms, Some(KMS_KEY))),
        })
        .send()
        .await
        .unwrap();
    client
        .update_bucket_metadata_annotation_table_configuration()
        .bucket("bkt")
        .annotation_table_configuration(AnnotationTableConfigurationUpdates {
            configuration_state: Some(AnnotationConfigurationState::Disabled),
            encryption_configuration: None,
            role: None,
        })
        .send()
        .await
        .unwrap();
    client
        .delete_bucket_metadata_configuration()
        .bucket("bkt")
        .send()
        .await
        .unwrap();

    let received = server.received();
    let requests: Vec<_> = received.iter().map(summary).collect();
    // As boto3 1.44.8 sends the same six calls (its members in model order): every
    // document with a CRC32, which these operations require.
    let create = format!(
        "<MetadataConfiguration xmlns=\"{NS}\"><JournalTableConfiguration><RecordExpiration><Expiration>ENABLED</Expiration><Days>7</Days></RecordExpiration><EncryptionConfiguration><SseAlgorithm>aws:kms</SseAlgorithm><KmsKeyArn>arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab</KmsKeyArn></EncryptionConfiguration></JournalTableConfiguration><InventoryTableConfiguration><ConfigurationState>ENABLED</ConfigurationState><EncryptionConfiguration><SseAlgorithm>AES256</SseAlgorithm></EncryptionConfiguration></InventoryTableConfiguration><AnnotationTableConfiguration><ConfigurationState>ENABLED</ConfigurationState><Role>arn:aws:iam::111122223333:role/s3-metadata-annotations</Role></AnnotationTableConfiguration></MetadataConfiguration>"
    );
    let journal = format!(
        "<JournalTableConfiguration xmlns=\"{NS}\"><RecordExpiration><Expiration>DISABLED</Expiration></RecordExpiration></JournalTableConfiguration>"
    );
    let inventory = format!(
        "<InventoryTableConfiguration xmlns=\"{NS}\"><ConfigurationState>ENABLED</ConfigurationState><EncryptionConfiguration><SseAlgorithm>aws:kms</SseAlgorithm><KmsKeyArn>arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab</KmsKeyArn></EncryptionConfiguration></InventoryTableConfiguration>"
    );
    let annotation = format!(
        "<AnnotationTableConfiguration xmlns=\"{NS}\"><ConfigurationState>DISABLED</ConfigurationState></AnnotationTableConfiguration>"
    );
    assert_eq!(
        requests,
        [
            (
                "POST /bkt?metadataConfiguration".to_string(),
                Some(crc32(create.as_bytes())),
                Some("CRC32".to_string()),
                create
            ),
            (
                "GET /bkt?metadataConfiguration".to_string(),
                None,
                None,
                String::new()
            ),
            (
                "PUT /bkt?metadataJournalTable".to_string(),
                Some(crc32(journal.as_bytes())),
                Some("CRC32".to_string()),
                journal
            ),
            (
                "PUT /bkt?metadataInventoryTable".to_string(),
                Some(crc32(inventory.as_bytes())),
                Some("CRC32".to_string()),
                inventory
            ),
            (
                "PUT /bkt?metadataAnnotationTable".to_string(),
                Some(crc32(annotation.as_bytes())),
                Some("CRC32".to_string()),
                annotation
            ),
            (
                "DELETE /bkt?metadataConfiguration".to_string(),
                None,
                None,
                String::new()
            ),
        ]
    );
    // The CRC32s boto3 1.44.8 sends for the same bodies.
    let crcs: Vec<Option<&str>> = requests.iter().map(|r| r.1.as_deref()).collect();
    assert_eq!(
        crcs,
        [
            Some("gakv4A=="),
            None,
            Some("1nPBWg=="),
            Some("ls8Vfw=="),
            Some("23k9Ww=="),
            None
        ]
    );
    assert_eq!(
        received[0].header("x-amz-expected-bucket-owner"),
        Some("111122223333")
    );
}

#[tokio::test]
async fn metadata_table_configuration_on_the_wire() {
    let get = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<GetBucketMetadataTableConfigurationResult xmlns=\"{NS}\"><MetadataTableConfigurationResult><S3TablesDestinationResult><TableBucketArn>arn:aws:s3tables:us-east-1:111122223333:bucket/metadata</TableBucketArn><TableName>bkt_metadata</TableName><TableArn>arn:aws:s3tables:us-east-1:111122223333:bucket/metadata/table/a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d</TableArn><TableNamespace>aws_s3_metadata</TableNamespace></S3TablesDestinationResult></MetadataTableConfigurationResult><Status>ACTIVE</Status></GetBucketMetadataTableConfigurationResult>"
    );
    let server = recorder(vec![
        http("200 OK", &[], ""),
        http("200 OK", &[], &get),
        http("204 No Content", &[], ""),
    ])
    .await;
    let client = client(&server.endpoint);
    client
        .create_bucket_metadata_table_configuration()
        .bucket("bkt")
        .metadata_table_configuration(MetadataTableConfiguration {
            s3_tables_destination: Some(S3TablesDestination {
                table_bucket_arn: Some(
                    "arn:aws:s3tables:us-east-1:111122223333:bucket/metadata".into(),
                ),
                table_name: Some("bkt_metadata".into()),
            }),
        })
        .send()
        .await
        .unwrap();
    let got = client
        .get_bucket_metadata_table_configuration()
        .bucket("bkt")
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.get_bucket_metadata_table_configuration_result,
        Some(GetBucketMetadataTableConfigurationResult {
            metadata_table_configuration_result: Some(MetadataTableConfigurationResult {
                s3_tables_destination_result: Some(S3TablesDestinationResult {
                    table_bucket_arn: Some(
                        "arn:aws:s3tables:us-east-1:111122223333:bucket/metadata".into()
                    ),
                    table_name: Some("bkt_metadata".into()),
                    table_arn: Some(
                        "arn:aws:s3tables:us-east-1:111122223333:bucket/metadata/table/a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d".into()
                    ),
                    table_namespace: Some("aws_s3_metadata".into()),
                }),
            }),
            status: Some("ACTIVE".into()),
            error: None,
        })
    );
    client
        .delete_bucket_metadata_table_configuration()
        .bucket("bkt")
        .send()
        .await
        .unwrap();

    let requests: Vec<_> = server.received().iter().map(summary).collect();
    // As boto3 1.44.8 sends the same three calls.
    let create = format!(
        "<MetadataTableConfiguration xmlns=\"{NS}\"><S3TablesDestination><TableBucketArn>arn:aws:s3tables:us-east-1:111122223333:bucket/metadata</TableBucketArn><TableName>bkt_metadata</TableName></S3TablesDestination></MetadataTableConfiguration>"
    );
    assert_eq!(
        requests,
        [
            (
                "POST /bkt?metadataTable".to_string(),
                Some(crc32(create.as_bytes())),
                Some("CRC32".to_string()),
                create
            ),
            (
                "GET /bkt?metadataTable".to_string(),
                None,
                None,
                String::new()
            ),
            (
                "DELETE /bkt?metadataTable".to_string(),
                None,
                None,
                String::new()
            ),
        ]
    );
    // The CRC32 boto3 1.44.8 sends for the same body.
    assert_eq!(requests[0].1.as_deref(), Some("YlzGgA=="));
}
