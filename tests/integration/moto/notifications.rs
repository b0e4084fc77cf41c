//! Notification configurations against moto.
//!
//! Both the current operations (`PutBucketNotificationConfiguration` and its getter) and
//! the deprecated ones (`PutBucketNotification`, `GetBucketNotification`), which share the
//! `?notification` subresource: put a configuration with SQS, SNS and Lambda targets, read
//! it back, compare, then clear it with an empty configuration.

use s3_client::types::{
    CloudFunctionConfiguration, Event, EventBridgeConfiguration, FilterRule, FilterRuleName,
    LambdaFunctionConfiguration, NotificationConfiguration, NotificationConfigurationDeprecated,
    NotificationConfigurationFilter, QueueConfiguration, QueueConfigurationDeprecated, S3KeyFilter,
    TopicConfiguration, TopicConfigurationDeprecated,
};

const QUEUE_IMAGES: &str = "arn:aws:sqs:us-east-1:123456789012:image-events";
const QUEUE_AUDIT: &str = "arn:aws:sqs:us-east-1:123456789012:audit-events";
const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:restore-notices";
const LAMBDA: &str = "arn:aws:lambda:us-east-1:123456789012:function:make-thumbnail";

/// A key filter with an optional prefix rule and an optional suffix rule.
fn key_filter(
    prefix: Option<&str>,
    suffix: Option<&str>,
) -> Option<NotificationConfigurationFilter> {
    let mut rules = Vec::new();
    if let Some(prefix) = prefix {
        rules.push(FilterRule {
            name: Some(FilterRuleName::Prefix),
            value: Some(prefix.into()),
        });
    }
    if let Some(suffix) = suffix {
        rules.push(FilterRule {
            name: Some(FilterRuleName::Suffix),
            value: Some(suffix.into()),
        });
    }
    Some(NotificationConfigurationFilter {
        key: Some(S3KeyFilter {
            filter_rules: Some(rules),
        }),
    })
}

#[tokio::test]
async fn notification_configuration_put_get_clear() {
    let (client, bucket) = super::bucket("notify").await;
    let got = client
        .get_bucket_notification_configuration()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    assert_eq!(got.queue_configurations, None, "no notifications at first");
    assert_eq!(got.topic_configurations, None);
    assert_eq!(got.lambda_function_configurations, None);
    assert_eq!(got.event_bridge_configuration, None);

    let config = NotificationConfiguration {
        queue_configurations: Some(vec![
            QueueConfiguration {
                id: Some("new-jpeg-images".into()),
                queue_arn: Some(QUEUE_IMAGES.into()),
                events: Some(vec![
                    Event::S3ObjectCreatedPut,
                    Event::S3ObjectCreatedCompleteMultipartUpload,
                ]),
                filter: key_filter(Some("images/"), Some(".jpg")),
            },
            QueueConfiguration {
                id: Some("all-removals".into()),
                queue_arn: Some(QUEUE_AUDIT.into()),
                events: Some(vec![Event::S3ObjectRemoved]),
                filter: None,
            },
        ]),
        topic_configurations: Some(vec![TopicConfiguration {
            id: Some("parquet-restores".into()),
            topic_arn: Some(TOPIC.into()),
            events: Some(vec![
                Event::S3ObjectRestorePost,
                Event::S3ObjectRestoreCompleted,
            ]),
            filter: key_filter(None, Some(".parquet")),
        }]),
        lambda_function_configurations: Some(vec![LambdaFunctionConfiguration {
            id: Some("png-thumbnails".into()),
            lambda_function_arn: Some(LAMBDA.into()),
            events: Some(vec![Event::S3ObjectCreated]),
            filter: key_filter(Some("uploads/"), Some(".png")),
        }]),
        event_bridge_configuration: Some(EventBridgeConfiguration {}),
    };
    client
        .put_bucket_notification_configuration()
        .bucket(&bucket)
        .notification_configuration(config.clone())
        .send()
        .await
        .unwrap();
    let got = client
        .get_bucket_notification_configuration()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    assert_eq!(got.queue_configurations, config.queue_configurations);
    assert_eq!(got.topic_configurations, config.topic_configurations);
    assert_eq!(
        got.lambda_function_configurations,
        config.lambda_function_configurations
    );
    // moto deviation: it stores `EventBridgeConfiguration` but never returns it; S3 returns
    // an empty `<EventBridgeConfiguration/>` element when it is on.
    assert_eq!(got.event_bridge_configuration, None);

    // An empty configuration turns every notification off.
    client
        .put_bucket_notification_configuration()
        .bucket(&bucket)
        .notification_configuration(NotificationConfiguration::default())
        .send()
        .await
        .unwrap();
    let got = client
        .get_bucket_notification_configuration()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    assert_eq!(got.queue_configurations, None);
    assert_eq!(got.topic_configurations, None);
    assert_eq!(got.lambda_function_configurations, None);
    assert_eq!(got.event_bridge_configuration, None);
}

#[tokio::test]
#[allow(deprecated)]
async fn notification_deprecated_put_get_clear() {
    let (client, bucket) = super::bucket("notify-v1").await;
    let config = NotificationConfigurationDeprecated {
        queue_configuration: Some(QueueConfigurationDeprecated {
            id: Some("legacy-queue".into()),
            queue: Some(QUEUE_AUDIT.into()),
            events: Some(vec![Event::S3ObjectCreatedPut, Event::S3ObjectCreatedPost]),
            ..Default::default()
        }),
        topic_configuration: Some(TopicConfigurationDeprecated {
            id: Some("legacy-topic".into()),
            topic: Some(TOPIC.into()),
            events: Some(vec![Event::S3ReducedRedundancyLostObject]),
            ..Default::default()
        }),
        cloud_function_configuration: Some(CloudFunctionConfiguration {
            id: Some("legacy-function".into()),
            cloud_function: Some(LAMBDA.into()),
            events: Some(vec![
                Event::S3ObjectRemovedDelete,
                Event::S3ObjectRemovedDeleteMarkerCreated,
            ]),
            invocation_role: Some("arn:aws:iam::123456789012:role/s3-invoke-lambda".into()),
            ..Default::default()
        }),
    };
    client
        .put_bucket_notification()
        .bucket(&bucket)
        .notification_configuration(config.clone())
        .send()
        .await
        .unwrap();
    let got = client
        .get_bucket_notification()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    assert_eq!(got.queue_configuration, config.queue_configuration);
    assert_eq!(got.topic_configuration, config.topic_configuration);
    // moto deviation: it does not keep `InvocationRole`; S3 returns it as sent.
    let mut function = config.cloud_function_configuration.clone().unwrap();
    function.invocation_role = None;
    assert_eq!(got.cloud_function_configuration, Some(function));

    client
        .put_bucket_notification()
        .bucket(&bucket)
        .notification_configuration(NotificationConfigurationDeprecated::default())
        .send()
        .await
        .unwrap();
    let got = client
        .get_bucket_notification()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    assert_eq!(got.queue_configuration, None);
    assert_eq!(got.topic_configuration, None);
    assert_eq!(got.cloud_function_configuration, None);
}
