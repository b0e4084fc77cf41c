// Lists a bucket: one page with accessors, every page with the paginator, and every
// object with the items paginator.

use aws_sdk_s3::Client;

pub async fn list_first_page(
    client: &Client,
    bucket: &str,
) -> Result<Vec<(String, i64)>, aws_sdk_s3::Error> {
    let resp = client.list_objects_v2().bucket(bucket).send().await?;
    let mut objects = Vec::new();
    for object in resp.contents() {
        objects.push((
            object.key().unwrap_or_default().to_string(),
            object.size().unwrap_or_default(),
        ));
    }
    println!("truncated: {:?}", resp.is_truncated());
    Ok(objects)
}

pub async fn count_pages(
    client: &Client,
    bucket: &str,
    page_size: i32,
) -> Result<(usize, Vec<String>), aws_sdk_s3::Error> {
    let mut response = client
        .list_objects_v2()
        .bucket(bucket.to_owned())
        .max_keys(page_size)
        .into_paginator()
        .send();
    let mut pages = 0;
    let mut keys = Vec::new();
    while let Some(result) = response.next().await {
        let page = result?;
        pages += 1;
        for object in page.contents() {
            keys.push(object.key().unwrap_or("Unknown").to_string());
        }
    }
    Ok((pages, keys))
}

pub async fn all_keys(client: &Client, bucket: &str) -> Result<Vec<String>, aws_sdk_s3::Error> {
    let pages = client
        .list_objects_v2()
        .bucket(bucket)
        .max_keys(2)
        .into_paginator()
        .send()
        .try_collect()
        .await?;
    Ok(pages
        .iter()
        .flat_map(|page| page.contents())
        .filter_map(|o| o.key().map(str::to_string))
        .collect())
}

pub async fn bucket_names(client: &Client) -> Result<Vec<String>, aws_sdk_s3::Error> {
    let resp = client.list_buckets().send().await?;
    Ok(resp
        .buckets()
        .iter()
        .filter_map(|b| b.name().map(String::from))
        .collect())
}
