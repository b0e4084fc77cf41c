//! Transfers under faults injected in front of s3s-fs: a part that fails once is retried,
//! one that always fails aborts the upload, a download that breaks off resumes its range,
//! cancellation cleans up, an interrupted upload resumes without resending its parts,
//! and an object that changes mid-download fails instead of mixing versions.

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::StreamExt;

use s3_client::transfer::{Cleanup, TransferConfig, TransferErrorKind, UploadOutput};
use s3_client::{Client, RetryConfig};

use super::{MIB, Scratch, SharedBuf, read_object, small_parts, uploads_in_progress};
use crate::faults::{Fault, FaultProxy};
use crate::setup;

/// A client like `direct` that goes through `proxy`, retrying quickly.
fn through(direct: &Client, proxy: &FaultProxy) -> Client {
    Client::new(
        direct
            .config()
            .to_builder()
            .endpoint_url(&proxy.endpoint)
            .retry_config(quick_retries())
            .build(),
    )
}

/// A moto bucket, its client, and the server's endpoint (for a proxy in front of it).
async fn moto(prefix: &str) -> (Client, String, String) {
    let (client, bucket) = crate::moto::bucket(prefix).await;
    let upstream = client.config().endpoint_url().unwrap().to_string();
    (client, bucket, upstream)
}

fn quick_retries() -> RetryConfig {
    RetryConfig::standard()
        .with_initial_backoff(Duration::from_millis(5))
        .with_max_backoff(Duration::from_millis(20))
}

/// Waits (a bounded number of progress updates) until `parts` parts are done.
async fn parts_done<T>(handle: &s3_client::transfer::TransferHandle<T>, parts: u64) {
    let mut updates = handle.progress_updates();
    for _ in 0..100_000 {
        if handle.progress().parts >= parts {
            return;
        }
        if updates.next().await.is_none() {
            break;
        }
    }
    panic!("{parts} parts never completed: {:?}", handle.progress());
}

