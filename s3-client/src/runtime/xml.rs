//! XML reading and writing for the generated (de)serialisers.
//!
//! The reader walks quick-xml events over the response bytes and hands out borrowed
//! element names, so generated code matches children without allocating. The writer
//! appends escaped text to one buffer.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;

use crate::error::ResponseError;
use crate::primitives::{DateTime, DateTimeFormat};
use crate::runtime::timestamp::parse_timestamp;

/// Reads an XML document one element at a time.
pub struct XmlReader<'a> {
    input: &'a [u8],
    reader: Reader<&'a [u8]>,
    /// Raw content (name and attributes) of the element last entered.
    current: &'a [u8],
    /// Its qualified name, the start of `current` (quick-xml has measured it).
    name: &'a [u8],
    /// The element last entered was `<Empty/>`: it has no text and no children.
    empty: bool,
}

/// An element's local name, worked out and shown only in error messages (so nothing is
/// scanned or copied on success).
struct Name<'a>(&'a [u8]);

impl std::fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&String::from_utf8_lossy(local(self.0)))
    }
}

/// The text as a string to append to, made once with room for what usually follows (an
/// ETag is `&quot;`, 32 hex digits, `&quot;`), so it is not grown piece by piece.
fn owned<'t, 'a>(value: &'t mut Cow<'a, str>) -> &'t mut String {
    if let Cow::Borrowed(text) = *value {
        let mut string = String::with_capacity(text.len() + 48);
        string.push_str(text);
        *value = Cow::Owned(string);
    }
    value.to_mut()
}

/// The name after its prefix (`s3:Key` -> `Key`). Names are short, so a plain loop costs
/// less than quick-xml's `local_name` (a memchr call) for every element.
fn local(name: &[u8]) -> &[u8] {
    match name.iter().position(|&b| b == b':') {
        Some(i) => name.get(i + 1..).unwrap_or_default(),
        None => name,
    }
}

impl<'a> XmlReader<'a> {
    /// Starts reading `body`.
    pub fn new(body: &'a [u8]) -> Self {
        let mut reader = Reader::from_reader(body);
        let config = reader.config_mut();
        config.trim_text(false);
        config.check_end_names = true;
        XmlReader {
            input: body,
            reader,
            current: &[],
            name: &[],
            empty: false,
        }
    }

    fn error(&self, what: impl std::fmt::Display) -> ResponseError {
        ResponseError::new(format!(
            "malformed XML near byte {} (in element `{}`): {what}",
            self.reader.buffer_position(),
            String::from_utf8_lossy(self.name)
        ))
    }

