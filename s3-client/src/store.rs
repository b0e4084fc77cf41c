//! Store profiles: one switch that sets what an S3-compatible store needs (endpoint,
//! signing region, addressing, the integrity headers it accepts, the operations it
//! lacks), each a row of data with the store's documentation cited.
//!
//! ```no_run
//! use s3_client::{Client, Config, Store};
//! let client = Client::new(
//!     Config::builder()
//!         .store(Store::R2 { account_id: "0123abc".into(), jurisdiction: None })
//!         .from_env()?
//!         .build(),
//! );
//! # Ok::<(), s3_client::ProfileError>(())
//! ```
//!
//! Presigned URLs never carry a checksum the client computed, on any store (a checksum of
//! an empty body baked into a presigned PUT breaks uploads on R2, Garage and SeaweedFS).

use crate::config::{RequestChecksumCalculation, ResponseChecksumValidation};

/// The checksum an operation that requires one (DeleteObjects, PutBucketLifecycle...)
/// carries when the request names none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RequiredChecksum {
    /// `x-amz-checksum-crc32`, as the AWS SDKs send (the default).
    #[default]
    Crc32,
    /// `x-amz-checksum-crc32c` (OCI accepts it where it refuses CRC32).
    Crc32c,
    /// `x-amz-checksum-sha256`.
    Sha256,
    /// `Content-MD5`, which stores that predate flexible checksums expect.
    ContentMd5,
}

/// The checksums the transfer manager gives a multipart upload: on every part, and for
/// the whole object at completion.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MultipartChecksum {
    /// CRC64NVME on each part and a full-object CRC64NVME (combined from the parts'
    /// without reading the data again) checked by the store at completion: what S3 does
    /// by default since 2025.
    #[default]
    FullObjectCrc64nvme,
    /// CRC32 on each part and the composite checksum (a checksum of the parts'
    /// checksums), for stores without full-object checksums.
    CompositeCrc32,
    /// `Content-MD5` on each part, for stores without flexible checksums.
    ContentMd5,
    /// No checksums beyond what the request path adds by itself.
    Off,
}

/// What a store needs. The named stores of [`Store`] turn into one; a custom one starts
/// from [`StoreProfile::new`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreProfile {
    /// The store's name, for messages.
    pub name: String,
    /// The endpoint URL, when the store has a fixed one (otherwise the configuration's).
    pub endpoint: Option<String>,
    /// The region to sign for, when the store has its own (`auto` for R2).
    pub region: Option<String>,
    /// Buckets in the path rather than the host name.
    pub path_style: bool,
    /// Which requests carry a computed checksum.
    pub request_checksums: RequestChecksumCalculation,
    /// The checksum of operations that require one.
    pub required_checksum: RequiredChecksum,
    /// Whether GetObject asks for (`x-amz-checksum-mode`) and checks response checksums.
    pub response_checksums: ResponseChecksumValidation,
    /// The checksums the transfer manager gives multipart uploads.
    pub multipart_checksum: MultipartChecksum,
    /// Whether the store takes `aws-chunked` uploads with trailing checksums. Where it
    /// does, a body streamed from a file (or a stream of known length) carries its
    /// checksum as the trailer, so the file is read once; where not, in a header,
    /// computed by reading the file first.
    pub aws_chunked: bool,
    /// Operations the store does not implement, by model name: they fail before anything
    /// is sent, with an error naming the store.
    pub unsupported: Vec<String>,
}

impl StoreProfile {
    /// A profile with AWS S3's behaviour, to adjust for a store of your own.
    pub fn new(name: impl Into<String>) -> Self {
        StoreProfile {
            name: name.into(),
            endpoint: None,
            region: None,
            path_style: false,
            request_checksums: RequestChecksumCalculation::WhenSupported,
            required_checksum: RequiredChecksum::Crc32,
            response_checksums: ResponseChecksumValidation::WhenSupported,
            multipart_checksum: MultipartChecksum::FullObjectCrc64nvme,
            aws_chunked: true,
            unsupported: Vec::new(),
        }
    }

    /// Whether the store implements `operation` (a model name such as `GetBucketTagging`).
    pub fn supports(&self, operation: &str) -> bool {
        !self.unsupported.iter().any(|o| o == operation)
    }

