//! The blocking client, from plain threads (no runtime in the test's code) against the
//! in-process server running on a runtime of its own: operations, bodies as
//! `std::io::Read`, paginators as iterators, waiters, errors and transfers.

use std::io::{Cursor, Read};
use std::time::Duration;

use s3_client::blocking::Client;
use s3_client::primitives::ByteStream;
use s3_client_tests::LocalS3;

/// The server on a runtime of its own, and a blocking client for it with a fresh bucket.
fn setup(bucket: &str) -> (tokio::runtime::Runtime, LocalS3, Client) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(LocalS3::start()).unwrap();
    let client = Client::new(server.config().build());
    client.create_bucket().bucket(bucket).send().unwrap();
    (runtime, server, client)
}

#[test]
fn objects_go_up_from_readers_and_files_and_come_back_as_readers() {
    let (_runtime, _server, client) = setup("blocking");
    let text = b"read from a std::io::Read".repeat(10_000);
    let body = ByteStream::from_reader(Cursor::new(text.clone()), Some(text.len() as u64));
    let put = client
        .put_object()
        .bucket("blocking")
        .key("reader")
        .body(body)
        .send()
        .unwrap();
    assert!(put.e_tag().is_some());

    let got = client
        .get_object()
        .bucket("blocking")
        .key("reader")
        .send()
        .unwrap();
    assert_eq!(got.content_length(), Some(text.len() as i64));
    let mut back = Vec::new();
    got.body.into_read().read_to_end(&mut back).unwrap();
    assert_eq!(back, text);

    let dir = std::env::temp_dir().join(format!("s3-client-blocking-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("file.txt");
    std::fs::write(&file, b"from a file, without a runtime").unwrap();
    client
        .put_object()
        .bucket("blocking")
        .key("file")
        .body(ByteStream::from_path_sync(&file).unwrap())
        .send()
        .unwrap();
    let mut line = String::new();
    client
        .get_object()
        .bucket("blocking")
        .key("file")
        .send()
        .unwrap()
        .body
        .into_read()
        .read_to_string(&mut line)
        .unwrap();
    assert_eq!(line, "from a file, without a runtime");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn paginators_are_iterators_and_waiters_block() {
    let (_runtime, _server, client) = setup("pages");
    for i in 0..5 {
        client
            .put_object()
            .bucket("pages")
            .key(format!("k{i}"))
            .body(ByteStream::from_static(b"x"))
            .send()
            .unwrap();
    }
    let pages: Vec<_> = client
        .list_objects_v2()
        .bucket("pages")
        .max_keys(2)
        .into_paginator()
        .send()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(pages.len(), 3);
    let keys: Vec<String> = client
        .list_objects_v2()
        .bucket("pages")
        .into_paginator()
        .page_size(2)
        .items()
        .send()
        .map(|object| object.unwrap().key.unwrap())
        .collect();
    assert_eq!(keys, ["k0", "k1", "k2", "k3", "k4"]);

    let found = client
        .wait_until_object_exists()
        .bucket("pages")
        .key("k3")
        .wait(Duration::from_secs(10))
        .unwrap();
    assert_eq!(found.unwrap().content_length(), Some(1));
    let missing = client
        .wait_until_object_exists()
        .bucket("pages")
        .key("never")
        .max_attempts(1)
        .wait(Duration::from_secs(10))
        .unwrap_err();
    assert_eq!(missing.kind(), s3_client::error::WaiterErrorKind::TimedOut);
}

#[test]
fn errors_are_the_async_clients_errors() {
    let (_runtime, _server, client) = setup("errors");
    let err = client
        .get_object()
        .bucket("errors")
        .key("absent")
        .send()
        .unwrap_err();
    assert!(err.into_service_error().is_no_such_key());
    // Invalid input fails before anything is sent, as in the async client.
    let err = client.get_object().bucket("errors").send().unwrap_err();
    assert!(err.to_string().contains("Key"), "{err}");
}

#[test]
fn inside_an_async_runtime_it_refuses_rather_than_blocking() {
    let (runtime, _server, client) = setup("inside");
    let err = runtime
        .block_on(async { client.head_bucket().bucket("inside").send() })
        .unwrap_err();
    assert!(err.to_string().contains("inside an async runtime"), "{err}");
    // A body from the async client is not readable this way.
    let async_client = client.as_async().clone();
    let body = runtime.block_on(async {
        async_client
            .put_object()
            .bucket("inside")
            .key("k")
            .body(ByteStream::from_static(b"abc"))
            .send()
            .await
            .unwrap();
        async_client
            .get_object()
            .bucket("inside")
            .key("k")
            .send()
            .await
            .unwrap()
            .body
    });
    let err = body.into_read().read_to_end(&mut Vec::new()).unwrap_err();
    assert!(
        err.to_string().contains("not from the blocking client"),
        "{err}"
    );
}

#[test]
fn transfers_block_until_their_outcome() {
    let (_runtime, _server, client) = setup("transfers");
    let dir = std::env::temp_dir().join(format!(
        "s3-client-blocking-transfer-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let source = dir.join("big.bin");
    let data: Vec<u8> = (0..12 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&source, &data).unwrap();
    let sent = client
        .upload_file(&source)
        .bucket("transfers")
        .key("big.bin")
        .part_size(5 * 1024 * 1024)
        .multipart_threshold(5 * 1024 * 1024)
        .send()
        .unwrap();
    assert!(
        sent.e_tag.as_deref().unwrap_or_default().ends_with("-3\""),
        "{sent:?}"
    );
    let copy = dir.join("copy.bin");
    let got = client
        .download_file(&copy)
        .bucket("transfers")
        .key("big.bin")
        .part_size(5 * 1024 * 1024)
        .send()
        .unwrap();
    assert_eq!(got.size, data.len() as u64);
    assert_eq!(std::fs::read(&copy).unwrap(), data);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_started_transfer_reports_progress_and_can_be_cancelled() {
    use std::io::Write;
    use std::sync::{Arc, Mutex};
    let (_runtime, _server, client) = setup("started");
    let data: Vec<u8> = (0..11 * 1024 * 1024u32).map(|i| (i % 253) as u8).collect();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let handle = client
        .upload(ByteStream::from(data.clone()))
        .bucket("started")
        .key("big.bin")
        .part_size(5 * 1024 * 1024)
        .multipart_threshold(5 * 1024 * 1024)
        .start()
        .unwrap();
    handle.on_progress({
        let seen = seen.clone();
        move |p| seen.lock().unwrap().push(p.bytes)
    });
    let sent = handle.wait().unwrap();
    assert!(
        sent.e_tag.as_deref().unwrap_or_default().ends_with("-3\""),
        "{sent:?}"
    );
    let seen = seen.lock().unwrap().clone();
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    assert!(seen.iter().all(|&b| b <= data.len() as u64), "{seen:?}");
    let mut back = Vec::new();
    client
        .get_object()
        .bucket("started")
        .key("big.bin")
        .send()
        .unwrap()
        .body
        .into_read()
        .read_to_end(&mut back)
        .unwrap();
    assert_eq!(back, data);

    // A body that never ends: the transfer waits for it until cancelled, and the
    // outcome is then a cancelled error (the pipe is closed afterwards, which ends the
    // reader's thread).
    let (reader, mut writer) = std::io::pipe().unwrap();
    writer.write_all(&[7u8; 1024]).unwrap();
    let handle = client
        .upload(ByteStream::from_reader(reader, None))
        .bucket("started")
        .key("never.bin")
        .start()
        .unwrap();
    assert!(!handle.is_finished());
    handle.cancel();
    let err = handle.wait().unwrap_err();
    assert!(err.is_cancelled(), "{err}");
    drop(writer);
    let missing = client
        .head_object()
        .bucket("started")
        .key("never.bin")
        .send();
    assert!(missing.is_err(), "a cancelled upload left an object");
}