    /// Enters the document's root element and returns its local name.
    pub fn root(&mut self) -> Result<&'a [u8], ResponseError> {
        loop {
            match self.reader.read_event().map_err(|e| self.error(e))? {
                Event::Start(e) => return self.enter(&e, false),
                Event::Empty(e) => return self.enter(&e, true),
                Event::Eof => return Err(ResponseError::new("the response has no XML document")),
                _ => {}
            }
        }
    }

    /// Records the element just read; its content lies inside the input, so the same
    /// bytes are taken from the input with its longer lifetime. The name's length and
    /// the local name's come from quick-xml, which measured them while reading.
    fn enter(&mut self, start: &BytesStart<'_>, empty: bool) -> Result<&'a [u8], ResponseError> {
        let content: &[u8] = start;
        let offset = (content.as_ptr() as usize).wrapping_sub(self.input.as_ptr() as usize);
        let Some(content) = self.input.get(offset..offset.saturating_add(content.len())) else {
            return Err(self.error("element outside the input"));
        };
        let name = content
            .get(..start.name().as_ref().len())
            .unwrap_or(content);
        self.current = content;
        self.name = name;
        self.empty = empty;
        Ok(local(name))
    }

    /// Enters the next child element of the current element and returns its local name,
    /// or `None` once the current element has ended.
    pub fn next_child(&mut self) -> Result<Option<&'a [u8]>, ResponseError> {
        if self.empty {
            self.empty = false;
            return Ok(None);
        }
        loop {
            match self.reader.read_event().map_err(|e| self.error(e))? {
                Event::Start(e) => return self.enter(&e, false).map(Some),
                Event::Empty(e) => return self.enter(&e, true).map(Some),
                Event::End(_) => return Ok(None),
                Event::Eof => return Err(self.error("the document ends early")),
                _ => {}
            }
        }
    }

    /// The text of the element just entered, with entities resolved; consumes the element.
    /// The events are read one by one rather than through quick-xml's `read_text`: text
    /// without an entity is one borrowed `Text` event, so nothing scans it again for
    /// markup or entities (quick-xml reports those as events of their own).
    pub fn text(&mut self) -> Result<Cow<'a, str>, ResponseError> {
        if self.empty {
            self.empty = false;
            return Ok(Cow::Borrowed(""));
        }
        let mut value = Cow::Borrowed("");
        loop {
            match self.reader.read_event().map_err(|e| self.error(e))? {
                Event::Text(text) => {
                    let Cow::Borrowed(raw) = text.into_inner() else {
                        return Err(self.error("unexpected copied text"));
                    };
                    let raw = std::str::from_utf8(raw).map_err(|e| self.error(e))?;
                    if value.is_empty() {
                        value = Cow::Borrowed(raw);
                    } else {
                        owned(&mut value).push_str(raw);
                    }
                }
                Event::GeneralRef(reference) => self.resolve(&reference, owned(&mut value))?,
                Event::End(_) => return Ok(value),
                Event::Eof => return Err(self.error("the document ends early")),
                // S3 puts none of these in a value.
                _ => {
                    return Err(self.error(
                        "markup inside a text value (CDATA, a comment or an element) is not supported",
                    ));
                }
            }
        }
    }

    /// Appends what an entity (`&quot;`) or character reference (`&#xA;`) stands for.
    fn resolve(
        &self,
        reference: &quick_xml::events::BytesRef<'_>,
        out: &mut String,
    ) -> Result<(), ResponseError> {
        if let Some(c) = reference.resolve_char_ref().map_err(|e| self.error(e))? {
            out.push(c);
            return Ok(());
        }
        let name = std::str::from_utf8(reference).map_err(|e| self.error(e))?;
        match quick_xml::escape::resolve_predefined_entity(name) {
            Some(text) => {
                out.push_str(text);
                Ok(())
            }
            None => Err(self.error(format!("unknown entity `&{name};`"))),
        }
    }

    /// Skips the element just entered, with everything inside it.
    pub fn skip(&mut self) -> Result<(), ResponseError> {
        if self.empty {
            self.empty = false;
            return Ok(());
        }
        let name = QName(self.name);
        self.reader.read_to_end(name).map_err(|e| self.error(e))?;
        Ok(())
    }

    /// The value of attribute `name` (qualified, e.g. `xsi:type`) on the element just entered.
    #[allow(dead_code)] // for bindings the current model does not use yet
    pub fn attribute(&self, name: &str) -> Result<Option<String>, ResponseError> {
        let start = quick_xml::events::BytesStart::from_content(
            String::from_utf8_lossy(self.current),
            self.name.len(),
        );
        for attr in start.attributes() {
            let attr = attr.map_err(|e| self.error(e))?;
            if attr.key.as_ref() == name.as_bytes() {
                let value = attr
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(|e| self.error(e))?;
                return Ok(Some(value.into_owned()));
            }
        }
        Ok(None)
    }

    /// The element's text as an owned string.
    pub fn string(&mut self) -> Result<String, ResponseError> {
        self.text().map(Cow::into_owned)
    }

    /// The element's text parsed as a number.
    pub fn number<T: std::str::FromStr>(&mut self) -> Result<T, ResponseError> {
        let element = Name(self.name);
        let text = self.text()?;
        text.trim().parse().map_err(|_| {
            ResponseError::new(format!(
                "element `{element}`: `{text}` is not a valid number"
            ))
        })
    }

    /// The element's text parsed as a boolean.
    pub fn boolean(&mut self) -> Result<bool, ResponseError> {
        let element = Name(self.name);
        let text = self.text()?;
        parse_bool(text.trim()).ok_or_else(|| {
            ResponseError::new(format!("element `{element}`: `{text}` is not a boolean"))
        })
    }

    /// The element's text parsed as a timestamp in `format`.
    pub fn timestamp(&mut self, format: DateTimeFormat) -> Result<DateTime, ResponseError> {
        let element = Name(self.name);
        let text = self.text()?;
        parse_timestamp(text.trim(), format)
            .map_err(|e| ResponseError::new(format!("element `{element}`: {e}")))
    }

    /// The element's text decoded from base64.
    #[allow(dead_code)] // for bindings the current model does not use yet
    pub fn blob(&mut self) -> Result<bytes::Bytes, ResponseError> {
        let text = self.text()?;
        crate::runtime::base64_decode(text.trim())
            .map(bytes::Bytes::from)
            .ok_or_else(|| ResponseError::new(format!("invalid base64 in XML: `{text}`")))
    }

    /// Reads a wrapped list: every child named `item` is read with `read`, others skipped.
    pub fn list<T>(
        &mut self,
        item: &[u8],
        mut read: impl FnMut(&mut Self) -> Result<T, ResponseError>,
    ) -> Result<Vec<T>, ResponseError> {
        let mut items = Vec::new();
        while let Some(name) = self.next_child()? {
            if name == item {
                items.push(read(self)?);
            } else {
                self.skip()?;
            }
        }
        Ok(items)
    }
}