    /// Writes the profile's settings onto `config`, over what the environment said;
    /// what the builder sets explicitly is applied after, and wins.
    pub(crate) fn apply(&self, config: &mut crate::config::Config) {
        if let Some(e) = &self.endpoint {
            config.endpoint_url = Some(e.clone());
        }
        if let Some(r) = &self.region {
            config.region = r.clone();
        }
        config.force_path_style = self.path_style;
        config.request_checksum_calculation = self.request_checksums;
        config.required_checksum = self.required_checksum;
        config.response_checksum_validation = self.response_checksums;
    }
}

/// The S3-compatible stores the client knows. Each sets, together, what the store's
/// documentation says it needs; anything set on the configuration builder wins.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Store {
    /// Amazon S3 itself: the defaults.
    AwsS3,
    /// Cloudflare R2: `https://<account_id>[.<jurisdiction>].r2.cloudflarestorage.com`,
    /// region `auto`.
    R2 {
        /// The Cloudflare account id.
        account_id: String,
        /// `eu`, `fedramp` or `us`, for buckets in a jurisdiction.
        jurisdiction: Option<String>,
    },
    /// MinIO at `endpoint`.
    Minio {
        /// E.g. `http://127.0.0.1:9000`.
        endpoint: String,
    },
    /// Garage at `endpoint`, signing for its `s3_region` (usually `garage`).
    Garage {
        /// E.g. `http://127.0.0.1:3900`.
        endpoint: String,
        /// The `[s3_api] s3_region` of its configuration.
        region: String,
    },
    /// Ceph RADOS Gateway at `endpoint`.
    CephRgw {
        /// E.g. `http://rgw.local:7480`.
        endpoint: String,
    },
    /// SeaweedFS's S3 gateway at `endpoint`.
    SeaweedFs {
        /// E.g. `http://127.0.0.1:8333`.
        endpoint: String,
    },
    /// RustFS at `endpoint`.
    RustFs {
        /// E.g. `http://127.0.0.1:9000`.
        endpoint: String,
    },
    /// Backblaze B2's S3-compatible API: `https://s3.<region>.backblazeb2.com`.
    BackblazeB2 {
        /// E.g. `us-west-004`.
        region: String,
    },
    /// Wasabi: `https://s3.<region>.wasabisys.com`.
    Wasabi {
        /// E.g. `eu-central-1`.
        region: String,
    },
    /// Google Cloud Storage's XML API with HMAC keys: `https://storage.googleapis.com`.
    GcsXml,
    /// Oracle OCI Object Storage's S3 compatibility API:
    /// `https://<namespace>.compat.objectstorage.<region>.oraclecloud.com`.
    OciObjectStorage {
        /// The tenancy's Object Storage namespace.
        namespace: String,
        /// E.g. `eu-frankfurt-1`.
        region: String,
    },
    /// Alibaba Cloud OSS: `https://s3.oss-<region>.aliyuncs.com`.
    AlibabaOss {
        /// E.g. `cn-hangzhou`.
        region: String,
    },
    /// Tencent Cloud COS: `https://cos.<region>.myqcloud.com`.
    TencentCos {
        /// E.g. `ap-guangzhou`.
        region: String,
    },
    /// Huawei Cloud OBS: `https://obs.<region>.myhuaweicloud.com`.
    HuaweiObs {
        /// E.g. `cn-north-4`.
        region: String,
    },
    /// OpenStack Swift's s3api middleware at `endpoint`.
    Swift {
        /// The Swift proxy, e.g. `https://swift.example.com`.
        endpoint: String,
    },
}

