//! The same transfers against moto and the Garage cluster: multipart uploads with
//! full-object CRC64NVME checksums checked by the store, and downloads checked against
//! them.

use s3_client::Client;
use s3_client::transfer::MultipartChecksum;
use s3_client::types::{ChecksumAlgorithm, ChecksumType};

use super::{MIB, Scratch, SharedBuf, read_object, small_parts};

/// Up in four parts and down again, through a file and through a writer.
async fn round_trip(client: &Client, bucket: &str, name: &str) {
    let scratch = Scratch::new(name);
    let (path, bytes) = scratch.file("f", 15 * MIB + 123, 21);
    let out = client
        .upload_file(&path)
        .bucket(bucket)
        .key("big")
        .transfer_config(small_parts())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(out.parts, 4);
    assert_eq!(read_object(client, bucket, "big").await, bytes);
    let head = client
        .head_object()
        .bucket(bucket)
        .key("big")
        .checksum_mode(s3_client::types::ChecksumMode::Enabled)
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_length, Some(bytes.len() as i64));
    let down = scratch.path("down");
    let got = client
        .download_file(&down)
        .bucket(bucket)
        .key("big")
        .transfer_config(small_parts())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(std::fs::read(&down).unwrap(), bytes);
    assert_eq!(got.parts, 4);
    if let Some(c) = &head.checksum_crc64nvme {
        // The store holds the full-object CRC64NVME the client combined from the parts,
        // and the download was checked against it.
        assert_eq!(got.checksum.as_ref().map(|c| &c.value), Some(c));
        assert_eq!(
            got.checksum.as_ref().map(|c| c.algorithm.clone()),
            Some(ChecksumAlgorithm::Crc64nvme)
        );
        assert!(got.checksum_verified, "{name}: {got:?}");
        assert_eq!(head.checksum_type, Some(ChecksumType::FullObject));
    }
    let buf = SharedBuf::default();
    client
        .download(buf.clone())
        .bucket(bucket)
        .key("big")
        .part_size(5 * MIB)
        .send()
        .await
        .unwrap();
    assert_eq!(buf.bytes(), bytes);

    let stream = s3_client::primitives::ByteStream::from(bytes[..11 * MIB as usize].to_vec());
    let out = client
        .upload(stream)
        .bucket(bucket)
        .key("stream")
        .transfer_config(small_parts())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(out.parts, 3);
    assert_eq!(
        read_object(client, bucket, "stream").await,
        bytes[..11 * MIB as usize]
    );
}

#[tokio::test]
async fn moto_takes_multipart_uploads_with_full_object_checksums() {
    let (client, bucket) = crate::moto::bucket("transfer").await;
    round_trip(&client, &bucket, "moto").await;
}

#[tokio::test]
async fn garage_takes_multipart_uploads_with_full_object_checksums() {
    let (client, bucket) = crate::garage::bucket("transfer").await;
    round_trip(&client, &bucket, "garage").await;
}

#[tokio::test]
async fn composite_crc32_uploads_where_a_store_profile_asks_for_them() {
    let (client, bucket) = crate::moto::bucket("composite").await;
    let scratch = Scratch::new("composite");
    let (path, bytes) = scratch.file("f", 10 * MIB + 1, 22);
    let out = client
        .upload_file(&path)
        .bucket(&bucket)
        .key("k")
        .transfer_config(small_parts())
        .checksum(MultipartChecksum::CompositeCrc32)
        .send()
        .await
        .unwrap();
    assert_eq!(out.parts, 3);
    if let Some(c) = &out.checksum {
        assert_eq!(c.algorithm, ChecksumAlgorithm::Crc32);
        assert!(c.value.ends_with("-3"), "{c:?}");
    }
    assert_eq!(read_object(&client, &bucket, "k").await, bytes);
}
