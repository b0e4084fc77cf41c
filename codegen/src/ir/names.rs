//! Rust names for model names: fields, types, methods and enum variants.

use heck::ToUpperCamelCase;

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

/// The Rust field (or method) name for a model member or operation name: snake case as
/// boto3 spells it (botocore's `xform_name`, which aws-sdk-s3 agrees with:
/// `ChecksumCRC32C` becomes `checksum_crc32_c`), with keywords escaped as raw identifiers
/// (`Type` becomes `r#type`).
pub fn field(name: &str) -> String {
    let snake = snake_field(name);
    if KEYWORDS.contains(&snake.as_str()) {
        format!("r#{snake}")
    } else {
        snake
    }
}

/// [`field`] without the raw marker (`type` for `r#type`), for text and for names built
/// from it (`set_type`).
pub fn snake_field(name: &str) -> String {
    let snake = snake_case(name);
    if UNRAWABLE.contains(&snake.as_str()) {
        format!("{snake}_")
    } else {
        snake
    }
}

/// botocore's `xform_name`: a plural acronym at the end becomes a word of its own
/// (`ARNs` -> `_arns`), then a separator goes before each capitalised word (`[A-Z][a-z]+`)
/// that follows any character, and between a lowercase letter or digit and a capital.
/// Names that already hold an underscore are kept as they are.
pub fn snake_case(name: &str) -> String {
    if name.contains('_') {
        return name.to_string();
    }
    let chars: Vec<char> = name.chars().collect();
    let mut base = chars.clone();
    // `[A-Z]{2,}s$`: the run of capitals before a final `s`.
    if let Some((&'s', head)) = chars.split_last() {
        let run = head
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_uppercase())
            .count();
        if run >= 2 {
            let start = head.len() - run;
            base = chars[..start].to_vec();
            base.push('_');
            base.extend(chars[start..].iter().map(|c| c.to_ascii_lowercase()));
        }
    }
    // `(.)([A-Z][a-z]+)` -> `\1_\2`, left to right without overlaps.
    let mut first = Vec::with_capacity(base.len() + 8);
    let mut i = 0;
    while i < base.len() {
        let word = base.get(i + 1).is_some_and(char::is_ascii_uppercase)
            && base.get(i + 2).is_some_and(char::is_ascii_lowercase);
        if word {
            let end = (i + 2..base.len())
                .find(|&j| !base[j].is_ascii_lowercase())
                .unwrap_or(base.len());
            first.push(base[i]);
            first.push('_');
            first.extend_from_slice(&base[i + 1..end]);
            i = end;
        } else {
            first.push(base[i]);
            i += 1;
        }
    }
    // `([a-z0-9])([A-Z])` -> `\1_\2`, then lowercase.
    let mut out = String::with_capacity(first.len() + 8);
    let mut i = 0;
    while i < first.len() {
        let c = first[i];
        let next_capital = first.get(i + 1).is_some_and(char::is_ascii_uppercase);
        if (c.is_ascii_lowercase() || c.is_ascii_digit()) && next_capital {
            out.push(c);
            out.push('_');
            out.push(first[i + 1].to_ascii_lowercase());
            i += 2;
        } else {
            out.push(c.to_ascii_lowercase());
            i += 1;
        }
    }
    out
}

/// The XML reader function of a structure (`de_tag`).
pub fn reader(shape: &str) -> String {
    format!("de_{}", snake_case(shape))
}

/// The XML writer function of a structure (`ser_tag`).
pub fn writer(shape: &str) -> String {
    format!("ser_{}", snake_case(shape))
}

/// The cargo feature of a model area: its file stem with hyphens (`bucket-access`).
pub fn feature(area: &str) -> String {
    area.replace('_', "-")
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

/// Locals of the generated (de)serialisers, which read each member into a local named
/// after its field: a member may not take one of these names.
pub const RESERVED_LOCALS: [&str; 4] = ["reader", "element", "response", "text"];

/// Names the generated code writes plainly, and the path each file imports it from when
/// it uses it, in the order of the `use` block: no model shape may take one of them (nor a prelude name, [`PRELUDE`]).
pub const IMPORTED: [(&str, &str); 9] = [
    ("Bytes", "bytes::Bytes"),
    ("BuildError", "crate::error::BuildError"),
    ("ErrorMetadata", "crate::error::ErrorMetadata"),
    ("ResponseError", "crate::error::ResponseError"),
    ("SdkError", "crate::error::SdkError"),
    ("ByteStream", "crate::primitives::ByteStream"),
    ("DateTime", "crate::primitives::DateTime"),
    ("DateTimeFormat", "crate::primitives::DateTimeFormat"),
    ("HashMap", "std::collections::HashMap"),
];

/// The prelude's names that the generated code writes plainly.
pub const PRELUDE: [&str; 12] = [
    "Option", "Some", "None", "String", "Vec", "Result", "Ok", "Err", "Box", "Default", "From",
    "AsRef",
];

/// Whether `rust_name` would shadow a name the generated code writes plainly.
pub fn is_taken(rust_name: &str) -> bool {
    PRELUDE.contains(&rust_name) || IMPORTED.iter().any(|(name, _)| *name == rust_name)
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
            ("ChecksumCRC32C", "checksum_crc32_c"),
            ("ChecksumCRC64NVME", "checksum_crc64_nvme"),
            ("S3BucketDestination", "s3_bucket_destination"),
            ("IDs", "_ids"),
            ("TopicARNs", "topic_arns"),
            ("HTTPSRedirect", "https_redirect"),
            ("Key_Marker", "Key_Marker"),
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
