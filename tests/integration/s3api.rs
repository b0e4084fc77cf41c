//! The `s3api` command end to end, in-process: against moto for real calls, and against
//! the recording server to prove that bad input sends nothing.

use s3_client::Client;
use serde_json::{Value, json};

use crate::recorder::{client, http, recorder};

/// Runs `s3api args...` with `client`; returns the exit code, stdout and stderr.
async fn s3api(client: &Client, args: &[&str]) -> (u8, String, String) {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = s3api::run(Ok(client.clone()), &args, &mut out, &mut err).await;
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("s3api-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[tokio::test]
async fn s3api_against_moto() {
    let client = s3_client_tests::moto_client();
    let bucket = s3_client_tests::unique_bucket("s3api");
    let input = json!({ "Bucket": bucket }).to_string();
    let (code, _, err) = s3api(&client, &["create-bucket", "--cli-input-json", &input]).await;
    assert_eq!(code, 0, "{err}");

    // A lifecycle configuration from a file, as `aws s3api` takes it.
    let lifecycle = json!({
        "Bucket": bucket,
        "LifecycleConfiguration": {
            "Rules": [
                {
                    "ID": "logs",
                    "Status": "Enabled",
                    "Filter": { "And": { "Prefix": "logs/", "Tags": [ { "Key": "tier", "Value": "cold" } ] } },
                    "Transitions": [ { "Days": 30, "StorageClass": "STANDARD_IA" } ],
                    "Expiration": { "Days": 365 }
                },
                {
                    "ID": "tmp",
                    "Status": "Enabled",
                    "Filter": { "Prefix": "tmp/" },
                    "NoncurrentVersionExpiration": { "NoncurrentDays": 7 },
                    "AbortIncompleteMultipartUpload": { "DaysAfterInitiation": 2 }
                }
            ]
        }
    });
    let file = scratch("lifecycle.json");
    std::fs::write(&file, lifecycle.to_string()).unwrap();
    let from_file = format!("file://{}", file.display());
    let (code, _, err) = s3api(
        &client,
        &[
            "put-bucket-lifecycle-configuration",
            "--cli-input-json",
            &from_file,
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    // snake_case names work as well.
    let (code, out, err) = s3api(
        &client,
        &[
            "get_bucket_lifecycle_configuration",
            "--cli-input-json",
            &input,
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    let got: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        got["Rules"], lifecycle["LifecycleConfiguration"]["Rules"],
        "{out}"
    );

    // Bodies go through files.
    let upload = scratch("upload.bin");
    let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&upload, &data).unwrap();
    let key =
        json!({ "Bucket": bucket, "Key": "dir/data.bin", "ContentType": "application/x-test" })
            .to_string();
    let (code, out, err) = s3api(
        &client,
        &[
            "PutObject",
            "--cli-input-json",
            &key,
            "--body",
            upload.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    let put: Value = serde_json::from_str(&out).unwrap();
    let etag = put["ETag"].as_str().unwrap().to_string();
    let download = scratch("download.bin");
    let get = json!({ "Bucket": bucket, "Key": "dir/data.bin" }).to_string();
    let (code, out, err) = s3api(
        &client,
        &[
            "get-object",
            "--cli-input-json",
            &get,
            "--outfile",
            download.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read(&download).unwrap(), data);
    let meta: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (
            meta["ETag"].as_str(),
            meta["ContentLength"].as_i64(),
            meta["ContentType"].as_str()
        ),
        (
            Some(etag.as_str()),
            Some(100_000),
            Some("application/x-test")
        )
    );
    assert!(
        meta["LastModified"].as_str().unwrap().ends_with('Z'),
        "{out}"
    );
    let (code, out, _) = s3api(&client, &["list-objects-v2", "--cli-input-json", &input]).await;
    assert_eq!(code, 0);
    let listed: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(listed["Contents"][0]["Key"], "dir/data.bin");

    // An error from S3 exits 254 and says what S3 said.
    let missing = json!({ "Bucket": bucket, "Key": "nope" }).to_string();
    let (code, _, err) = s3api(
        &client,
        &[
            "get-object",
            "--cli-input-json",
            &missing,
            "--outfile",
            download.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(code, s3api::EXIT_SERVICE, "{err}");
    assert!(err.contains("NoSuchKey"), "{err}");
    std::fs::remove_dir_all(file.parent().unwrap()).ok();
}

#[tokio::test]
async fn bad_input_exits_2_and_sends_nothing() {
    let server = recorder(vec![http("200 OK", &[], "")]).await;
    let client = client(&server.endpoint);
    let cases: [(&[&str], &str); 7] = [
        (
            &["no-such-operation"],
            "unknown operation `no-such-operation`",
        ),
        (
            &["put-object", "--cli-input-json", "{\"Bucket\": "],
            "is not valid JSON",
        ),
        (
            &["put-object", "--cli-input-json", "[1]"],
            "cannot read [1]",
        ),
        (
            &[
                "put-object",
                "--cli-input-json",
                "{\"Bucket\": \"b\", \"Key\": \"k\", \"Colour\": 1}",
            ],
            "unknown field `Colour`",
        ),
        (
            &[
                "put-object",
                "--cli-input-json",
                "{\"Bucket\": \"b\", \"Key\": 7}",
            ],
            "invalid type: integer `7`, expected a string",
        ),
        (
            &["get-object", "--cli-input-json", "{\"Bucket\": \"b\"}"],
            "`Key`",
        ),
        (&["list-buckets", "--verbose"], "unknown option --verbose"),
    ];
    for (args, expected) in cases {
        let (code, out, err) = s3api(&client, args).await;
        assert_eq!(
            (code, out.as_str()),
            (s3api::EXIT_USAGE, ""),
            "{args:?}: {err}"
        );
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    assert!(server.requests.lock().unwrap().is_empty());
}

#[tokio::test]
async fn global_options_choose_where_and_how() {
    let args: Vec<String> = [
        "--endpoint-url",
        "http://127.0.0.1:9000",
        "--region",
        "eu-west-1",
        "list-buckets",
        "--no-sign-request",
        "--store",
        "minio",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let (options, rest) = s3api::GlobalOptions::split(&args).unwrap();
    assert_eq!(rest, ["list-buckets"]);
    let home = std::env::temp_dir().display().to_string();
    let config = options
        .config([("HOME".to_string(), home.clone())])
        .unwrap();
    assert_eq!(
        (config.endpoint_url(), config.region()),
        (Some("http://127.0.0.1:9000"), "eu-west-1")
    );
    assert_eq!(config.credentials_source(), "anonymous (unsigned requests)");
    assert_eq!(config.store().unwrap().name, "MinIO");
    // A profile that is not there is an error naming it.
    let (options, _) = s3api::GlobalOptions::split(&["--profile".into(), "ghost".into()]).unwrap();
    let err = options.config([("HOME".to_string(), home)]).unwrap_err();
    assert!(err.to_string().contains("profile `ghost`"), "{err}");
}