/// Against moto, which keeps the full-object checksum the client completes with.
#[tokio::test]
async fn a_part_that_fails_once_is_retried() {
    let (direct, bucket, upstream) = moto("retry-part").await;
    let failed = AtomicUsize::new(0);
    let proxy = FaultProxy::start(&upstream, move |method, target| {
        if method == "PUT"
            && target.contains("partNumber=2&")
            && failed.fetch_add(1, Ordering::SeqCst) == 0
        {
            Fault::Status(503, "SlowDown")
        } else {
            Fault::Forward
        }
    })
    .await;
    let client = through(&direct, &proxy);
    let scratch = Scratch::new("retry-part");
    let (path, bytes) = scratch.file("f", 15 * MIB + 1, 7);
    let out = client
        .upload_file(&path)
        .bucket(&bucket)
        .key("k")
        .transfer_config(small_parts())
        .send()
        .await
        .unwrap();
    assert_eq!(out.parts, 4);
    assert_eq!(proxy.count("PUT", "partNumber=2&"), 2);
    assert_eq!(proxy.count("PUT", "partNumber=3&"), 1);
    assert_eq!(read_object(&direct, &bucket, "k").await, bytes);
    // Each part's CRC was computed as it was sent (the file read once), the retried
    // part's from its second attempt only: combined, they are the whole file's, which the
    // client completes with (moto computes its own, so the request itself is checked).
    let crc = crc_fast::checksum(crc_fast::CrcAlgorithm::Crc64Nvme, &bytes);
    let expected = base64_of(&crc.to_be_bytes());
    let seen = proxy.seen();
    let complete = seen
        .iter()
        .find(|s| s.method == "POST" && s.target.contains("uploadId="))
        .expect("a CompleteMultipartUpload");
    assert!(
        complete.head.to_ascii_lowercase().contains(&format!(
            "x-amz-checksum-crc64nvme: {}",
            expected.to_ascii_lowercase()
        )),
        "{}",
        complete.head
    );
    let part2 = &bytes[5 * MIB as usize..10 * MIB as usize];
    let part2 = crc_fast::checksum(crc_fast::CrcAlgorithm::Crc64Nvme, part2);
    let document = String::from_utf8(complete.body.clone().unwrap_or_default()).unwrap();
    assert!(
        document.contains(&format!(
            "<PartNumber>2</PartNumber><ChecksumCRC64NVME>{}</ChecksumCRC64NVME>",
            base64_of(&part2.to_be_bytes())
        )) || document.contains(&format!(
            "<ChecksumCRC64NVME>{}</ChecksumCRC64NVME><PartNumber>2</PartNumber>",
            base64_of(&part2.to_be_bytes())
        )),
        "{document}"
    );
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Against moto, which lists the uploads in progress.
#[tokio::test]
async fn a_part_that_always_fails_aborts_the_upload_and_says_so() {
    let (direct, bucket, upstream) = moto("abort-part").await;
    let proxy = FaultProxy::start(&upstream, failing_part(2)).await;
    let client = through(&direct, &proxy);
    let scratch = Scratch::new("abort-part");
    let (path, _) = scratch.file("f", 15 * MIB + 1, 8);
    let err = client
        .upload_file(&path)
        .bucket(&bucket)
        .key("k")
        .transfer_config(small_parts())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500), "{err}");
    assert!(
        matches!(err.cleanup(), Some(Cleanup::Aborted { .. })),
        "{err}"
    );
    let text = err.to_string();
    assert!(
        text.contains("UploadPart failed") && text.contains("was aborted"),
        "{text}"
    );
    // Three attempts at part 2, as the client's retry settings say, then the abort. The
    // proxy keeps forwarding the cancelled parts' bodies to moto, which can answer the
    // abort that races them with a 500; the client then retries the abort (it is
    // idempotent), within the same three attempts.
    assert_eq!(proxy.count("PUT", "partNumber=2&"), 3);
    let aborts = proxy.count("DELETE", "uploadId=");
    assert!(
        (1..=3).contains(&aborts),
        "{aborts} aborts: {:?}",
        proxy.seen()
    );
    assert_eq!(uploads_in_progress(&direct, &bucket).await, 0);
    assert!(
        direct
            .head_object()
            .bucket(&bucket)
            .key("k")
            .send()
            .await
            .is_err()
    );
}

/// A rule that fails every attempt at part `n` with a 500.
fn failing_part(n: u32) -> impl Fn(&str, &str) -> Fault + Send + Sync + 'static {
    let part = format!("partNumber={n}&");
    move |method, target| {
        if method == "PUT" && target.contains(&part) {
            Fault::Status(500, "InternalError")
        } else {
            Fault::Forward
        }
    }
}

/// One part at a time, and the upload kept when it fails.
fn resumable() -> TransferConfig {
    TransferConfig {
        concurrency: 1,
        abort_on_failure: false,
        ..small_parts()
    }
}

/// Uploads `path` through a proxy that fails part `n`; the upload id it leaves.
async fn interrupted(direct: &Client, upstream: &str, bucket: &str, path: &Path, n: u32) -> String {
    let proxy = FaultProxy::start(upstream, failing_part(n)).await;
    let err = through(direct, &proxy)
        .upload_file(path)
        .bucket(bucket)
        .key("k")
        .transfer_config(resumable())
        .send()
        .await
        .unwrap_err();
    let Some(Cleanup::Kept { upload_id }) = err.cleanup().cloned() else {
        panic!("the upload should be kept: {err}");
    };
    assert!(err.to_string().contains("can be resumed"), "{err}");
    upload_id
}

/// Resumes `upload_id` through a proxy that counts what is sent.
async fn resumed(
    direct: &Client,
    upstream: &str,
    bucket: &str,
    path: &Path,
    upload_id: &str,
) -> (UploadOutput, FaultProxy) {
    let counting = FaultProxy::start(upstream, |_, _| Fault::Forward).await;
    let out = through(direct, &counting)
        .upload_file(path)
        .bucket(bucket)
        .key("k")
        .transfer_config(resumable())
        .resume(upload_id)
        .send()
        .await
        .unwrap();
    (out, counting)
}

