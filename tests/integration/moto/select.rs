//! SelectObjectContent against moto: an SQL query over a CSV object, its results read
//! back from the response's event stream.

use s3_client::primitives::ByteStream;
use s3_client::types::{
    CsvInput, ExpressionType, FileHeaderInfo, InputSerialization, JsonOutput, OutputSerialization,
    SelectObjectContentEventStream,
};

#[tokio::test]
async fn select_object_content_streams_the_matching_records() {
    let (client, bucket) = super::bucket("select").await;
    let csv = "city,people\nOslo,709000\nBergen,291000\nOslo,1\n";
    client
        .put_object()
        .bucket(&bucket)
        .key("cities.csv")
        .body(ByteStream::from_static(csv.as_bytes()))
        .send()
        .await
        .unwrap();
    let mut output = client
        .select_object_content()
        .bucket(&bucket)
        .key("cities.csv")
        // moto's parser knows the table only in lower case; S3 takes any case.
        .expression("SELECT * FROM s3object s WHERE s.city = 'Oslo'")
        .expression_type(ExpressionType::Sql)
        .input_serialization(InputSerialization {
            csv: Some(CsvInput {
                file_header_info: Some(FileHeaderInfo::Use),
                ..Default::default()
            }),
            ..Default::default()
        })
        .output_serialization(OutputSerialization {
            json: Some(JsonOutput {
                record_delimiter: Some("\n".into()),
            }),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    let mut records = Vec::new();
    let mut kinds = Vec::new();
    let mut stats = None;
    // Bounded: moto sends three events.
    for _ in 0..100 {
        let Some(event) = output.payload.recv().await.unwrap() else {
            break;
        };
        match &event {
            SelectObjectContentEventStream::Records(r) => {
                records.extend_from_slice(r.payload().unwrap());
            }
            SelectObjectContentEventStream::Stats(s) => stats = s.details().cloned(),
            _ => {}
        }
        kinds.push(format!("{event:?}").split('(').next().unwrap().to_string());
    }
    assert_eq!(kinds, ["Records", "Stats", "End"]);
    let text = String::from_utf8(records).unwrap();
    let rows: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        rows,
        [
            serde_json::json!({"city": "Oslo", "people": "709000"}),
            serde_json::json!({"city": "Oslo", "people": "1"}),
        ]
    );
    let stats = stats.unwrap();
    assert_eq!(stats.bytes_returned, Some(text.len() as i64));
    assert!(stats.bytes_scanned.unwrap() > 0, "{stats:?}");
    // After the end, nothing more.
    assert!(output.payload.recv().await.unwrap().is_none());
}
