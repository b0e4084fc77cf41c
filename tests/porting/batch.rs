// Copies and tags objects, and deletes them in a batch, with the `types` builders.

use aws_sdk_s3::types::{Delete, ObjectIdentifier, Tag, Tagging};
use aws_sdk_s3::Client;

type Error = Box<dyn std::error::Error + Send + Sync>;

pub async fn copy(
    client: &Client,
    bucket: &str,
    source_key: &str,
    target_key: &str,
) -> Result<Option<String>, Error> {
    let copied = client
        .copy_object()
        .copy_source(format!("{bucket}/{source_key}"))
        .bucket(bucket)
        .key(target_key)
        .send()
        .await?;
    Ok(copied
        .copy_object_result()
        .and_then(|r| r.e_tag())
        .map(str::to_string))
}

pub async fn tag(
    client: &Client,
    bucket: &str,
    target_key: &str,
) -> Result<Vec<(String, String)>, Error> {
    let tagging = Tagging::builder()
        .tag_set(Tag::builder().key("team").value("storage").build()?)
        .tag_set(Tag::builder().key("stage").value("test").build()?)
        .build()?;
    client
        .put_object_tagging()
        .bucket(bucket)
        .key(target_key)
        .tagging(tagging)
        .send()
        .await?;
    let tags = client
        .get_object_tagging()
        .bucket(bucket)
        .key(target_key)
        .send()
        .await?;
    Ok(tags
        .tag_set()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect())
}

pub async fn delete_objects(
    client: &Client,
    bucket: &str,
    keys: Vec<String>,
) -> Result<Vec<String>, Error> {
    let mut delete_object_ids: Vec<ObjectIdentifier> = vec![];
    for key in keys {
        let obj_id = ObjectIdentifier::builder().key(key).build()?;
        delete_object_ids.push(obj_id);
    }
    let result = client
        .delete_objects()
        .bucket(bucket)
        .delete(
            Delete::builder()
                .set_objects(Some(delete_object_ids))
                .quiet(false)
                .build()?,
        )
        .send()
        .await?;
    assert!(result.errors().is_empty(), "{:?}", result.errors());
    Ok(result
        .deleted()
        .iter()
        .filter_map(|d| d.key().map(str::to_string))
        .collect())
}