/// Parses `true`/`false` as S3 writes them.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "TRUE" | "True" => Some(true),
        "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// Appends `text` escaped as boto3 (ElementTree) escapes it. In element text: `&`, `<`
/// and `>`, plus CR and LF as character references, as botocore does for DeleteObjects,
/// so that an XML parser's line-end normalisation cannot change them. In an attribute,
/// also `"` and tabs.
fn escape(buf: &mut Vec<u8>, text: &str, attribute: bool) {
    for b in text.bytes() {
        let reference: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'\r' if attribute => b"&#13;",
            b'\n' if attribute => b"&#10;",
            b'\r' => b"&#xD;",
            b'\n' => b"&#xA;",
            b'"' if attribute => b"&quot;",
            b'\t' if attribute => b"&#09;",
            _ => {
                buf.push(b);
                continue;
            }
        };
        buf.extend_from_slice(reference);
    }
}

/// Builds an XML document in memory, byte for byte as boto3 writes the same document:
/// no declaration, an element with nothing in it as `<Name />`.
#[derive(Debug, Default)]
pub struct XmlWriter {
    buf: Vec<u8>,
    /// Where the `>` of the start tag last closed is, while nothing follows it yet.
    open_end: Option<usize>,
}

impl XmlWriter {
    /// An empty document.
    pub fn new() -> Self {
        Self::default()
    }

    /// Opens `<name`; attributes may follow before [`XmlWriter::close_start`].
    pub fn open(&mut self, name: &str) {
        self.open_end = None;
        self.buf.push(b'<');
        self.buf.extend_from_slice(name.as_bytes());
    }

    /// Adds an attribute to the element being opened.
    pub fn attribute(&mut self, name: &str, value: &str) {
        self.buf.push(b' ');
        self.buf.extend_from_slice(name.as_bytes());
        self.buf.extend_from_slice(b"=\"");
        escape(&mut self.buf, value, true);
        self.buf.push(b'"');
    }

    /// Ends the start tag opened with [`XmlWriter::open`].
    pub fn close_start(&mut self) {
        self.open_end = Some(self.buf.len());
        self.buf.push(b'>');
    }

