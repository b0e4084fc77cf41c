//! Redirects are never followed: S3's region redirects are signed again for the bucket's
//! region (once, and remembered), and any other redirect is an error naming it. Nothing
//! goes to `Location`.

use s3_client::SdkError;
use s3_client::primitives::ByteStream;

use super::error_doc;
use crate::recorder::{Plan, Recorded, client_with, ok, serve};

/// The region in a request's credential scope.
fn signed_region(r: &Recorded) -> String {
    let auth = r.header("authorization").unwrap();
    let scope = auth.split("Credential=").nth(1).unwrap();
    scope.split('/').nth(2).unwrap().to_string()
}

#[tokio::test]
async fn a_permanent_redirect_is_signed_again_for_the_bucket_region_and_remembered() {
    let server = serve(|_, r| {
        if signed_region(r) == "eu-west-1" {
            Plan::reply(ok("200 OK", &[("etag", "\"e\"")], b""))
        } else {
            let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message><Endpoint>eu-bucket.s3.eu-west-1.amazonaws.com</Endpoint><Bucket>eu-bucket</Bucket></Error>";
            Plan::reply(ok("301 Moved Permanently", &[("x-amz-bucket-region", "eu-west-1")], body.as_bytes()))
        }
    })
    .await;
    let client = client_with(&server.endpoint, |c| c);
    let put = |key: &'static str| {
        client
            .put_object()
            .bucket("eu-bucket")
            .key(key)
            .body(ByteStream::from_static(b"payload"))
            .send()
    };
    put("one").await.unwrap();
    put("two").await.unwrap();
    let received = server.received();
    let regions: Vec<_> = received.iter().map(signed_region).collect();
    // The redirect, the same request signed for eu-west-1 with its body, then the next
    // request straight to eu-west-1.
    assert_eq!(regions, ["us-east-1", "eu-west-1", "eu-west-1"]);
    assert_eq!(received[1].target, received[0].target);
    assert_eq!(received[1].body, b"payload");
    // Another bucket is still signed for the configured region (and redirected in turn).
    client
        .head_bucket()
        .bucket("other-bucket")
        .send()
        .await
        .unwrap();
    let regions: Vec<_> = server.received()[3..].iter().map(signed_region).collect();
    assert_eq!(regions, ["us-east-1", "eu-west-1"]);
}

#[tokio::test]
async fn authorization_header_malformed_names_the_region() {
    let server = serve(|_, r| {
        if signed_region(r) == "ap-south-1" {
            Plan::reply(ok("200 OK", &[], b""))
        } else {
            let body = "<Error><Code>AuthorizationHeaderMalformed</Code><Message>The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'ap-south-1'</Message><Region>ap-south-1</Region></Error>";
            Plan::reply(ok("400 Bad Request", &[], body.as_bytes()))
        }
    })
    .await;
    let client = client_with(&server.endpoint, |c| c);
    client
        .delete_object()
        .bucket("b1")
        .key("k")
        .send()
        .await
        .unwrap();
    let regions: Vec<_> = server.received().iter().map(signed_region).collect();
    assert_eq!(regions, ["us-east-1", "ap-south-1"]);
}

#[tokio::test]
async fn a_bodiless_head_answer_with_the_region_header_is_enough() {
    for status in ["301 Moved Permanently", "400 Bad Request"] {
        let server = serve(move |_, r| {
            if signed_region(r) == "sa-east-1" {
                Plan::reply(ok("200 OK", &[], b""))
            } else {
                Plan::reply(ok(status, &[("x-amz-bucket-region", "sa-east-1")], b""))
            }
        })
        .await;
        let client = client_with(&server.endpoint, |c| c);
        client.head_bucket().bucket("bucket").send().await.unwrap();
        let regions: Vec<_> = server.received().iter().map(signed_region).collect();
        assert_eq!(regions, ["us-east-1", "sa-east-1"], "{status}");
    }
}

#[tokio::test]
async fn a_redirect_elsewhere_is_an_error_and_nothing_goes_there() {
    let elsewhere = serve(|_, _| Plan::reply(ok("200 OK", &[], b"stolen"))).await;
    let location = format!("{}/b/k", elsewhere.endpoint);
    for (status, code) in [
        ("307 Temporary Redirect", "TemporaryRedirect"),
        ("301 Moved Permanently", "PermanentRedirect"),
        ("302 Found", "Found"),
    ] {
        let target = location.clone();
        let server = serve(move |_, _| {
            let body = error_doc(
                code,
                "Please re-send this request to the specified temporary endpoint.",
            );
            Plan::reply(ok(status, &[("location", &target)], body.as_bytes()))
        })
        .await;
        let client = client_with(&server.endpoint, |c| {
            c.credentials(s3_client::Credentials::new(
                "AKID",
                "SECRET",
                Some("SESSION-TOKEN".into()),
                None,
                "t",
            ))
        });
        let err = client
            .put_object()
            .bucket("b")
            .key("k")
            .sse_customer_algorithm("AES256")
            .sse_customer_key(vec![9u8; 32])
            .body(ByteStream::from_static(b"secret data"))
            .send()
            .await
            .unwrap_err();
        let SdkError::ServiceError(e) = &err else {
            panic!("expected a service error, got {err:?}")
        };
        assert_eq!(e.meta().code(), Some(code));
        let note = e.meta().note().unwrap();
        assert!(
            note.contains(&location) && note.contains("never follows redirects"),
            "{note}"
        );
        assert_eq!(server.received().len(), 1, "{status}");
    }
    assert!(elsewhere.received().is_empty());
}
