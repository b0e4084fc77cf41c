//! The JSON that credential endpoints answer with, read by aws-smithy-json (the reader
//! aws-config uses for the same answers) into a `Document`: a credentials build needs no
//! serde.

use aws_smithy_json::deserialize::json_token_iter;
use aws_smithy_json::deserialize::token::expect_document;
use aws_smithy_types::{Document, Number};

/// One JSON value, with nothing but whitespace after it.
pub(crate) fn parse(body: &[u8]) -> Result<Document, String> {
    let mut tokens = json_token_iter(body).peekable();
    let document = expect_document(&mut tokens).map_err(|e| e.to_string())?;
    match tokens.next() {
        None => Ok(document),
        Some(Err(e)) => Err(e.to_string()),
        Some(Ok(_)) => Err("more than one JSON value".into()),
    }
}

/// The member `key` of an object; `None` for a missing member or a value that is not an
/// object.
pub(crate) fn member<'a>(value: &'a Document, key: &str) -> Option<&'a Document> {
    value.as_object()?.get(key)
}

/// The string member `key`.
pub(crate) fn text<'a>(value: &'a Document, key: &str) -> Option<&'a str> {
    member(value, key)?.as_string()
}

/// The member `key` as a whole number of zero or more.
pub(crate) fn unsigned(value: &Document, key: &str) -> Option<u64> {
    match member(value, key)? {
        Document::Number(Number::PosInt(n)) => Some(*n),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_by_name_and_kind() {
        let v = parse(br#" {"Code": "Success", "Version": 1, "n": -1, "o": {"k": "v"}} "#).unwrap();
        assert_eq!(text(&v, "Code"), Some("Success"));
        assert_eq!(unsigned(&v, "Version"), Some(1));
        assert_eq!(unsigned(&v, "n"), None);
        assert_eq!(text(&v, "Version"), None);
        assert_eq!(text(member(&v, "o").unwrap(), "k"), Some("v"));
        assert_eq!(text(&v, "missing"), None);
        assert_eq!(text(&parse(b"[1]").unwrap(), "Code"), None);
        let escaped = parse(br#"{"k": "a\"b\u00e9"}"#).unwrap();
        assert_eq!(text(&escaped, "k"), Some("a\"bé"));
    }

    #[test]
    fn what_is_not_one_json_value_is_an_error() {
        for bad in [
            &b""[..],
            b"{",
            b"{\"a\": }",
            b"{} {}",
            b"not json",
            b"{\"a\": 1} x",
        ] {
            assert!(parse(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
    }
}
