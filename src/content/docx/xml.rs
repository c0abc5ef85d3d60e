//! A small pull reader over quick-xml for the Word parts: elements by namespace
//! and local name (a `w:t` is not an `a:t`, whatever the prefixes), text with its
//! references resolved, and the nesting depth bounded (`limits::MAX_DEPTH`).

use super::limits::MAX_DEPTH;
use quick_xml::events::Event;
use quick_xml::name::PrefixDeclaration;
use quick_xml::Reader;

/// The namespaces the reader tells apart (transitional and strict OOXML alike).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ns {
    W,
    R,
    A,
    Wp,
    Wps,
    Mc,
    V,
    O,
    M,
    Other,
}

fn ns_of(uri: &str) -> Ns {
    let u = uri.trim_end_matches('/');
    if u.ends_with("wordprocessingml/2006/main") || u.ends_with("ooxml/wordprocessingml/main") {
        Ns::W
    } else if u.ends_with("officeDocument/2006/relationships") || u.ends_with("ooxml/officeDocument/relationships") {
        Ns::R
    } else if u.ends_with("drawingml/2006/main") || u.ends_with("ooxml/drawingml/main") {
        Ns::A
    } else if u.ends_with("wordprocessingDrawing") {
        Ns::Wp
    } else if u.ends_with("word/2010/wordprocessingShape") {
        Ns::Wps
    } else if u.ends_with("markup-compatibility/2006") {
        Ns::Mc
    } else if u == "urn:schemas-microsoft-com:vml" {
        Ns::V
    } else if u == "urn:schemas-microsoft-com:office:office" {
        Ns::O
    } else if u.ends_with("officeDocument/2006/math") || u.ends_with("ooxml/officeDocument/math") {
        Ns::M
    } else {
        Ns::Other
    }
}

/// An opening element: namespace, local name and attributes by local name.
#[derive(Debug, Clone)]
pub struct Tag {
    pub ns: Ns,
    pub name: String,
    attrs: Vec<(String, String)>,
}

impl Tag {
    pub fn is(&self, ns: Ns, name: &str) -> bool {
        self.ns == ns && self.name == name
    }

    pub fn w(&self, name: &str) -> bool {
        self.is(Ns::W, name)
    }

    /// An attribute by local name (`w:val` → `val`, `r:id` → `id`).
    pub fn get(&self, local: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == local).map(|(_, v)| v.as_str())
    }

    /// `w:val`, the value most Word properties carry.
    pub fn val(&self) -> Option<&str> {
        self.get("val")
    }

    /// A toggle property (`<w:b/>`, `<w:b w:val="0"/>`): on unless the value says off.
    pub fn on(&self) -> bool {
        !matches!(self.val(), Some("0" | "false" | "off" | "none"))
    }
}

#[derive(Debug)]
pub enum Ev {
    Open(Tag),
    Close,
    Text(String),
    Eof,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XmlError {
    Syntax(String),
    TooDeep,
}

impl std::fmt::Display for XmlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            XmlError::Syntax(s) => write!(f, "XML 格式错误：{s}"),
            XmlError::TooDeep => write!(f, "内容嵌套超过 {MAX_DEPTH} 层"),
        }
    }
}

pub struct Xml<'a> {
    reader: Reader<&'a [u8]>,
    depth: usize,
    /// The namespace declarations in scope: prefix (`""` for the default), namespace,
    /// and the depth of the element declaring it.
    bindings: Vec<(String, Ns, usize)>,
    /// The last prefix resolved and its namespace, valid while `bindings` is unchanged
    /// (nearly every element of a part has the same prefix).
    last: Option<(String, Ns)>,
}

impl<'a> Xml<'a> {
    pub fn new(text: &'a str) -> Xml<'a> {
        let mut reader = Reader::from_str(text);
        reader.config_mut().expand_empty_elements = true;
        Xml { reader, depth: 0, bindings: Vec::new(), last: None }
    }

    pub fn depth(&self) -> usize {
        self.depth
    }

    /// The namespace `prefix` is bound to here.
    fn resolve(&mut self, prefix: &str) -> Ns {
        if let Some((p, ns)) = &self.last {
            if p == prefix {
                return *ns;
            }
        }
        let ns = self.bindings.iter().rev().find(|(p, _, _)| p == prefix).map_or(Ns::Other, |b| b.1);
        match &mut self.last {
            Some((p, n)) => {
                p.clear();
                p.push_str(prefix);
                *n = ns;
            }
            None => self.last = Some((prefix.to_string(), ns)),
        }
        ns
    }

    pub fn next(&mut self) -> Result<Ev, XmlError> {
        loop {
            let event = self.reader.read_event().map_err(|e| XmlError::Syntax(e.to_string()))?;
            match event {
                Event::Start(e) => {
                    self.depth += 1;
                    if self.depth > MAX_DEPTH {
                        return Err(XmlError::TooDeep);
                    }
                    let mut attrs = Vec::new();
                    for a in e.attributes().with_checks(false).flatten() {
                        let value = a.normalized_value(quick_xml::XmlVersion::Implicit1_0).map(|v| v.into_owned()).unwrap_or_else(|_| a.value.into_owned());
                        match a.key.as_namespace_binding() {
                            Some(decl) => {
                                let prefix = match decl {
                                    PrefixDeclaration::Default => "",
                                    PrefixDeclaration::Named(p) => p,
                                };
                                self.bindings.push((prefix.to_string(), ns_of(&value), self.depth));
                                self.last = None;
                            }
                            None => attrs.push((a.key.local_name().as_ref().to_string(), value)),
                        }
                    }
                    let (local, prefix) = e.name().decompose();
                    let ns = self.resolve(prefix.as_ref().map_or("", |p| p.as_ref()));
                    return Ok(Ev::Open(Tag { ns, name: local.as_ref().to_string(), attrs }));
                }
                Event::End(_) => {
                    while self.bindings.last().is_some_and(|b| b.2 >= self.depth) {
                        self.bindings.pop();
                        self.last = None;
                    }
                    self.depth = self.depth.saturating_sub(1);
                    return Ok(Ev::Close);
                }
                Event::Text(t) => return Ok(Ev::Text(t.xml10_content().into_owned())),
                Event::CData(t) => return Ok(Ev::Text(t.xml10_content().into_owned())),
                Event::GeneralRef(r) => {
                    let c = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => quick_xml::escape::resolve_predefined_entity(&r.into_inner()).unwrap_or("").to_string(),
                    };
                    return Ok(Ev::Text(c));
                }
                // A part that ends inside an element is broken: every loop reading an
                // element's children stops here instead of waiting for its end.
                Event::Eof if self.depth > 0 => return Err(XmlError::Syntax("文件意外结束".into())),
                Event::Eof => return Ok(Ev::Eof),
                _ => {}
            }
        }
    }

