//! Public access blocks, ownership controls and the policy status against moto: each
//! setting put, read back and compared with what was sent, then removed.

use s3_client::SdkError;
use s3_client::types::{
    ObjectOwnership, OwnershipControls, OwnershipControlsRule, PublicAccessBlockConfiguration,
};

/// Asserts that `result` failed with the S3 error `code`.
fn assert_code<T: std::fmt::Debug, E: std::fmt::Debug>(result: Result<T, SdkError<E>>, code: &str) {
    let err = result.expect_err("the setting must be gone");
    let SdkError::ServiceError(service) = &err else {
        panic!("expected a service error {code}, got {err:?}")
    };
    assert_eq!(service.meta().code(), Some(code), "{err:?}");
}

#[tokio::test]
async fn public_access_block_put_get_delete() {
    let (client, bucket) = super::bucket("public-block").await;
    let block = PublicAccessBlockConfiguration {
        block_public_acls: Some(true),
        ignore_public_acls: Some(false),
        block_public_policy: Some(true),
        restrict_public_buckets: Some(false),
    };
    client
        .put_public_access_block()
        .bucket(&bucket)
        .public_access_block_configuration(block.clone())
        .send()
        .await
        .unwrap();
    let got = client
        .get_public_access_block()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    assert_eq!(got.public_access_block_configuration, Some(block));

    client
        .delete_public_access_block()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    assert_code(
        client
            .get_public_access_block()
            .bucket(&bucket)
            .send()
            .await,
        "NoSuchPublicAccessBlockConfiguration",
    );
}

#[tokio::test]
async fn ownership_controls_put_get_delete() {
    let (client, bucket) = super::bucket("ownership").await;
    let controls = OwnershipControls {
        rules: Some(vec![OwnershipControlsRule {
            object_ownership: Some(ObjectOwnership::BucketOwnerPreferred),
        }]),
    };
    client
        .put_bucket_ownership_controls()
        .bucket(&bucket)
        .ownership_controls(controls.clone())
        .send()
        .await
        .unwrap();
    let got = client
        .get_bucket_ownership_controls()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    assert_eq!(got.ownership_controls, Some(controls));

    client
        .delete_bucket_ownership_controls()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    assert_code(
        client
            .get_bucket_ownership_controls()
            .bucket(&bucket)
            .send()
            .await,
        "OwnershipControlsNotFoundError",
    );
}

#[tokio::test]
async fn policy_status_follows_the_policy() {
    let (client, bucket) = super::bucket("policy-status").await;
    let policy = |principal: serde_json::Value| {
        serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": principal,
                "Action": "s3:GetObject",
                "Resource": format!("arn:aws:s3:::{bucket}/*")
            }]
        })
        .to_string()
    };
    for (principal, public) in [
        (serde_json::json!("*"), true),
        (
            serde_json::json!({"AWS": "arn:aws:iam::111122223333:root"}),
            false,
        ),
    ] {
        client
            .put_bucket_policy()
            .bucket(&bucket)
            .policy(policy(principal))
            .send()
            .await
            .unwrap();
        let got = client
            .get_bucket_policy_status()
            .bucket(&bucket)
            .send()
            .await
            .unwrap();
        assert_eq!(got.policy_status.and_then(|s| s.is_public), Some(public));
    }
}
