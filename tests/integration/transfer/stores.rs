//! The same transfers against moto and the Garage cluster: multipart uploads with
//! full-object CRC64NVME checksums checked by the store, and downloads checked against
//! them.

use s3_client::Client;
use s3_client::transfer::{DownloadOutput, MultipartChecksum, UploadOutput};
use s3_client::types::{ChecksumAlgorithm, ChecksumType};

use super::{MIB, Scratch, SharedBuf, read_object, small_parts};

/// `size` bytes up from a file and down into one; both outcomes, checked byte for byte.
async fn up_and_down(
    client: &Client,
    bucket: &str,
    scratch: &Scratch,
    size: u64,
) -> (UploadOutput, DownloadOutput) {
    let key = format!("object-{size}");
    let (path, bytes) = scratch.file(&key, size, size);
    let up = client
        .upload_file(&path)
        .bucket(bucket)
        .key(&key)
        .transfer_config(small_parts())
        .send()
        .await
        .unwrap_or_else(|e| panic!("up {size}: {e}"));
    assert_eq!(read_object(client, bucket, &key).await, bytes, "{size}");
    let target = scratch.path(&format!("{key}.down"));
    let down = client
        .download_file(&target)
        .bucket(bucket)
        .key(&key)
        .transfer_config(small_parts())
        .send()
        .await
        .unwrap_or_else(|e| panic!("down {size}: {e}"));
    assert_eq!(std::fs::read(&target).unwrap(), bytes, "{size}");
    (up, down)
}

/// Every boundary size, then four parts up and down through a file and a writer.
async fn round_trip(client: &Client, bucket: &str, name: &str) {
    let scratch = Scratch::new(name);
    for (size, parts) in [(0, 0), (1, 0), (5 * MIB, 1), (5 * MIB + 1, 2)] {
        let (up, down) = up_and_down(client, bucket, &scratch, size).await;
        assert_eq!(
            (up.parts, down.parts),
            (parts, parts.max(1)),
            "{name} {size}"
        );
    }
    let size = 15 * MIB + 123;
    let (out, got) = up_and_down(client, bucket, &scratch, size).await;
    assert_eq!((out.parts, got.parts), (4, 4));
    let bytes = super::data(size, size);
    let head = client
        .head_object()
        .bucket(bucket)
        .key("object-15728763")
        .checksum_mode(s3_client::types::ChecksumMode::Enabled)
        .send()
        .await
        .unwrap();
    // The store holds the full-object CRC64NVME the client combined from the parts, and
    // the download was checked against it.
    let c = head
        .checksum_crc64_nvme
        .clone()
        .unwrap_or_else(|| panic!("{name} keeps no CRC64NVME: {head:?}"));
    assert_eq!(got.checksum.as_ref().map(|c| &c.value), Some(&c));
    assert_eq!(
        got.checksum.as_ref().map(|c| c.algorithm.clone()),
        Some(ChecksumAlgorithm::Crc64nvme)
    );
    assert!(got.checksum_verified, "{name}: {got:?}");
    assert_eq!(head.checksum_type, Some(ChecksumType::FullObject));
    let buf = SharedBuf::default();
    client
        .download(buf.clone())
        .bucket(bucket)
        .key("object-15728763")
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