    /// Writes `</name>`, or turns the start tag into `<name />` when nothing came between.
    pub fn end(&mut self, name: &str) {
        if let Some(at) = self.open_end.take()
            && at + 1 == self.buf.len()
        {
            self.buf.truncate(at);
            self.buf.extend_from_slice(b" />");
            return;
        }
        self.buf.extend_from_slice(b"</");
        self.buf.extend_from_slice(name.as_bytes());
        self.buf.push(b'>');
    }

    /// Writes `<name>text</name>` with the text escaped (`<name />` when it is empty).
    pub fn element(&mut self, name: &str, text: &str) {
        self.open(name);
        self.close_start();
        escape(&mut self.buf, text, false);
        self.end(name);
    }

    /// Writes a boolean element.
    pub fn boolean(&mut self, name: &str, value: bool) {
        self.element(name, if value { "true" } else { "false" });
    }

    /// Writes a number element.
    pub fn number(&mut self, name: &str, value: impl std::fmt::Display) {
        self.element(name, &value.to_string());
    }

    /// Writes a base64 element.
    #[allow(dead_code)] // for blob members the current model does not use yet
    pub fn blob(&mut self, name: &str, value: &[u8]) {
        self.element(name, &crate::runtime::base64(value));
    }

    /// The finished document.
    pub fn finish(self) -> Vec<u8> {
        self.buf
    }
}

/// Whether `body` is one complete XML element and nothing else but whitespace: what a
/// response that must carry an XML document is checked against before it is accepted
/// (a cut-off one is retried). A document that ends with its root's end tag is complete
/// without a second parse (the deserialiser reads it once, and reports what is
/// malformed inside); anything else is walked to its end.
pub(crate) fn is_complete_document(body: &[u8]) -> bool {
    let mut reader = XmlReader::new(body);
    if reader.root().is_err() {
        return false;
    }
    if !reader.empty && ends_with_end_tag(body, reader.name) {
        return true;
    }
    if reader.skip().is_err() {
        return false;
    }
    loop {
        match reader.reader.read_event() {
            Ok(Event::Eof) => return true,
            Ok(Event::Text(t)) if t.iter().all(u8::is_ascii_whitespace) => {}
            Ok(Event::Comment(_)) => {}
            _ => return false,
        }
    }
}

