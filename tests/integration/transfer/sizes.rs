//! Round trips at every size boundary on s3s-fs: empty, one byte, exactly one part, one
//! byte over, three parts and a tail; files, streams of unknown length, and writers.

use bytes::Bytes;
use s3_client::primitives::ByteStream;
use s3_client::transfer::TransferErrorKind;

use super::{MIB, Scratch, SharedBuf, data, read_object, small_parts};
use crate::setup;

const SIZES: [(u64, u64); 5] = [
    (0, 0),
    (1, 0),
    (5 * MIB, 1),
    (5 * MIB + 1, 2),
    (15 * MIB + 123, 4),
];

#[tokio::test]
async fn files_of_every_boundary_size_go_up_and_come_back() {
    let (_server, client) = setup("sizes").await;
    let scratch = Scratch::new("sizes");
    for (i, (size, parts)) in SIZES.into_iter().enumerate() {
        let (path, bytes) = scratch.file(&format!("up-{i}"), size, i as u64);
        let key = format!("file-{size}");
        let mut upload = client
            .upload_file(&path)
            .bucket("sizes")
            .key(&key)
            .content_type("application/x-test")
            .transfer_config(small_parts())
            .start();
        let out = (&mut upload).await.unwrap();
        assert_eq!((out.size, out.parts), (size, parts), "{size}");
        assert_eq!(out.upload_id.is_some(), parts > 0, "{size}");
        let progress = upload.progress();
        assert_eq!(progress.bytes, size, "{size}");
        assert_eq!(progress.total_bytes, Some(size), "{size}");
        assert_eq!(progress.parts, parts, "{size}");
        assert_eq!(read_object(&client, "sizes", &key).await, bytes, "{size}");
        let head = client
            .head_object()
            .bucket("sizes")
            .key(&key)
            .send()
            .await
            .unwrap();
        assert_eq!(head.content_type.as_deref(), Some("application/x-test"));

        let down = scratch.path(&format!("down-{i}"));
        let got = client
            .download_file(&down)
            .bucket("sizes")
            .key(&key)
            .transfer_config(small_parts())
            .send()
            .await
            .unwrap();
        assert_eq!(got.size, size);
        assert_eq!(got.parts, parts.max(1), "{size}");
        assert_eq!(std::fs::read(&down).unwrap(), bytes, "{size}");

        let buf = SharedBuf::default();
        let got = client
            .download(buf.clone())
            .bucket("sizes")
            .key(&key)
            .part_size(5 * MIB)
            .send()
            .await
            .unwrap();
        assert_eq!(got.size, size);
        assert_eq!(buf.bytes(), bytes, "{size}");
    }
    // Nothing but the files themselves is left in the directory.
    let names = scratch.names();
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
}

#[tokio::test]
async fn streams_of_unknown_length_go_up_in_parts_filled_in_memory() {
    let (_server, client) = setup("streams").await;
    for (size, parts) in [(0, 0), (1, 0), (5 * MIB, 0), (15 * MIB + 123, 4)] {
        let bytes = data(size, size);
        // Odd-sized chunks, so that parts are cut across them.
        let chunks: Vec<Result<Bytes, std::io::Error>> = bytes
            .chunks(300_007)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        let body = ByteStream::from_stream(futures_util::stream::iter(chunks), None);
        let key = format!("stream-{size}");
        let out = client
            .upload(body)
            .bucket("streams")
            .key(&key)
            .metadata("origin", "generator")
            .transfer_config(small_parts())
            .send()
            .await
            .unwrap();
        assert_eq!((out.size, out.parts), (size, parts), "{size}");
        assert_eq!(read_object(&client, "streams", &key).await, bytes, "{size}");
        let head = client
            .head_object()
            .bucket("streams")
            .key(&key)
            .send()
            .await
            .unwrap();
        let origin = head.metadata.unwrap_or_default().remove("origin");
        assert_eq!(origin.as_deref(), Some("generator"), "{size}");
    }
}

/// Against moto, which lists the uploads in progress.
#[tokio::test]
async fn a_stream_that_fails_aborts_its_upload() {
    let (client, bucket) = crate::moto::bucket("broken-stream").await;
    let good = data(6 * MIB, 1);
    let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(Bytes::from(good)),
        Ok(Bytes::from(data(MIB, 2))),
        Err(std::io::Error::other("the generator gave up")),
    ];
    let body = ByteStream::from_stream(futures_util::stream::iter(chunks), None);
    let err = client
        .upload(body)
        .bucket(&bucket)
        .key("k")
        .transfer_config(small_parts())
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err.kind(), TransferErrorKind::Body(_)), "{err}");
    assert!(err.to_string().contains("the generator gave up"), "{err}");
    assert!(err.to_string().contains("was aborted"), "{err}");
    assert!(err.upload_id().is_some(), "{err}");
    assert_eq!(super::uploads_in_progress(&client, &bucket).await, 0);
}

#[tokio::test]
async fn bad_settings_and_missing_targets_are_refused_before_anything_is_sent() {
    let (_server, client) = setup("refused").await;
    let scratch = Scratch::new("refused");
    let (path, _) = scratch.file("f", 10, 0);
    let err = client
        .upload_file(&path)
        .bucket("refused")
        .send()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("key is required"), "{err}");
    let err = client
        .upload_file(&path)
        .bucket("refused")
        .key("k")
        .part_size(1024)
        .send()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("part_size 1024"), "{err}");
    let err = client
        .upload_file(scratch.path("missing"))
        .bucket("refused")
        .key("k")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), TransferErrorKind::File { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("missing"), "{err}");
    let err = client
        .download_file(scratch.path("d"))
        .key("k")
        .send()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("bucket is required"), "{err}");
    let listed = client
        .list_objects_v2()
        .bucket("refused")
        .send()
        .await
        .unwrap();
    assert!(listed.contents.unwrap_or_default().is_empty());
}
