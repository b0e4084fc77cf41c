//! Reading what S3 answered: error documents into [`ErrorMetadata`], and the facts of a
//! response the retry stage needs (the server's clock, `x-amz-retry-after`).

use std::time::SystemTime;

use http::HeaderMap;

use super::XmlReader;
use crate::error::ErrorMetadata;
use crate::primitives::{DateTime, DateTimeFormat};

/// How much of an error body is read: S3's error documents are a few hundred bytes; a
/// proxy's HTML page or a misbehaving server's flood is cut here.
pub(crate) const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// Whether `body` is an S3 error document (`<Error>...`), whatever the status.
pub(crate) fn is_error_document(body: &[u8]) -> bool {
    if body.iter().all(u8::is_ascii_whitespace) {
        return false;
    }
    matches!(XmlReader::new(body).root(), Ok(b"Error"))
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// The code S3-style servers imply by a status when there is no error document.
fn status_code(status: u16) -> Option<&'static str> {
    Some(match status {
        301 => "PermanentRedirect",
        304 => "NotModified",
        307 => "TemporaryRedirect",
        400 => "BadRequest",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        412 => "PreconditionFailed",
        416 => "InvalidRange",
        500 => "InternalError",
        503 => "ServiceUnavailable",
        _ => return None,
    })
}

/// Reads status, code, message, request ids and region from an error response. It never
/// fails: a body that is no S3 error document still gives an error with a code, the
/// status number as boto3 uses it (`"502"`), and says what the body was.
pub(crate) fn error_metadata(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    head: bool,
) -> ErrorMetadata {
    let mut meta = ErrorMetadata {
        status,
        request_id: header(headers, "x-amz-request-id"),
        extended_request_id: header(headers, "x-amz-id-2"),
        ..ErrorMetadata::default()
    };
    if head || body.iter().all(u8::is_ascii_whitespace) {
        meta.bodiless = true;
        meta.code = Some(status_code(status).map_or_else(|| status.to_string(), str::to_string));
        return meta;
    }
    let not_a_document = |mut meta: ErrorMetadata| {
        meta.code = Some(status.to_string());
        meta.message = Some(format!(
            "HTTP {status} with a body that is not an S3 error document"
        ));
        meta
    };
    let mut reader = XmlReader::new(body);
    if !matches!(reader.root(), Ok(b"Error")) {
        return not_a_document(meta);
    }
    let mut read = || -> Result<(), crate::error::ResponseError> {
        while let Some(name) = reader.next_child()? {
            match name {
                b"Code" => meta.code = Some(reader.string()?),
                b"Message" => meta.message = Some(reader.string()?),
                b"RequestId" => meta.request_id = Some(reader.string()?),
                b"HostId" => meta.extended_request_id = Some(reader.string()?),
                b"Region" => meta.set_region(reader.string()?),
                _ => reader.skip()?,
            }
        }
        Ok(())
    };
    match read() {
        Ok(()) => meta,
        // A cut-off or broken document: keep what was read, and a code.
        Err(_) => {
            if meta.code.is_none() {
                meta.code = Some(status.to_string());
            }
            meta.message
                .get_or_insert_with(|| format!("HTTP {status} with an unreadable error document"));
            meta
        }
    }
}

/// Every header of `headers` as `(name, value)`, values that are not text left out.
pub(crate) fn text_headers(headers: &HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?)))
}

/// The server's clock, from its `Date` header.
pub(crate) fn server_time(headers: &HeaderMap) -> Option<SystemTime> {
    let date = headers.get(http::header::DATE)?.to_str().ok()?;
    let parsed = DateTime::from_str(date.trim(), DateTimeFormat::HttpDate).ok()?;
    SystemTime::try_from(parsed).ok()
}

/// The `x-amz-retry-after` header, as text.
pub(crate) fn retry_after_header(headers: &HeaderMap) -> Option<&str> {
    headers.get("x-amz-retry-after")?.to_str().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_documents() {
        let body = b"<?xml version=\"1.0\"?>\n<Error><Code>NoSuchKey</Code><Message>gone</Message><Key>k</Key><RequestId>R1</RequestId><HostId>H1</HostId></Error>";
        assert!(is_error_document(body));
        let meta = error_metadata(404, &HeaderMap::new(), body, false);
        assert_eq!(
            (
                meta.code(),
                meta.message(),
                meta.request_id(),
                meta.extended_request_id()
            ),
            (Some("NoSuchKey"), Some("gone"), Some("R1"), Some("H1"))
        );
        assert!(!is_error_document(b"<CompleteMultipartUploadResult/>"));
        assert!(!is_error_document(b"   "));
        let head = error_metadata(404, &HeaderMap::new(), b"", true);
        assert_eq!((head.code(), head.is_bodiless()), (Some("NotFound"), true));
        let odd = error_metadata(418, &HeaderMap::new(), b"", false);
        assert_eq!(odd.code(), Some("418"));
        // Not XML: the status is the code, as boto3 has it.
        let html = error_metadata(
            502,
            &HeaderMap::new(),
            b"<html><body>bad gateway</body></html>",
            false,
        );
        assert_eq!(html.code(), Some("502"));
        assert!(html.message().unwrap().contains("not an S3 error document"));
        // Cut off mid-document: what was read is kept.
        let cut = error_metadata(
            500,
            &HeaderMap::new(),
            b"<Error><Code>InternalError</Code><Mess",
            false,
        );
        assert_eq!(cut.code(), Some("InternalError"));
        let broken = error_metadata(500, &HeaderMap::new(), b"<Error><Code>x</Error>", false);
        assert_eq!(broken.code(), Some("500"));
        let redirect = error_metadata(
            400,
            &HeaderMap::new(),
            b"<Error><Code>AuthorizationHeaderMalformed</Code><Region>eu-west-1</Region></Error>",
            false,
        );
        assert_eq!(redirect.region(), Some("eu-west-1"));
    }

    #[test]
    fn dates_and_retry_after() {
        let mut h = HeaderMap::new();
        h.insert(
            http::header::DATE,
            "Wed, 02 Dec 2026 10:00:00 GMT".parse().unwrap(),
        );
        h.insert("x-amz-retry-after", "1500".parse().unwrap());
        let t = server_time(&h).unwrap();
        assert_eq!(
            t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs(),
            1_796_205_600
        );
        assert_eq!(retry_after_header(&h), Some("1500"));
        h.insert(http::header::DATE, "yesterday".parse().unwrap());
        assert_eq!(server_time(&h), None);
    }
}