/// Against moto, whose ListParts gives each part's ETag and checksum (s3s-fs lists
/// neither, so a resume there sends every part again).
#[tokio::test]
async fn an_interrupted_upload_resumes_without_resending_its_parts() {
    let (direct, bucket, upstream) = moto("resume").await;
    let scratch = Scratch::new("resume");
    let (path, bytes) = scratch.file("f", 15 * MIB + 5, 9);
    let upload_id = interrupted(&direct, &upstream, &bucket, &path, 3).await;
    assert_eq!(uploads_in_progress(&direct, &bucket).await, 1);

    let (out, counting) = resumed(&direct, &upstream, &bucket, &path, &upload_id).await;
    assert_eq!(out.upload_id.as_deref(), Some(upload_id.as_str()));
    assert_eq!(out.parts, 4);
    // Parts 1 and 2 were there with the same size and checksum: only 3 and 4 went again.
    for (part, sent) in [(1, 0), (2, 0), (3, 1), (4, 1)] {
        let count = counting.count("PUT", &format!("partNumber={part}&"));
        assert_eq!(count, sent, "part {part}");
    }
    assert_eq!(read_object(&direct, &bucket, "k").await, bytes);
    assert_eq!(uploads_in_progress(&direct, &bucket).await, 0);
}

#[tokio::test]
async fn a_changed_file_is_not_taken_for_the_parts_already_uploaded() {
    let (direct, bucket, upstream) = moto("resume-changed").await;
    let scratch = Scratch::new("resume-changed");
    let (path, _) = scratch.file("f", 10 * MIB + 5, 10);
    let upload_id = interrupted(&direct, &upstream, &bucket, &path, 2).await;
    // The file changes before the resume: same size, other bytes.
    let (_, changed) = scratch.file("f", 10 * MIB + 5, 11);
    let (_, counting) = resumed(&direct, &upstream, &bucket, &path, &upload_id).await;
    assert_eq!(counting.count("PUT", "partNumber=1&"), 1);
    assert_eq!(read_object(&direct, &bucket, "k").await, changed);
}

#[tokio::test]
async fn a_download_that_breaks_off_resumes_its_range() {
    let (server, direct) = setup("broken-get").await;
    let scratch = Scratch::new("broken-get");
    let (path, bytes) = scratch.file("f", 12 * MIB, 12);
    direct
        .upload_file(&path)
        .bucket("broken-get")
        .key("k")
        .send()
        .await
        .unwrap();
    let cut = AtomicUsize::new(0);
    let proxy = FaultProxy::start(&server.endpoint(), move |method, _| {
        if method == "GET" && cut.fetch_add(1, Ordering::SeqCst) == 0 {
            Fault::CutBody(1_000_000)
        } else {
            Fault::Forward
        }
    })
    .await;
    let down = scratch.path("down");
    let out = through(&direct, &proxy)
        .download_file(&down)
        .bucket("broken-get")
        .key("k")
        .transfer_config(small_parts())
        .send()
        .await
        .unwrap();
    assert_eq!(out.parts, 3);
    assert_eq!(std::fs::read(&down).unwrap(), bytes);
    // Three ranges and the rest of the one that broke off.
    assert_eq!(proxy.count("GET", "/broken-get/k"), 4);
    let progress_bytes = out.size;
    assert_eq!(progress_bytes, 12 * MIB);
}

