//! A node of the three is killed in the middle of a test of uploads and listings. With
//! replication factor 3, writes need two nodes and reads two, so the cluster keeps
//! working: every operation succeeds, and nothing written before or after is lost.

use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use s3_client::primitives::ByteStream;
use s3_client_tests::Garage;

#[tokio::test]
async fn the_cluster_keeps_working_with_a_node_down() {
    let garage = Garage::from_env();
    let (client, bucket) = super::bucket("gfail").await;
    let put = |key: String| {
        let client = client.clone();
        let bucket = bucket.clone();
        async move {
            let body = ByteStream::from(format!("value of {key}"));
            client
                .put_object()
                .bucket(&bucket)
                .key(&key)
                .body(body)
                .send()
                .await
                .map(|_| key)
        }
    };
    for i in 0..20 {
        put(format!("before/{i:02}")).await.unwrap();
    }

    // Kill the third node (the client talks to the first).
    let pid = garage.pids[2];
    let killed = std::process::Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success(), "kill {pid}");

    let started = Instant::now();
    let mut slowest = Duration::ZERO;
    for i in 0..20 {
        let t = Instant::now();
        put(format!("after/{i:02}"))
            .await
            .unwrap_or_else(|e| panic!("put after the kill: {e}"));
        slowest = slowest.max(t.elapsed());
    }
    // A multipart upload too, while the node is down.
    let upload = client
        .create_multipart_upload()
        .bucket(&bucket)
        .key("after/mpu")
        .send()
        .await
        .unwrap()
        .upload_id
        .unwrap();
    let part = client
        .upload_part()
        .bucket(&bucket)
        .key("after/mpu")
        .upload_id(&upload)
        .part_number(1)
        .body(ByteStream::from(vec![7u8; 1024]))
        .send()
        .await
        .unwrap();
    client
        .complete_multipart_upload()
        .bucket(&bucket)
        .key("after/mpu")
        .upload_id(&upload)
        .multipart_upload(s3_client::types::CompletedMultipartUpload {
            parts: Some(vec![s3_client::types::CompletedPart {
                e_tag: part.e_tag,
                part_number: Some(1),
                ..Default::default()
            }]),
        })
        .send()
        .await
        .unwrap();

    // Every object is listed and reads back, whichever side of the kill it was written on.
    let keys: Vec<String> = client
        .list_objects_v2()
        .bucket(&bucket)
        .into_paginator()
        .page_size(9)
        .items()
        .map_ok(|o| o.key.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(keys.len(), 41, "{keys:?}");
    for key in keys.iter().filter(|k| !k.ends_with("mpu")) {
        let got = client
            .get_object()
            .bucket(&bucket)
            .key(key)
            .send()
            .await
            .unwrap();
        assert_eq!(
            got.body.collect().await.unwrap(),
            format!("value of {key}").as_bytes()
        );
    }
    // The second node still answers too.
    let second = s3_client::Client::new(garage.config(1).build());
    let listed = second
        .list_objects_v2()
        .bucket(&bucket)
        .prefix("after/")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.key_count, Some(21));
    // What the client saw, for the record (in the test output with --nocapture).
    println!(
        "garage failover: 20 puts, a multipart upload, a listing of 41 keys and 40 reads after killing node 3 (pid {pid}) took {:.1?}; slowest put {:.1?}; no errors, no retries needed",
        started.elapsed(),
        slowest
    );
}