// Groups of operations, as the stores' compatibility pages list them.
const ANALYTICS: &[&str] = &[
    "DeleteBucketAnalyticsConfiguration",
    "GetBucketAnalyticsConfiguration",
    "ListBucketAnalyticsConfigurations",
    "PutBucketAnalyticsConfiguration",
];
const INVENTORY: &[&str] = &[
    "DeleteBucketInventoryConfiguration",
    "GetBucketInventoryConfiguration",
    "ListBucketInventoryConfigurations",
    "PutBucketInventoryConfiguration",
];
const METRICS: &[&str] = &[
    "DeleteBucketMetricsConfiguration",
    "GetBucketMetricsConfiguration",
    "ListBucketMetricsConfigurations",
    "PutBucketMetricsConfiguration",
];
const ACCELERATE: &[&str] = &[
    "GetBucketAccelerateConfiguration",
    "PutBucketAccelerateConfiguration",
];
const REQUEST_PAYMENT: &[&str] = &["GetBucketRequestPayment", "PutBucketRequestPayment"];
const TORRENT: &[&str] = &["GetObjectTorrent"];
const RESTORE: &[&str] = &["RestoreObject"];
const LOGGING: &[&str] = &["GetBucketLogging", "PutBucketLogging"];
const WEBSITE: &[&str] = &[
    "DeleteBucketWebsite",
    "GetBucketWebsite",
    "PutBucketWebsite",
];
const REPLICATION: &[&str] = &[
    "DeleteBucketReplication",
    "GetBucketReplication",
    "PutBucketReplication",
];
const NOTIFICATIONS: &[&str] = &[
    "GetBucketNotification",
    "GetBucketNotificationConfiguration",
    "PutBucketNotification",
    "PutBucketNotificationConfiguration",
];
const BUCKET_TAGGING: &[&str] = &[
    "DeleteBucketTagging",
    "GetBucketTagging",
    "PutBucketTagging",
];
const OBJECT_TAGGING: &[&str] = &[
    "DeleteObjectTagging",
    "GetObjectTagging",
    "PutObjectTagging",
];
const BUCKET_ACL: &[&str] = &["GetBucketAcl", "PutBucketAcl"];
const OBJECT_ACL: &[&str] = &["GetObjectAcl", "PutObjectAcl"];
const POLICY: &[&str] = &["DeleteBucketPolicy", "GetBucketPolicy", "PutBucketPolicy"];
const VERSIONING: &[&str] = &[
    "GetBucketVersioning",
    "ListObjectVersions",
    "PutBucketVersioning",
];
const LEGACY_LIFECYCLE: &[&str] = &["GetBucketLifecycle", "PutBucketLifecycle"];
const LIFECYCLE: &[&str] = &[
    "DeleteBucketLifecycle",
    "GetBucketLifecycleConfiguration",
    "PutBucketLifecycleConfiguration",
];
const ENCRYPTION: &[&str] = &[
    "DeleteBucketEncryption",
    "GetBucketEncryption",
    "PutBucketEncryption",
];
const CORS: &[&str] = &["DeleteBucketCors", "GetBucketCors", "PutBucketCors"];
const INTELLIGENT_TIERING: &[&str] = &[
    "DeleteBucketIntelligentTieringConfiguration",
    "GetBucketIntelligentTieringConfiguration",
    "ListBucketIntelligentTieringConfigurations",
    "PutBucketIntelligentTieringConfiguration",
];
const METADATA_TABLES: &[&str] = &[
    "CreateBucketMetadataConfiguration",
    "CreateBucketMetadataTableConfiguration",
    "DeleteBucketMetadataConfiguration",
    "DeleteBucketMetadataTableConfiguration",
    "GetBucketMetadataConfiguration",
    "GetBucketMetadataTableConfiguration",
    "UpdateBucketMetadataAnnotationTableConfiguration",
    "UpdateBucketMetadataInventoryTableConfiguration",
    "UpdateBucketMetadataJournalTableConfiguration",
];
const ANNOTATIONS: &[&str] = &[
    "DeleteObjectAnnotation",
    "GetObjectAnnotation",
    "ListObjectAnnotations",
    "PutObjectAnnotation",
];
const OBJECT_LAMBDA: &[&str] = &["WriteGetObjectResponse"];
const ABAC: &[&str] = &["GetBucketAbac", "PutBucketAbac"];
const S3_EXPRESS: &[&str] = &["CreateSession", "ListDirectoryBuckets", "RenameObject"];
const OBJECT_ENCRYPTION_UPDATE: &[&str] = &["UpdateObjectEncryption"];
/// What AWS added from 2023 on, which no S3-compatible store implements: every store's
/// row lacks these besides its own list (Garage's too, though its test checks only its
/// own list against a real cluster).
const NEWER_AWS: &[&[&str]] = &[
    INTELLIGENT_TIERING,
    METADATA_TABLES,
    ANNOTATIONS,
    OBJECT_LAMBDA,
    ABAC,
    S3_EXPRESS,
    OBJECT_ENCRYPTION_UPDATE,
];
/// What only AWS has: no S3-compatible store implements these.
const AWS_ONLY: &[&[&str]] = &[
    ANALYTICS,
    INVENTORY,
    METRICS,
    ACCELERATE,
    REQUEST_PAYMENT,
    TORRENT,
];

