//! S3's region redirects: a request for a bucket sent to (or signed for) the wrong region
//! is answered with the bucket's region, and the client signs again for it, once, and
//! remembers it. Any other redirect is an error: nothing is ever sent to `Location`.

use std::collections::HashMap;
use std::sync::Mutex;

use http::HeaderMap;

/// The header in which S3 names a bucket's region.
const BUCKET_REGION: &str = "x-amz-bucket-region";

/// The region an error answer says the bucket lives in, when it is one of S3's region
/// redirects: a 301 `PermanentRedirect`, a 400 `AuthorizationHeaderMalformed` naming the
/// expected region, or a bodiless HEAD 301/400 with only `x-amz-bucket-region`.
pub(crate) fn redirect_region<'a>(
    status: u16,
    code: Option<&str>,
    headers: &'a HeaderMap,
    region_in_body: Option<&'a str>,
    current: &str,
) -> Option<&'a str> {
    let header = headers
        .get(BUCKET_REGION)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty());
    let region = match (status, code) {
        (301, Some("PermanentRedirect") | Some("301") | None) => header.or(region_in_body),
        (400, Some("AuthorizationHeaderMalformed")) => region_in_body.or(header),
        (400, Some("BadRequest") | Some("400") | None) => header,
        _ => None,
    }?;
    let valid = region
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    (valid && region != current).then_some(region)
}

/// The regions learnt for buckets, for the client's lifetime.
#[derive(Debug, Default)]
pub(crate) struct BucketRegions {
    known: Mutex<HashMap<String, String>>,
}

impl BucketRegions {
    /// The region learnt for `bucket`, if any.
    pub(crate) fn get(&self, bucket: &str) -> Option<String> {
        self.known
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(bucket)
            .cloned()
    }

    /// Remembers that `bucket` lives in `region`.
    pub(crate) fn learn(&self, bucket: &str, region: &str) {
        let mut known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        // A long-lived client talking to very many buckets keeps a bounded map.
        if known.len() >= 10_000 {
            known.clear();
        }
        known.insert(bucket.to_string(), region.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_redirects() {
        let mut with = HeaderMap::new();
        with.insert(BUCKET_REGION, "eu-west-1".parse().unwrap());
        let none = HeaderMap::new();
        let r =
            |status, code, headers, body| redirect_region(status, code, headers, body, "us-east-1");
        assert_eq!(
            r(301, Some("PermanentRedirect"), &with, None),
            Some("eu-west-1")
        );
        assert_eq!(r(301, None, &with, None), Some("eu-west-1"));
        assert_eq!(r(301, Some("PermanentRedirect"), &none, None), None);
        assert_eq!(
            r(
                400,
                Some("AuthorizationHeaderMalformed"),
                &none,
                Some("ap-south-1")
            ),
            Some("ap-south-1")
        );
        assert_eq!(r(400, Some("BadRequest"), &with, None), Some("eu-west-1"));
        assert_eq!(r(400, Some("InvalidArgument"), &with, None), None);
        assert_eq!(r(307, Some("TemporaryRedirect"), &with, None), None);
        assert_eq!(r(403, Some("AccessDenied"), &with, None), None);
        // The region it already used is no redirect; junk is not a region.
        assert_eq!(redirect_region(301, None, &with, None, "eu-west-1"), None);
        assert_eq!(
            r(
                400,
                Some("AuthorizationHeaderMalformed"),
                &none,
                Some("evil.com/x")
            ),
            None
        );

        let regions = BucketRegions::default();
        assert_eq!(regions.get("b"), None);
        regions.learn("b", "eu-west-1");
        assert_eq!(regions.get("b").as_deref(), Some("eu-west-1"));
    }
}