/// Whether `body`, but for trailing whitespace, ends with `</name>`.
fn ends_with_end_tag(body: &[u8], name: &[u8]) -> bool {
    let Some(rest) = body.trim_ascii_end().strip_suffix(b">") else {
        return false;
    };
    rest.trim_ascii_end()
        .strip_suffix(name)
        .is_some_and(|rest| rest.ends_with(b"</"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_nested_empty_and_escaped() {
        let doc = br#"<?xml version="1.0"?><R xmlns="x"><A>a &amp; b&#13;</A><E/><L><I>1</I><I>2</I><J/></L><G xmlns:xsi="u" xsi:type="CanonicalUser"><ID>i</ID></G></R>"#;
        let mut r = XmlReader::new(doc);
        assert_eq!(r.root().unwrap(), b"R");
        assert_eq!(r.next_child().unwrap(), Some(&b"A"[..]));
        assert_eq!(r.text().unwrap(), "a & b\r");
        assert_eq!(r.next_child().unwrap(), Some(&b"E"[..]));
        assert_eq!(r.text().unwrap(), "");
        assert_eq!(r.next_child().unwrap(), Some(&b"L"[..]));
        let items = r.list(b"I", |r| r.number::<i32>()).unwrap();
        assert_eq!(items, vec![1, 2]);
        assert_eq!(r.next_child().unwrap(), Some(&b"G"[..]));
        assert_eq!(
            r.attribute("xsi:type").unwrap().as_deref(),
            Some("CanonicalUser")
        );
        r.skip().unwrap();
        assert_eq!(r.next_child().unwrap(), None);
    }

    #[test]
    fn text_is_borrowed_unless_an_entity_is_resolved() {
        let doc = br#"<R><Key>photos/a.jpg</Key><ETag>&quot;9b2c&quot;</ETag><K>&lt;&gt;&amp;&apos;&#x41;&#66;x</K><N></N><U>a &nbsp; b</U></R>"#;
        let mut r = XmlReader::new(doc);
        r.root().unwrap();
        r.next_child().unwrap();
        assert!(matches!(r.text().unwrap(), Cow::Borrowed("photos/a.jpg")));
        r.next_child().unwrap();
        assert_eq!(r.text().unwrap(), "\"9b2c\"");
        r.next_child().unwrap();
        assert_eq!(r.text().unwrap(), "<>&'ABx");
        r.next_child().unwrap();
        assert!(matches!(r.text().unwrap(), Cow::Borrowed("")));
        r.next_child().unwrap();
        let err = r.text().unwrap_err().to_string();
        assert!(err.contains("unknown entity `&nbsp;`"), "{err}");

        let mut r = XmlReader::new(b"<R><A>cut off");
        r.root().unwrap();
        r.next_child().unwrap();
        assert!(r.text().is_err());
    }

    #[test]
    fn markup_inside_a_value_is_an_error_not_text() {
        for doc in [
            &b"<R><A><![CDATA[x]]></A></R>"[..],
            b"<R><A>x<!-- c --></A></R>",
            b"<R><A>x<B/></A></R>",
        ] {
            let mut r = XmlReader::new(doc);
            r.root().unwrap();
            r.next_child().unwrap();
            let err = r.text().unwrap_err().to_string();
            assert!(err.contains("markup inside a text value"), "{err}");
        }
    }

    #[test]
    fn malformed_input_is_an_error() {
        let mut r = XmlReader::new(b"<R><A>x</B></R>");
        r.root().unwrap();
        r.next_child().unwrap();
        assert!(r.text().is_err());
        let mut r = XmlReader::new(b"<R><Size>ten</Size></R>");
        r.root().unwrap();
        r.next_child().unwrap();
        let e = r.number::<i64>().unwrap_err();
        assert!(e.to_string().contains("Size"), "{e}");
        assert!(XmlReader::new(b"").root().is_err());
    }

    #[test]
    fn writes_as_boto3_does() {
        // What boto3 1.44.8 sends for DeleteObjects with these keys.
        let mut w = XmlWriter::new();
        w.open("Delete");
        w.attribute("xmlns", "http://s3.amazonaws.com/doc/2006-03-01/");
        w.close_start();
        w.open("Object");
        w.close_start();
        w.element("Key", "a\r\nb\tc\"d'e<>&");
        w.end("Object");
        w.open("Object");
        w.close_start();
        w.element("Key", "x");
        w.element("VersionId", "");
        w.end("Object");
        w.open("Empty");
        w.close_start();
        w.end("Empty");
        w.boolean("Quiet", true);
        w.end("Delete");
        assert_eq!(
            String::from_utf8(w.finish()).unwrap(),
            "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Object><Key>a&#xD;&#xA;b\tc\"d'e&lt;&gt;&amp;</Key></Object><Object><Key>x</Key><VersionId /></Object><Empty /><Quiet>true</Quiet></Delete>"
        );
    }

    #[test]
    fn complete_documents() {
        assert!(is_complete_document(
            b"<?xml version=\"1.0\"?>\n<R><A>1</A></R>\n"
        ));
        assert!(is_complete_document(b"   <R/>"));
        assert!(!is_complete_document(b""));
        assert!(!is_complete_document(b"     "));
        assert!(!is_complete_document(b"<R><A>1</A>"));
        assert!(!is_complete_document(b"<R></R><S/>"));
        assert!(!is_complete_document(b"<html>oops"));
        // Cut off inside the root's end tag, or with an element of another name last.
        assert!(!is_complete_document(b"<s3:R><A>1</A></s3:"));
        assert!(!is_complete_document(b"<R><A>1</A></RR>"));
        assert!(is_complete_document(
            b"<s3:R xmlns:s3=\"u\"><A>1</A></s3:R >\r\n"
        ));
        // A comment after the root is walked to the end, and allowed.
        assert!(is_complete_document(b"<R><A>1</A></R><!-- c -->"));
    }
}