/// One row of the table: how a store differs from AWS S3.
struct Row {
    name: &'static str,
    path_style: bool,
    request_checksums: RequestChecksumCalculation,
    required_checksum: RequiredChecksum,
    response_checksums: ResponseChecksumValidation,
    multipart_checksum: MultipartChecksum,
    aws_chunked: bool,
    unsupported: &'static [&'static [&'static str]],
    /// AWS itself: it lacks none of [`NEWER_AWS`].
    aws: bool,
}

use RequestChecksumCalculation::{ContentMd5, WhenRequired, WhenSupported};
use ResponseChecksumValidation::{
    WhenRequired as ResponseWhenRequired, WhenSupported as ResponseWhenSupported,
};

/// The table. Sources:
/// - R2: https://developers.cloudflare.com/r2/api/s3/api/ (compatibility matrix:
///   bucket-configuration operations refuse `x-amz-sdk-checksum-algorithm`, streaming
///   SigV4 is unsupported per the .NET example page).
/// - MinIO: https://min.io/docs/minio/linux/reference/s3-api-compatibility.html; flexible
///   checksums and CRC64NVME since RELEASE.2025-01-20 (github.com/minio/minio/pull/20855),
///   trailers since 2023 (pull/16484).
/// - Garage: https://garagehq.deuxfleurs.fr/documentation/reference-manual/s3-compatibility/;
///   checksum headers since 1.0, trailers since 1.1, CRC64NVME since 2.0. The list is
///   checked against a real Garage cluster by the test suite.
/// - Ceph RGW: https://docs.ceph.com/en/latest/radosgw/s3/ (no analytics, inventory,
///   metrics or acceleration); flexible and trailing checksums only in recent releases
///   (github.com/ceph/ceph/pull/55076, not in every Squid), so Content-MD5.
/// - SeaweedFS: trailing checksums fixed in 2025 (github.com/seaweedfs/seaweedfs/pull/6539).
/// - RustFS: https://docs.rustfs.com/en/reference/s3-compatibility (all checksum
///   algorithms; bucket logging not implemented).
/// - Backblaze B2: https://www.backblaze.com/docs/cloud-storage-s3-compatible-api
///   ("Unsupported Features" lists every `x-amz-checksum-*` header and
///   `x-amz-checksum-mode`).
/// - Wasabi: https://docs.wasabi.com/docs/rest-api-introduction (path style
///   recommended); parts with a CRC32 the upload did not declare are refused
///   (github.com/EnterpriseDB/barman/issues/1064).
/// - GCS: https://cloud.google.com/storage/docs/interoperability; SDK checksum headers
///   break uploads (github.com/aws/aws-sdk-java-v2/issues/5987), DeleteObjects needs
///   Content-MD5 or CRC32 (github.com/milvus-io/milvus-storage/pull/480).
/// - OCI: https://docs.oracle.com/en-us/iaas/Content/Object/Tasks/s3compatibleapi.htm;
///   DeleteObjects takes Content-MD5, SHA256 or CRC32C but not CRC32 (release note
///   2026-07-17), aws-chunked is refused.
/// - Alibaba OSS: https://www.alibabacloud.com/help/doc-detail/389025.html (virtual-hosted
///   only, the operations it supports; aws-chunked refused; DeleteObjects honours only
///   Content-MD5).
/// - Tencent COS: DeleteObjects needs Content-MD5
///   (github.com/Aiven-Open/tiered-storage-for-apache-kafka/issues/694).
/// - Huawei OBS: https://support.huaweicloud.com/intl/en-us/api-obs/en-us_topic_0031051947.html
///   (virtual-hosted); SDK checksums break uploads
///   (github.com/huaweicloud/terraform-provider-huaweicloud/issues/7021).
/// - Swift s3api: https://docs.openstack.org/swift/latest/s3_compat.html; aws-chunked and
///   checksum headers only from Swift 2.36, and DeleteObjects needs Content-MD5 without
///   one.
const fn row(name: &'static str) -> Row {
    Row {
        name,
        path_style: true,
        request_checksums: WhenSupported,
        required_checksum: RequiredChecksum::Crc32,
        response_checksums: ResponseWhenSupported,
        multipart_checksum: MultipartChecksum::FullObjectCrc64nvme,
        aws_chunked: true,
        unsupported: AWS_ONLY,
        aws: false,
    }
}

/// A store that takes `Content-MD5` and none of the flexible checksum headers or
/// aws-chunked uploads, and sends no response checksums.
const fn md5_only(name: &'static str) -> Row {
    Row {
        request_checksums: ContentMd5,
        required_checksum: RequiredChecksum::ContentMd5,
        response_checksums: ResponseWhenRequired,
        multipart_checksum: MultipartChecksum::ContentMd5,
        aws_chunked: false,
        ..row(name)
    }
}

const AWS: Row = Row {
    path_style: false,
    unsupported: &[],
    aws: true,
    ..row("Amazon S3")
};
const R2: Row = Row {
    unsupported: &[
        ANALYTICS,
        INVENTORY,
        METRICS,
        ACCELERATE,
        REQUEST_PAYMENT,
        TORRENT,
        RESTORE,
        BUCKET_ACL,
        OBJECT_ACL,
        LEGACY_LIFECYCLE,
        LOGGING,
        NOTIFICATIONS,
        POLICY,
        REPLICATION,
        BUCKET_TAGGING,
        OBJECT_TAGGING,
        VERSIONING,
        WEBSITE,
        &["PutBucketEncryption"],
    ],
    // R2's checksum table: CRC32 is composite-only on multipart uploads, and full-object
    // multipart checksums are refused (github.com/bitfoundation/bitplatform/pull/13363).
    multipart_checksum: MultipartChecksum::CompositeCrc32,
    ..md5_only("Cloudflare R2")
};
const MINIO: Row = Row {
    unsupported: &[
        ANALYTICS,
        INVENTORY,
        METRICS,
        ACCELERATE,
        REQUEST_PAYMENT,
        OBJECT_ACL,
        &["PutBucketAcl"],
        LOGGING,
        &["PutBucketWebsite"],
    ],
    ..row("MinIO")
};
const GARAGE: Row = Row {
    unsupported: &[
        ANALYTICS,
        INVENTORY,
        METRICS,
        ACCELERATE,
        REQUEST_PAYMENT,
        TORRENT,
        RESTORE,
        LOGGING,
        REPLICATION,
        NOTIFICATIONS,
        BUCKET_TAGGING,
        OBJECT_TAGGING,
        OBJECT_ACL,
        POLICY,
        ENCRYPTION,
        &["PutBucketAcl", "ListObjectVersions", "PutBucketVersioning"],
    ],
    ..row("Garage")
};
const CEPH: Row = Row {
    unsupported: &[ANALYTICS, INVENTORY, METRICS, ACCELERATE],
    ..md5_only("Ceph RGW")
};
// Full-object multipart checksums are not documented for SeaweedFS: composite CRC32.
const SEAWEED: Row = Row {
    multipart_checksum: MultipartChecksum::CompositeCrc32,
    ..row("SeaweedFS")
};
const RUSTFS: Row = Row {
    unsupported: &[
        ANALYTICS,
        INVENTORY,
        METRICS,
        ACCELERATE,
        REQUEST_PAYMENT,
        TORRENT,
        LOGGING,
    ],
    ..row("RustFS")
};
const B2: Row = Row {
    unsupported: &[
        ANALYTICS,
        INVENTORY,
        METRICS,
        ACCELERATE,
        REQUEST_PAYMENT,
        TORRENT,
        RESTORE,
        WEBSITE,
        REPLICATION,
        NOTIFICATIONS,
        BUCKET_TAGGING,
        OBJECT_TAGGING,
        LEGACY_LIFECYCLE,
        LIFECYCLE,
        LOGGING,
    ],
    ..md5_only("Backblaze B2")
};
const WASABI: Row = md5_only("Wasabi");
const GCS: Row = md5_only("Google Cloud Storage (XML API)");
const OCI: Row = Row {
    request_checksums: WhenRequired,
    required_checksum: RequiredChecksum::Crc32c,
    response_checksums: ResponseWhenRequired,
    multipart_checksum: MultipartChecksum::ContentMd5,
    aws_chunked: false,
    unsupported: &[
        ANALYTICS,
        INVENTORY,
        METRICS,
        ACCELERATE,
        REQUEST_PAYMENT,
        TORRENT,
        RESTORE,
        BUCKET_ACL,
        OBJECT_ACL,
        POLICY,
        CORS,
        WEBSITE,
        LEGACY_LIFECYCLE,
        LIFECYCLE,
        REPLICATION,
        NOTIFICATIONS,
        LOGGING,
        ENCRYPTION,
    ],
    ..row("Oracle OCI Object Storage")
};
const ALIBABA: Row = Row {
    path_style: false,
    unsupported: &[
        ANALYTICS,
        INVENTORY,
        METRICS,
        ACCELERATE,
        REQUEST_PAYMENT,
        TORRENT,
        RESTORE,
        CORS,
        WEBSITE,
        POLICY,
        VERSIONING,
        BUCKET_TAGGING,
        OBJECT_TAGGING,
        REPLICATION,
        NOTIFICATIONS,
        ENCRYPTION,
        &["ListMultipartUploads"],
    ],
    ..md5_only("Alibaba Cloud OSS")
};
const TENCENT: Row = Row {
    path_style: false,
    ..md5_only("Tencent Cloud COS")
};
const HUAWEI: Row = Row {
    path_style: false,
    ..md5_only("Huawei Cloud OBS")
};

const SWIFT: Row = Row {
    unsupported: &[
        ANALYTICS,
        INVENTORY,
        METRICS,
        ACCELERATE,
        REQUEST_PAYMENT,
        TORRENT,
        NOTIFICATIONS,
        LEGACY_LIFECYCLE,
        LIFECYCLE,
        POLICY,
        WEBSITE,
        CORS,
        REPLICATION,
        ENCRYPTION,
        &[
            "PutObjectTagging",
            "DeleteObjectTagging",
            "PutBucketLogging",
        ],
    ],
    ..md5_only("OpenStack Swift")
};

impl Store {
    /// The names [`Store::named`] knows (`S3_STORE`, the profile's `s3_store`).
    pub const NAMES: &'static [&'static str] = &[
        "aws",
        "r2",
        "minio",
        "garage",
        "ceph",
        "seaweedfs",
        "rustfs",
        "b2",
        "wasabi",
        "gcs",
        "oci",
        "alibaba",
        "tencent",
        "huawei",
        "swift",
    ];