#[tokio::test]
async fn a_cancelled_upload_is_aborted() {
    let (direct, bucket, upstream) = moto("cancel-up").await;
    let proxy = FaultProxy::start(&upstream, |method, target| {
        if method == "PUT" && target.contains("partNumber=2&") {
            Fault::Stall
        } else {
            Fault::Forward
        }
    })
    .await;
    let scratch = Scratch::new("cancel-up");
    let (path, _) = scratch.file("f", 15 * MIB, 13);
    let mut settings = small_parts();
    settings.concurrency = 1;
    let handle = through(&direct, &proxy)
        .upload_file(&path)
        .bucket(&bucket)
        .key("k")
        .transfer_config(settings)
        .start();
    parts_done(&handle, 1).await;
    handle.cancel();
    let err = handle.await.unwrap_err();
    assert!(err.is_cancelled(), "{err}");
    assert!(
        matches!(err.cleanup(), Some(Cleanup::Aborted { .. })),
        "{err}"
    );
    assert_eq!(uploads_in_progress(&direct, &bucket).await, 0);
}

#[tokio::test]
async fn a_cancelled_download_leaves_nothing_on_disk() {
    let (server, direct) = setup("cancel-down").await;
    let scratch = Scratch::new("cancel-down");
    let (path, _) = scratch.file("src", 15 * MIB, 14);
    direct
        .upload_file(&path)
        .bucket("cancel-down")
        .key("k")
        .send()
        .await
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    let gets = AtomicUsize::new(0);
    let proxy = FaultProxy::start(&server.endpoint(), move |method, _| {
        if method == "GET" && gets.fetch_add(1, Ordering::SeqCst) == 1 {
            Fault::Stall
        } else {
            Fault::Forward
        }
    })
    .await;
    let mut settings = small_parts();
    settings.concurrency = 1;
    let handle = through(&direct, &proxy)
        .download_file(scratch.path("down"))
        .bucket("cancel-down")
        .key("k")
        .transfer_config(settings)
        .start();
    parts_done(&handle, 1).await;
    handle.cancel();
    let err = handle.await.unwrap_err();
    assert!(err.is_cancelled(), "{err}");
    assert_eq!(scratch.names(), Vec::<String>::new());
}

/// A writer that, at its first write, lets the test change the object and waits until
/// it has.
struct Gate {
    buf: SharedBuf,
    reached: Option<tokio::sync::oneshot::Sender<()>>,
    resume: Option<tokio::sync::oneshot::Receiver<()>>,
}

impl tokio::io::AsyncWrite for Gate {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        if let Some(reached) = self.reached.take() {
            let _ = reached.send(());
        }
        if let Some(resume) = &mut self.resume {
            if Pin::new(resume).poll(cx).is_pending() {
                return Poll::Pending;
            }
            self.resume = None;
        }
        Pin::new(&mut self.buf).poll_write(cx, data)
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// Against moto, which checks `If-Match` on every ranged GET.
#[tokio::test]
async fn an_object_that_changes_mid_download_fails_instead_of_mixing_versions() {
    let (client, bucket) = crate::moto::bucket("changing").await;
    let first = super::data(12 * MIB, 15);
    client
        .upload(first.clone().into())
        .bucket(&bucket)
        .key("k")
        .transfer_config(small_parts())
        .send()
        .await
        .unwrap();
    let (reached_tx, reached_rx) = tokio::sync::oneshot::channel();
    let (resume_tx, resume_rx) = tokio::sync::oneshot::channel();
    let buf = SharedBuf::default();
    let gate = Gate {
        buf: buf.clone(),
        reached: Some(reached_tx),
        resume: Some(resume_rx),
    };
    let handle = client
        .download(gate)
        .bucket(&bucket)
        .key("k")
        .part_size(5 * MIB)
        .concurrency(1)
        .start();
    reached_rx.await.unwrap();
    client
        .put_object()
        .bucket(&bucket)
        .key("k")
        .body(super::data(12 * MIB, 16).into())
        .send()
        .await
        .unwrap();
    resume_tx.send(()).unwrap();
    let err = handle.await.unwrap_err();
    assert!(
        matches!(err.kind(), TransferErrorKind::ObjectChanged { .. }),
        "{err}"
    );
    // Only bytes of the first version were written.
    let written = buf.bytes();
    assert!(!written.is_empty() && written.len() < first.len());
    assert_eq!(written[..], first[..written.len()]);
}
