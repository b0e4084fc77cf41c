//! Uploads a file with the transfer manager, downloads it again, and prints the peak
//! resident memory of the whole round trip: run as its own process by the memory test
//! (and usable by hand), so that nothing else in the process counts.
//!
//! ```text
//! transfer-probe <endpoint> <bucket> <file> <download-to> [part-size] [concurrency]
//! transfer-probe --phases <endpoint> <bucket> <file> <part-size> <concurrency>
//! transfer-probe --stream <endpoint> <bucket> <file>
//! ```
//! The first prints `peak_rss_kib=<n>` and `verified=<true|false>` (the download was
//! checked against the object's full CRC64NVME). The second uploads only and prints
//! `parts_s=<seconds until the last part was sent>` and `total_s=<seconds with the
//! completion>`: what the benchmark needs to tell the client's scaling from the time a
//! store spends assembling the object. The third sends the file with one PutObject
//! (`ByteStream::from_path`), reads it back with one GetObject as a stream compared with
//! the file chunk by chunk, and prints `bytes=`, `chunks=` and `peak_rss_kib=`.

use s3_client::transfer::TransferConfig;
use s3_client::{Client, Config, Credentials};
use s3_client_tests::{ACCESS_KEY, SECRET_KEY};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, endpoint, bucket, file, part_size, concurrency] = args.as_slice()
        && flag == "--phases"
    {
        return phases(
            endpoint,
            bucket,
            file,
            part_size.parse()?,
            concurrency.parse()?,
        )
        .await;
    }
    if let [flag, endpoint, bucket, file] = args.as_slice()
        && flag == "--stream"
    {
        return stream(endpoint, bucket, file).await;
    }
    let [endpoint, bucket, file, download, rest @ ..] = args.as_slice() else {
        return Err("usage: transfer-probe <endpoint> <bucket> <file> <download-to> [part-size] [concurrency]".into());
    };
    let mut settings = TransferConfig::default();
    if let Some(p) = rest.first() {
        settings.part_size = p.parse()?;
        settings.multipart_threshold = settings.part_size;
    }
    if let Some(c) = rest.get(1) {
        settings.concurrency = c.parse()?;
    }
    let client = client(endpoint);
    client
        .upload_file(file)
        .bucket(bucket)
        .key("probe")
        .transfer_config(settings.clone())
        .send()
        .await?;
    let down = client
        .download_file(download)
        .bucket(bucket)
        .key("probe")
        .transfer_config(settings)
        .send()
        .await?;
    println!("peak_rss_kib={}", peak_rss_kib()?);
    println!("verified={}", down.checksum_verified);
    Ok(())
}

/// The peak resident memory of this process so far (Linux).
fn peak_rss_kib() -> Result<u64, Box<dyn std::error::Error>> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    Ok(status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .ok_or("no VmHWM in /proc/self/status")?)
}

async fn stream(
    endpoint: &str,
    bucket: &str,
    file: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    use std::io::Read;
    let client = client(endpoint);
    let body = s3_client::primitives::ByteStream::from_path(file).await?;
    client
        .put_object()
        .bucket(bucket)
        .key("stream")
        .body(body)
        .send()
        .await?;
    let mut got = client
        .get_object()
        .bucket(bucket)
        .key("stream")
        .send()
        .await?
        .body;
    let mut local = std::fs::File::open(file)?;
    let (mut bytes, mut chunks) = (0u64, 0u64);
    let mut expected = Vec::new();
    while let Some(chunk) = got.next().await {
        let chunk = chunk?;
        expected.resize(chunk.len(), 0);
        local.read_exact(&mut expected)?;
        if chunk[..] != expected[..] {
            return Err(format!("bytes from {bytes} differ from the file").into());
        }
        bytes += chunk.len() as u64;
        chunks += 1;
    }
    println!("bytes={bytes}");
    println!("chunks={chunks}");
    println!("peak_rss_kib={}", peak_rss_kib()?);
    Ok(())
}

fn client(endpoint: &str) -> Client {
    Client::new(
        Config::builder()
            .region("us-east-1")
            .endpoint_url(endpoint)
            .credentials(Credentials::new(
                ACCESS_KEY, SECRET_KEY, None, None, "probe",
            ))
            .build(),
    )
}

/// Uploads `file` and times the parts apart from the completion.
async fn phases(
    endpoint: &str,
    bucket: &str,
    file: &str,
    part_size: u64,
    concurrency: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    use futures_util::StreamExt;
    let started = std::time::Instant::now();
    let mut upload = client(endpoint)
        .upload_file(file)
        .bucket(bucket)
        .key("phases")
        .part_size(part_size)
        .multipart_threshold(part_size)
        .concurrency(concurrency)
        .start();
    let mut updates = upload.progress_updates();
    let mut parts_done = None;
    while let Some(p) = updates.next().await {
        if parts_done.is_none() && p.total_parts.is_some_and(|t| p.parts >= t) {
            parts_done = Some(started.elapsed());
        }
    }
    (&mut upload).await?;
    let total = started.elapsed();
    let parts = parts_done.unwrap_or(total);
    println!("parts_s={:.3}", parts.as_secs_f64());
    println!("total_s={:.3}", total.as_secs_f64());
    Ok(())
}
