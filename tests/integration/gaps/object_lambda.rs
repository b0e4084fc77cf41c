//! WriteGetObjectResponse, which moto lacks, on the recording server: its host prefix
//! (the request route before the host name), its signing for S3 Object Lambda, and its
//! unsigned body, against what boto3 1.44.8 sends for the same call.

use s3_client::primitives::ByteStream;

use crate::recorder::{Plan, client_with, ok, serve};

/// What boto3 sends, less the date-dependent headers.
const BOTO3_HEADERS: [(&str, &str); 6] = [
    ("x-amz-request-route", "io-abc123"),
    ("x-amz-request-token", "tok-xyz"),
    ("x-amz-fwd-status", "200"),
    ("x-amz-fwd-header-content-type", "text/plain"),
    ("x-amz-meta-k", "v"),
    ("x-amz-fwd-header-etag", "\"e\""),
];

fn answer(
    client: &s3_client::Client,
) -> s3_client::operation::write_get_object_response::WriteGetObjectResponseFluentBuilder {
    client
        .write_get_object_response()
        .request_route("io-abc123")
        .request_token("tok-xyz")
        .body(ByteStream::from_static(b"hello world"))
        .status_code(200)
        .content_type("text/plain")
        .metadata("k", "v")
        .e_tag("\"e\"")
}

#[tokio::test]
async fn write_get_object_response_on_the_wire() {
    let server = serve(|_, _| Plan::reply(ok("200 OK", &[], b""))).await;
    let addr: std::net::SocketAddr = server
        .endpoint
        .trim_start_matches("http://")
        .parse()
        .unwrap();
    // The route goes before the endpoint's host, as boto3 puts it; the test resolves that
    // name to the recording server.
    let endpoint = format!("http://lambda.test:{}", addr.port());
    let client = client_with(&endpoint, |c| c.resolve("io-abc123.lambda.test", addr));
    answer(&client).send().await.unwrap();
    let sent = &server.received()[0];
    assert_eq!(
        (sent.method.as_str(), sent.target.as_str()),
        ("POST", "/WriteGetObjectResponse")
    );
    assert_eq!(
        sent.header("host"),
        Some(format!("io-abc123.lambda.test:{}", addr.port()).as_str())
    );
    for (name, value) in BOTO3_HEADERS {
        assert_eq!(sent.header(name), Some(value), "{name}");
    }
    assert_eq!(sent.body, b"hello world");
    assert_eq!(sent.header("content-length"), Some("11"));
    // Signed for S3 Object Lambda, over every header boto3 signs (and the client's own
    // amz-sdk-* and content-length, as on every request).
    let auth = sent.header("authorization").unwrap();
    assert!(
        auth.contains("/us-east-1/s3-object-lambda/aws4_request"),
        "{auth}"
    );
    let signed = auth
        .split("SignedHeaders=")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap();
    let signed: Vec<&str> = signed.split(';').collect();
    for boto3 in "host;x-amz-content-sha256;x-amz-date;x-amz-fwd-header-content-type;x-amz-fwd-header-etag;x-amz-fwd-status;x-amz-meta-k;x-amz-request-route;x-amz-request-token".split(';') {
        assert!(signed.contains(&boto3), "{boto3} is not signed: {auth}");
    }
    // The one deliberate difference: the model marks the body unsigned, and it is sent so
    // (as aws-sdk-s3 does); boto3 signs it anyway, because its endpoint rules' auth scheme
    // replaces the operation's unsigned-body auth type.
    assert_eq!(
        sent.header("x-amz-content-sha256"),
        Some("UNSIGNED-PAYLOAD")
    );
    // No checksum: the operation has none, as in boto3.
    assert!(
        sent.headers
            .iter()
            .all(|(n, _)| !n.starts_with("x-amz-checksum"))
    );

    // Without the prefix (boto3's inject_host_prefix=False), the endpoint's host as it is.
    let client = client_with(&server.endpoint, |c| c.inject_host_prefix(false));
    answer(&client).send().await.unwrap();
    let sent = &server.received()[1];
    assert_eq!(
        sent.header("host"),
        Some(server.endpoint.trim_start_matches("http://"))
    );

    // A route that cannot be a host name label is refused before anything is sent.
    for bad in ["io.abc", "-io", "io_abc", ""] {
        let err = answer(&client).request_route(bad).send().await.unwrap_err();
        let text = format!("{err:?}");
        assert!(text.contains("RequestRoute"), "{bad:?}: {text}");
    }
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn write_get_object_response_goes_to_the_object_lambda_endpoint() {
    // On AWS, as boto3 sends it: https://io-abc123.s3-object-lambda.us-east-1.amazonaws.com.
    let client = s3_client::Client::new(
        s3_client::Config::builder()
            .region("us-east-1")
            .credentials(s3_client::Credentials::new(
                "AKIDEXAMPLE",
                "secret",
                None,
                None,
                "test",
            ))
            .build(),
    );
    let presigned = answer(&client)
        .presigned(
            s3_client::presigning::PresigningConfig::expires_in(std::time::Duration::from_secs(60))
                .unwrap(),
        )
        .await
        .unwrap();
    let uri = presigned.uri().to_string();
    assert!(
        uri.starts_with(
            "https://io-abc123.s3-object-lambda.us-east-1.amazonaws.com/WriteGetObjectResponse?"
        ),
        "{uri}"
    );
    assert!(
        uri.contains("%2Fus-east-1%2Fs3-object-lambda%2Faws4_request"),
        "{uri}"
    );
    // FIPS has its own host; dual-stack and accelerate have none, which is an error.
    let fips = s3_client::Client::new(client.config().to_builder().use_fips(true).build());
    let uri = answer(&fips)
        .presigned(
            s3_client::presigning::PresigningConfig::expires_in(std::time::Duration::from_secs(60))
                .unwrap(),
        )
        .await
        .unwrap()
        .uri()
        .to_string();
    assert!(
        uri.starts_with("https://io-abc123.s3-object-lambda-fips.us-east-1.amazonaws.com/"),
        "{uri}"
    );
    let dual = s3_client::Client::new(client.config().to_builder().use_dual_stack(true).build());
    let err = answer(&dual).send().await.unwrap_err();
    assert!(
        format!("{err:?}").contains("no dual-stack or accelerate variant"),
        "{err:?}"
    );
}
