//! Typed service errors from a real server, and bad input refused before sending.

use s3_client::SdkError;

use crate::setup;

#[tokio::test]
async fn typed_service_errors() {
    let (_server, client) = setup("errs").await;
    let err = client
        .list_objects_v2()
        .bucket("missing-bucket")
        .send()
        .await
        .unwrap_err();
    let typed = err.as_service_error().unwrap();
    assert!(typed.is_no_such_bucket(), "{err:?}");
    assert_eq!(typed.meta().status(), 404);

    let err = client
        .get_object()
        .bucket("errs")
        .key("nothing")
        .send()
        .await
        .unwrap_err();
    let SdkError::ServiceError(service) = &err else {
        panic!("expected a service error, got {err:?}")
    };
    assert!(service.err().is_no_such_key());
    assert_eq!(service.meta().code(), Some("NoSuchKey"));
    assert!(err.to_string().contains("NoSuchKey"), "{err}");

    // HEAD has no body: the 404 status maps to the one modeled error with that status.
    let err = client
        .head_bucket()
        .bucket("missing-bucket")
        .send()
        .await
        .unwrap_err();
    assert!(
        err.as_service_error().unwrap().is_no_such_bucket(),
        "{err:?}"
    );

    let err = client
        .create_bucket()
        .bucket("errs")
        .send()
        .await
        .unwrap_err();
    let typed = err.into_service_error();
    assert!(
        typed.is_bucket_already_owned_by_you() || typed.is_bucket_already_exists(),
        "{typed:?}"
    );
}

#[tokio::test]
async fn wrong_credentials_are_refused_by_the_server() {
    let server = s3_client_tests::LocalS3::start().await.unwrap();
    let client = s3_client::Client::new(
        server
            .config()
            .credentials(s3_client::Credentials::new(
                s3_client_tests::ACCESS_KEY,
                "wrong",
                None,
                None,
                "t",
            ))
            .build(),
    );
    let err = client.list_buckets().send().await.unwrap_err();
    assert_eq!(
        err.meta().unwrap().code(),
        Some("SignatureDoesNotMatch"),
        "{err:?}"
    );
}

#[tokio::test]
async fn bad_input_fails_before_sending() {
    // Nothing listens on this endpoint: a request that went out would be a dispatch error.
    let client = s3_client::Client::new(
        s3_client::Config::builder()
            .endpoint_url("http://127.0.0.1:9")
            .region("us-east-1")
            .build(),
    );
    let err = client.get_object().key("k").send().await.unwrap_err();
    let SdkError::ConstructionFailure(build) = &err else {
        panic!("expected a construction error, got {err:?}")
    };
    assert_eq!(build.member_name(), Some("GetObjectInput.Bucket"));
    assert_eq!(build.operation(), "GetObject");
    assert!(
        err.to_string().contains("missing required member `Bucket`"),
        "{err}"
    );

    let err = client.get_object().bucket("b").send().await.unwrap_err();
    assert!(err.to_string().contains("`Key`"), "{err}");

    let err = client
        .put_object()
        .bucket("bad/name")
        .key("k")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::ConstructionFailure(_)), "{err:?}");
    assert!(
        err.to_string().contains("invalid bucket name \"bad/name\""),
        "{err}"
    );

    for bucket in [".", ".."] {
        let err = client
            .get_object()
            .bucket(bucket)
            .key("k")
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, SdkError::ConstructionFailure(_)), "{err:?}");
        assert!(err.to_string().contains("not `.` or `..`"), "{err}");
    }

    let err = client
        .upload_part()
        .bucket("b")
        .key("k")
        .upload_id("")
        .part_number(1)
        .send()
        .await
        .unwrap_err();
    let SdkError::ConstructionFailure(build) = &err else {
        panic!("expected a construction error, got {err:?}")
    };
    assert_eq!(build.member_name(), Some("UploadPartInput.UploadId"));
    assert!(err.to_string().contains("must not be empty"), "{err}");

    // Non-ASCII metadata is refused, as botocore refuses it.
    let err = client
        .put_object()
        .bucket("b")
        .key("k")
        .metadata("x", "\u{e9}")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::ConstructionFailure(_)), "{err:?}");
    assert!(err.to_string().contains("non-ASCII character"), "{err}");

    let err = client
        .put_object()
        .bucket("b")
        .key("k")
        .content_type("bad\nvalue")
        .send()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("content-type"), "{err}");

    let err = client
        .upload_part()
        .bucket("b")
        .key("k")
        .upload_id("u")
        .send()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("`PartNumber`"), "{err}");

    let err = client
        .delete_objects()
        .bucket("b")
        .delete(s3_client::types::Delete {
            objects: Some(vec![Default::default()]),
            quiet: None,
        })
        .send()
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("missing required member `Key` of `ObjectIdentifier`"),
        "{err}"
    );
}

#[test]
fn secrets_stay_out_of_debug() {
    let input = s3_client::operation::get_object::GetObjectInput {
        sse_customer_key: Some("super-secret-key".into()),
        ..Default::default()
    };
    let shown = format!("{input:?}");
    assert!(!shown.contains("super-secret-key"), "{shown}");
    assert!(shown.contains("redacted"), "{shown}");
    let config = s3_client::Config::builder()
        .credentials(s3_client::Credentials::new(
            "AKID",
            "very-secret",
            Some("token-secret".into()),
            None,
            "t",
        ))
        .build();
    let shown = format!("{config:?}");
    assert!(
        !shown.contains("very-secret") && !shown.contains("token-secret"),
        "{shown}"
    );
}
