//! Rust names for model names: fields, types, methods and enum variants.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words Rust reserves; a field with one of these names becomes a raw identifier.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "static", "struct", "super", "trait", "true", "try", "type", "typeof", "unsafe",
    "unsized", "use", "virtual", "where", "while", "yield",
];

/// Names that cannot be raw identifiers either.
const UNRAWABLE: &[&str] = &["crate", "self", "super", "Self"];

/// The Rust field (or method) name for a model member or operation name: snake case, with
/// keywords escaped as raw identifiers (`Type` becomes `r#type`).
pub fn field(name: &str) -> String {
    let snake = name.to_snake_case();
    if UNRAWABLE.contains(&snake.as_str()) {
        format!("{snake}_")
    } else if KEYWORDS.contains(&snake.as_str()) {
        format!("r#{snake}")
    } else {
        snake
    }
}

/// The Rust type name for a shape name (`SSEKMS` becomes `Ssekms`, as in aws-sdk-s3).
pub fn type_name(name: &str) -> String {
    name.to_upper_camel_case()
}

/// The Rust variant name for an enum value (`STANDARD_IA` becomes `StandardIa`); `None`
/// when the value has no letters or digits to build a name from.
pub fn variant(value: &str) -> Option<String> {
    let cleaned: String = value
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let camel = cleaned.to_upper_camel_case();
    match camel.chars().next() {
        None => None,
        Some(c) if c.is_ascii_digit() => Some(format!("V{camel}")),
        Some(_) => Some(camel),
    }
}

/// Whether a name can be a plain Rust identifier once converted.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronyms_and_digits() {
        let cases = [
            ("SSEKMSKeyId", "ssekms_key_id"),
            ("SSECustomerKeyMD5", "sse_customer_key_md5"),
            ("ContentMD5", "content_md5"),
            ("ChecksumCRC32", "checksum_crc32"),
            ("ChecksumCRC32C", "checksum_crc32c"),
            ("ChecksumCRC64NVME", "checksum_crc64nvme"),
            ("ChecksumSHA256", "checksum_sha256"),
            ("ETag", "e_tag"),
            ("VersionId", "version_id"),
            ("MaxKeys", "max_keys"),
            ("ListObjectsV2", "list_objects_v2"),
            ("Type", "r#type"),
            ("ID", "id"),
            ("URI", "uri"),
            ("BucketKeyEnabled", "bucket_key_enabled"),
            ("GrantFullControl", "grant_full_control"),
        ];
        for (model, rust) in cases {
            assert_eq!(field(model), rust, "field name for {model}");
        }
    }

    #[test]
    fn types_and_variants() {
        assert_eq!(type_name("SSEKMS"), "Ssekms");
        assert_eq!(type_name("ListObjectsV2Output"), "ListObjectsV2Output");
        assert_eq!(variant("STANDARD_IA").as_deref(), Some("StandardIa"));
        assert_eq!(variant("public-read").as_deref(), Some("PublicRead"));
        assert_eq!(variant("us-east-1").as_deref(), Some("UsEast1"));
        assert_eq!(
            variant("s3:ObjectCreated:*").as_deref(),
            Some("S3ObjectCreated")
        );
        assert_eq!(variant("CRC64NVME").as_deref(), Some("Crc64nvme"));
        assert_eq!(variant("3"), Some("V3".to_string()));
        assert_eq!(variant("*"), None);
    }
}
