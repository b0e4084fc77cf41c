//! Whole directories and batches: objects in parallel, filters, a summary of failures that
//! does not stop the rest, and keys that would land outside the target directory.

use std::sync::{Arc, Mutex};

use s3_client::transfer::{Job, JobOutcome};

use super::{MIB, Scratch, small_parts};
use crate::setup;

/// `(relative path, size)` of the tree the tests upload.
const TREE: [(&str, u64); 6] = [
    ("a.txt", 10),
    ("empty", 0),
    ("notes.skip", 5),
    ("sub/b.bin", 6 * MIB),
    ("sub/deeper/c", 1000),
    ("sub/deeper/d e ü", 77),
];

fn make_tree(scratch: &Scratch) {
    for (i, (name, size)) in TREE.iter().enumerate() {
        let path = scratch.path(&format!("src/{name}"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, super::data(*size, i as u64)).unwrap();
    }
}

#[tokio::test]
async fn a_directory_goes_up_and_comes_back_with_filters() {
    let (_server, client) = setup("dirs").await;
    let scratch = Scratch::new("dirs");
    make_tree(&scratch);
    let reports = Arc::new(Mutex::new(Vec::new()));
    let seen = reports.clone();
    let batch = client
        .upload_dir(scratch.path("src"))
        .bucket("dirs")
        .prefix("backup/")
        .filter(|rel| !rel.ends_with(".skip"))
        .transfer_config(small_parts())
        .into_batch()
        .await
        .unwrap()
        .on_report(move |r| seen.lock().unwrap().push(r.destination.clone()));
    let handle = batch.start();
    let out = (&mut { handle }).await.unwrap();
    assert_eq!(out.failures().count(), 0);
    assert_eq!(out.reports.len(), 5);
    assert_eq!(out.bytes(), 10 + 6 * MIB + 1000 + 77);
    let mut reported = reports.lock().unwrap().clone();
    reported.sort();
    assert_eq!(reported.len(), 5);
    assert!(reported.contains(&"s3://dirs/backup/sub/b.bin".to_string()));
    let listed: Vec<String> = client
        .list_objects_v2()
        .bucket("dirs")
        .send()
        .await
        .unwrap()
        .contents
        .unwrap_or_default()
        .into_iter()
        .filter_map(|o| o.key)
        .collect();
    let mut listed = listed;
    listed.sort();
    assert_eq!(
        listed,
        [
            "backup/a.txt",
            "backup/empty",
            "backup/sub/b.bin",
            "backup/sub/deeper/c",
            "backup/sub/deeper/d e ü"
        ]
    );
    // The multipart file went up in parts.
    let b = out
        .reports
        .iter()
        .find(|r| r.destination.ends_with("b.bin"))
        .unwrap();
    let Ok(JobOutcome::Uploaded(up)) = &b.outcome else {
        panic!("{b:?}")
    };
    assert_eq!(up.parts, 2);

    let out = client
        .download_dir(scratch.path("dst"))
        .bucket("dirs")
        .prefix("backup/")
        .transfer_config(small_parts())
        .send()
        .await
        .unwrap();
    assert_eq!(out.failures().count(), 0);
    assert_eq!(out.reports.len(), 5);
    for (name, _) in TREE.iter().filter(|(n, _)| !n.ends_with(".skip")) {
        let src = std::fs::read(scratch.path(&format!("src/{name}"))).unwrap();
        let dst = std::fs::read(scratch.path(&format!("dst/{name}"))).unwrap();
        assert_eq!(src, dst, "{name}");
    }
    assert!(!scratch.path("dst/notes.skip").exists());
}

#[tokio::test]
async fn a_batch_reports_every_failure_without_stopping_the_rest() {
    let (_server, client) = setup("batch").await;
    let scratch = Scratch::new("batch");
    let (a, _) = scratch.file("a", 100, 1);
    let (b, _) = scratch.file("b", 200, 2);
    let jobs = vec![
        Job::Upload(client.upload_file(&a).bucket("batch").key("a")),
        Job::Download(
            client
                .download_file(scratch.path("missing"))
                .bucket("batch")
                .key("no-such-key"),
        ),
        Job::Upload(
            client
                .upload_file(scratch.path("gone"))
                .bucket("batch")
                .key("gone"),
        ),
        Job::Upload(client.upload_file(&b).bucket("batch").key("b")),
    ];
    let out = client
        .transfer_batch(jobs)
        .concurrency(2)
        .send()
        .await
        .unwrap();
    let failed: Vec<(usize, String)> = out
        .failures()
        .map(|(r, e)| (r.index, e.to_string()))
        .collect();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert_eq!(failed[0].0, 1);
    assert!(
        failed[0].1.contains("404")
            || failed[0].1.contains("NotFound")
            || failed[0].1.contains("HeadObject"),
        "{failed:?}"
    );
    assert_eq!(failed[1].0, 2);
    assert!(failed[1].1.contains("gone"), "{failed:?}");
    assert_eq!(out.bytes(), 300);
    assert!(!scratch.path("missing").exists());
    client
        .head_object()
        .bucket("batch")
        .key("b")
        .send()
        .await
        .unwrap();
}

/// Against moto, which stores keys with `..` segments.
#[tokio::test]
async fn keys_that_would_land_outside_the_directory_are_skipped_and_reported() {
    let (client, bucket) = crate::moto::bucket("escape").await;
    for key in ["pre/ok.txt", "pre/../../evil.txt", "pre/sub/../fine.txt"] {
        client
            .put_object()
            .bucket(&bucket)
            .key(key)
            .body(b"x".as_slice().into())
            .send()
            .await
            .unwrap();
    }
    let scratch = Scratch::new("escape");
    let out = client
        .download_dir(scratch.path("dst"))
        .bucket(&bucket)
        .prefix("pre/")
        .send()
        .await
        .unwrap();
    assert_eq!(out.reports.len(), 1, "{:?}", out.reports);
    assert!(scratch.path("dst/ok.txt").exists());
    let skipped: Vec<&str> = out.skipped.iter().map(|(what, _)| what.as_str()).collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(out.skipped.iter().all(|(_, why)| why.contains("outside")));
    assert!(!scratch.path("evil.txt").exists());
    assert!(!std::env::temp_dir().join("evil.txt").exists());
}