    /// The profile of the store called `name` (see [`Store::NAMES`]), without an endpoint:
    /// the configuration's endpoint and region are used.
    pub fn named(name: &str) -> Option<StoreProfile> {
        let row = match name.to_ascii_lowercase().as_str() {
            "aws" | "s3" => &AWS,
            "r2" => &R2,
            "minio" => &MINIO,
            "garage" => &GARAGE,
            "ceph" => &CEPH,
            "seaweedfs" => &SEAWEED,
            "rustfs" => &RUSTFS,
            "b2" => &B2,
            "wasabi" => &WASABI,
            "gcs" => &GCS,
            "oci" => &OCI,
            "alibaba" => &ALIBABA,
            "tencent" => &TENCENT,
            "huawei" => &HUAWEI,
            "swift" => &SWIFT,
            _ => return None,
        };
        let mut profile = StoreProfile::from(row);
        if name.eq_ignore_ascii_case("r2") {
            profile.region = Some("auto".into());
        }
        Some(profile)
    }
}

impl From<&Row> for StoreProfile {
    fn from(r: &Row) -> Self {
        StoreProfile {
            name: r.name.to_string(),
            endpoint: None,
            region: None,
            path_style: r.path_style,
            request_checksums: r.request_checksums,
            required_checksum: r.required_checksum,
            response_checksums: r.response_checksums,
            multipart_checksum: r.multipart_checksum,
            aws_chunked: r.aws_chunked,
            unsupported: r
                .unsupported
                .iter()
                .chain(if r.aws { [].iter() } else { NEWER_AWS.iter() })
                .flat_map(|g| g.iter().map(|o| o.to_string()))
                .collect(),
        }
    }
}