    /// Skips what is left of the element just opened (through its end tag).
    pub fn skip(&mut self) -> Result<(), XmlError> {
        let target = self.depth - 1;
        while self.depth > target {
            if let Ev::Eof = self.next()? {
                return Err(XmlError::Syntax("文件意外结束".into()));
            }
        }
        Ok(())
    }

    /// The text inside the element just opened (all descendants), through its end.
    pub fn text(&mut self) -> Result<String, XmlError> {
        let target = self.depth - 1;
        let mut out = String::new();
        while self.depth > target {
            match self.next()? {
                Ev::Text(t) => out.push_str(&t),
                Ev::Eof => return Err(XmlError::Syntax("文件意外结束".into())),
                _ => {}
            }
        }
        Ok(out)
    }
}

/// Every element named `local` in `text` (any namespace), with its attributes:
/// for flat parts such as relationships.
pub fn flat_tags(text: &str, local: &str) -> Result<Vec<Tag>, XmlError> {
    let mut x = Xml::new(text);
    let mut out = Vec::new();
    loop {
        match x.next()? {
            Ev::Open(t) if t.name == local => out.push(t),
            Ev::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// The text of the first element `ns`:`local` in `text`.
pub fn first_text(text: &str, local: &str) -> Result<Option<String>, XmlError> {
    let mut x = Xml::new(text);
    loop {
        match x.next()? {
            Ev::Open(t) if t.name == local => return x.text().map(Some),
            Ev::Eof => return Ok(None),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_by_namespace_not_prefix() {
        let text = r#"<x:document xmlns:x="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><x:t>甲&amp;乙&#x4E00;</x:t><a:t>图</a:t></x:document>"#;
        let mut x = Xml::new(text);
        let Ev::Open(doc) = x.next().unwrap() else { panic!() };
        assert!(doc.w("document"));
        let Ev::Open(t) = x.next().unwrap() else { panic!() };
        assert!(t.w("t"));
        assert_eq!(x.text().unwrap(), "甲&乙一");
        let Ev::Open(a) = x.next().unwrap() else { panic!() };
        assert!(a.is(Ns::A, "t") && !a.w("t"));
    }

    #[test]
    fn declarations_are_scoped_to_their_element() {
        let text = r#"<d xmlns="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:p="urn:other"><p:t/><e xmlns:p="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><p:t/></e><p:t/><f xmlns=""/><q:t/></d>"#;
        let mut x = Xml::new(text);
        let mut opened = Vec::new();
        loop {
            match x.next().unwrap() {
                Ev::Open(t) => opened.push((t.name, t.ns, t.attrs.len())),
                Ev::Eof => break,
                _ => {}
            }
        }
        let ns: Vec<(&str, Ns)> = opened.iter().map(|(n, ns, _)| (n.as_str(), *ns)).collect();
        assert_eq!(ns, [("d", Ns::W), ("t", Ns::Other), ("e", Ns::W), ("t", Ns::W), ("t", Ns::Other), ("f", Ns::Other), ("t", Ns::Other)]);
        assert!(opened.iter().all(|o| o.2 == 0), "declarations are not attributes: {opened:?}");
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!("{}{}", "<a>".repeat(MAX_DEPTH + 5), "</a>".repeat(MAX_DEPTH + 5));
        let mut x = Xml::new(&deep);
        let err = loop {
            match x.next() {
                Err(e) => break e,
                Ok(Ev::Eof) => panic!("no limit"),
                Ok(_) => {}
            }
        };
        assert_eq!(err, XmlError::TooDeep);
    }

    #[test]
    fn an_unclosed_element_is_an_error_not_the_end() {
        let mut x = Xml::new("<a><b>text");
        let mut last = Ok(Ev::Close);
        for _ in 0..10 {
            last = x.next();
            if last.is_err() {
                break;
            }
        }
        assert!(last.is_err(), "{last:?}");
    }

    #[test]
    fn toggles_and_values() {
        let mut x = Xml::new(r#"<r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:b w:val="0"/><w:i/></r>"#);
        x.next().unwrap();
        let Ev::Open(b) = x.next().unwrap() else { panic!() };
        assert!(!b.on());
        x.next().unwrap();
        let Ev::Open(i) = x.next().unwrap() else { panic!() };
        assert!(i.on());
    }
}