impl From<Store> for StoreProfile {
    fn from(store: Store) -> Self {
        let (row, endpoint, region) = match store {
            Store::AwsS3 => (&AWS, None, None),
            Store::R2 {
                account_id,
                jurisdiction,
            } => {
                let host = match jurisdiction {
                    Some(j) => format!("{account_id}.{j}"),
                    None => account_id,
                };
                (
                    &R2,
                    Some(format!("https://{host}.r2.cloudflarestorage.com")),
                    Some("auto".to_string()),
                )
            }
            Store::Minio { endpoint } => (&MINIO, Some(endpoint), None),
            Store::Garage { endpoint, region } => (&GARAGE, Some(endpoint), Some(region)),
            Store::CephRgw { endpoint } => (&CEPH, Some(endpoint), None),
            Store::SeaweedFs { endpoint } => (&SEAWEED, Some(endpoint), None),
            Store::RustFs { endpoint } => (&RUSTFS, Some(endpoint), None),
            Store::BackblazeB2 { region } => (
                &B2,
                Some(format!("https://s3.{region}.backblazeb2.com")),
                Some(region),
            ),
            Store::Wasabi { region } => (
                &WASABI,
                Some(format!("https://s3.{region}.wasabisys.com")),
                Some(region),
            ),
            Store::GcsXml => (
                &GCS,
                Some("https://storage.googleapis.com".into()),
                Some("auto".into()),
            ),
            Store::OciObjectStorage { namespace, region } => (
                &OCI,
                Some(format!(
                    "https://{namespace}.compat.objectstorage.{region}.oraclecloud.com"
                )),
                Some(region),
            ),
            Store::AlibabaOss { region } => (
                &ALIBABA,
                Some(format!("https://s3.oss-{region}.aliyuncs.com")),
                Some(region),
            ),
            Store::TencentCos { region } => (
                &TENCENT,
                Some(format!("https://cos.{region}.myqcloud.com")),
                Some(region),
            ),
            Store::HuaweiObs { region } => (
                &HUAWEI,
                Some(format!("https://obs.{region}.myhuaweicloud.com")),
                Some(region),
            ),
            Store::Swift { endpoint } => (&SWIFT, Some(endpoint), None),
        };
        StoreProfile {
            endpoint,
            region,
            ..StoreProfile::from(row)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_name_real_operations_and_set_endpoints() {
        let r2 = StoreProfile::from(Store::R2 {
            account_id: "acct".into(),
            jurisdiction: Some("eu".into()),
        });
        assert_eq!(
            r2.endpoint.as_deref(),
            Some("https://acct.eu.r2.cloudflarestorage.com")
        );
        assert_eq!(r2.region.as_deref(), Some("auto"));
        assert!(!r2.supports("PutBucketTagging") && r2.supports("PutObject"));
        let oci = StoreProfile::from(Store::OciObjectStorage {
            namespace: "ns".into(),
            region: "eu-frankfurt-1".into(),
        });
        assert_eq!(
            oci.endpoint.as_deref(),
            Some("https://ns.compat.objectstorage.eu-frankfurt-1.oraclecloud.com")
        );
        assert_eq!(oci.required_checksum, RequiredChecksum::Crc32c);
        for name in Store::NAMES {
            let p = Store::named(name).unwrap();
            assert!(p.unsupported.iter().all(|o| !o.is_empty()), "{name}");
        }
        assert!(Store::named("floppy").is_none());
        assert!(StoreProfile::new("mine").unsupported.is_empty());
    }
}
