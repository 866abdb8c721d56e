//! A small, forgiving HTML (and OPML) tokenizer: tags with decoded attributes, decoded text,
//! raw-text elements (`script`, `style`, …) kept apart so their bodies never read as markup.
//! It never fails: whatever cannot be a tag is text. Sanitizing, discovery and OPML build on it.

/// One piece of markup. Names are ASCII-lowercased; text and attribute values are entity-decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    Start {
        name: String,
        attrs: Vec<(String, String)>,
        self_closing: bool,
    },
    End {
        name: String,
    },
    Text(String),
    /// The body of a raw-text element (script, style, textarea, …), not decoded.
    Raw(String),
}

impl Token {
    /// The value of attribute `name` (lowercase) on a start tag.
    pub fn attr(&self, name: &str) -> Option<&str> {
        match self {
            Token::Start { attrs, .. } => attrs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str()),
            _ => None,
        }
    }
}

/// Elements whose content is not markup: their body runs to the matching end tag.
fn is_raw_text(tag: &str) -> bool {
    matches!(
        tag,
        "script"
            | "style"
            | "textarea"
            | "title"
            | "xmp"
            | "iframe"
            | "noembed"
            | "noframes"
            | "noscript"
    )
}

/// Splits `html` into tokens. Comments, doctypes and processing instructions are dropped;
/// CDATA sections become text.
pub fn tokenize(html: &str) -> Vec<Token> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut text_start = 0;
    let flush = |out: &mut Vec<Token>, from: usize, to: usize| {
        if to > from {
            out.push(Token::Text(decode_entities(&html[from..to])));
        }
    };
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        let rest = &html[i..];
        if rest.starts_with("<!--") {
            flush(&mut out, text_start, i);
            let end = find_from(html, i + 4, "-->").map_or(b.len(), |p| p + 3);
            i = end;
            text_start = i;
        } else if rest.starts_with("<![CDATA[") {
            flush(&mut out, text_start, i);
            let body_start = i + 9;
            let (body_end, next) =
                find_from(html, body_start, "]]>").map_or((b.len(), b.len()), |p| (p, p + 3));
            out.push(Token::Text(html[body_start..body_end].to_string()));
            i = next;
            text_start = i;
        } else if rest.starts_with("<!") || rest.starts_with("<?") {
            flush(&mut out, text_start, i);
            i = find_from(html, i + 2, ">").map_or(b.len(), |p| p + 1);
            text_start = i;
        } else if rest.starts_with("</") && b.get(i + 2).is_some_and(u8::is_ascii_alphabetic) {
            flush(&mut out, text_start, i);
            let (name, after_name) = read_name(html, i + 2);
            i = find_from(html, after_name, ">").map_or(b.len(), |p| p + 1);
            text_start = i;
            out.push(Token::End { name });
        } else if b.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            flush(&mut out, text_start, i);
            let Some((token, next)) = read_start_tag(html, i + 1) else {
                // An unterminated tag at the end of input: nothing displayable follows.
                i = b.len();
                text_start = i;
                break;
            };
            i = next;
            text_start = i;
            let raw_name = match &token {
                Token::Start {
                    name,
                    self_closing: false,
                    ..
                } if is_raw_text(name) => Some(name.clone()),
                _ => None,
            };
            out.push(token);
            if let Some(name) = raw_name {
                let end = find_ci_from(html, i, &format!("</{name}")).unwrap_or(b.len());
                if end > i {
                    out.push(Token::Raw(html[i..end].to_string()));
                }
                i = end;
                text_start = i;
            }
        } else {
            // A lone '<' (as in "a < b") is text.
            i += 1;
        }
    }
    flush(&mut out, text_start, b.len().max(text_start));
    out
}

fn find_from(s: &str, from: usize, pat: &str) -> Option<usize> {
    s.get(from..)?.find(pat).map(|p| p + from)
}

/// Case-insensitive search for an ASCII pattern.
fn find_ci_from(s: &str, from: usize, pat: &str) -> Option<usize> {
    let hay = s.as_bytes().get(from..)?;
    let pat = pat.as_bytes();
    if pat.is_empty() || hay.len() < pat.len() {
        return None;
    }
    (0..=hay.len() - pat.len())
        .find(|&p| hay[p..p + pat.len()].eq_ignore_ascii_case(pat))
        .map(|p| p + from)
}

fn is_name_byte(c: u8) -> bool {
    !(c.is_ascii_whitespace() || c == b'>' || c == b'/' || c == b'=' || c == b'<')
}

/// Reads a tag or attribute name starting at `i`; returns it lowercased and where it ended.
fn read_name(s: &str, mut i: usize) -> (String, usize) {
    let b = s.as_bytes();
    let start = i;
    while i < b.len() && is_name_byte(b[i]) {
        i += 1;
    }
    (s[start..i].to_ascii_lowercase(), i)
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// A tag keeps at most this many attributes (the rest are read past, not kept): checking each
/// new one against those kept is then bounded, where a hostile tag with 300,000 attributes
/// made it quadratic (86 s for one description).
const MAX_ATTRIBUTES: usize = 64;

/// Parses `name attr=value …>` starting just after '<'. None when the input ends first.
fn read_start_tag(s: &str, i: usize) -> Option<(Token, usize)> {
    let b = s.as_bytes();
    let (name, mut i) = read_name(s, i);
    let mut attrs: Vec<(String, String)> = Vec::new();
    let mut self_closing = false;
    loop {
        i = skip_ws(b, i);
        match *b.get(i)? {
            b'>' => {
                return Some((
                    Token::Start {
                        name,
                        attrs,
                        self_closing,
                    },
                    i + 1,
                ));
            }
            b'/' => {
                self_closing = true;
                i += 1;
                continue;
            }
            b'<' => {
                // A broken tag runs into the next one: end it here.
                return Some((
                    Token::Start {
                        name,
                        attrs,
                        self_closing,
                    },
                    i,
                ));
            }
            _ => {}
        }
        self_closing = false;
        let (attr, after) = read_name(s, i);
        i = if after == i { i + 1 } else { after };
        i = skip_ws(b, i);
        let mut value = String::new();
        if b.get(i) == Some(&b'=') {
            i = skip_ws(b, i + 1);
            match b.get(i) {
                Some(&q) if q == b'"' || q == b'\'' => {
                    let end = s[i + 1..].find(q as char).map(|p| p + i + 1)?;
                    value = decode_entities(&s[i + 1..end]);
                    i = end + 1;
                }
                Some(_) => {
                    let start = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    value = decode_entities(&s[start..i]);
                }
                None => return None,
            }
        }
        if !attr.is_empty()
            && attrs.len() < MAX_ATTRIBUTES
            && !attrs.iter().any(|(k, _)| *k == attr)
        {
            attrs.push((attr, value));
        }
    }
}

/// Named entities from ISO 8859-1, code points 160..=255 in order.
const LATIN1: [&str; 96] = [
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf",
    "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro",
    "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
    "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute",
    "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute",
    "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute",
    "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
    "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde",
    "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave", "uacute", "ucirc",
    "uuml", "yacute", "thorn", "yuml",
];

/// Other named entities common in feeds.
const OTHER: &[(&str, u32)] = &[
    ("amp", 38),
    ("lt", 60),
    ("gt", 62),
    ("quot", 34),
    ("apos", 39),
    ("OElig", 338),
    ("oelig", 339),
    ("Scaron", 352),
    ("scaron", 353),
    ("Yuml", 376),
    ("fnof", 402),
    ("circ", 710),
    ("tilde", 732),
    ("ensp", 8194),
    ("emsp", 8195),
    ("thinsp", 8201),
    ("zwnj", 8204),
    ("zwj", 8205),
    ("lrm", 8206),
    ("rlm", 8207),
    ("ndash", 8211),
    ("mdash", 8212),
    ("lsquo", 8216),
    ("rsquo", 8217),
    ("sbquo", 8218),
    ("ldquo", 8220),
    ("rdquo", 8221),
    ("bdquo", 8222),
    ("dagger", 8224),
    ("Dagger", 8225),
    ("bull", 8226),
    ("hellip", 8230),
    ("permil", 8240),
    ("prime", 8242),
    ("Prime", 8243),
    ("lsaquo", 8249),
    ("rsaquo", 8250),
    ("euro", 8364),
    ("trade", 8482),
    ("larr", 8592),
    ("uarr", 8593),
    ("rarr", 8594),
    ("darr", 8595),
    ("harr", 8596),
    ("minus", 8722),
    ("infin", 8734),
    ("ne", 8800),
    ("le", 8804),
    ("ge", 8805),
    ("hearts", 9829),
];

fn named_entity(name: &str) -> Option<char> {
    if let Some(p) = LATIN1.iter().position(|n| *n == name) {
        return char::from_u32(160 + p as u32);
    }
    OTHER
        .iter()
        .find(|(n, _)| *n == name)
        .and_then(|(_, c)| char::from_u32(*c))
}

/// Replaces `&name;`, `&#123;` and `&#x7b;` with their characters; unknown or broken
/// references stay as written.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest[1..]
            .char_indices()
            .take(32)
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '#'))
            .map(|(p, c)| (p + 1, c));
        let decoded = match end {
            Some((p, ';')) => decode_reference(&rest[1..p]).map(|c| (c, p + 1)),
            // Legacy documents omit the ';' after common entities.
            Some((p, _)) => decode_reference(&rest[1..p]).map(|c| (c, p)),
            None => decode_reference(&rest[1..]).map(|c| (c, rest.len())),
        };
        match decoded {
            Some((c, used)) => {
                out.push(c);
                rest = &rest[used..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_reference(r: &str) -> Option<char> {
    if let Some(num) = r.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse::<u32>().ok()?,
        };
        // Windows-1252 code points that feeds send as numeric references.
        let code = match code {
            0x91 => 0x2018,
            0x92 => 0x2019,
            0x93 => 0x201C,
            0x94 => 0x201D,
            0x96 => 0x2013,
            0x97 => 0x2014,
            0x85 => 0x2026,
            0 => 0xFFFD,
            c => c,
        };
        return Some(char::from_u32(code).unwrap_or('\u{FFFD}'));
    }
    if r.is_empty() {
        return None;
    }
    named_entity(r)
}

/// Escapes text for HTML element content or a double-quoted attribute. The characters to
/// escape are ASCII, so the text between them is copied a run at a time.
pub fn escape(s: &str, out: &mut String) {
    let mut from = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => continue,
        };
        out.push_str(&s[from..i]);
        out.push_str(entity);
        from = i + 1;
    }
    out.push_str(&s[from..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_attributes_and_text() {
        let t = tokenize(r#"<p class=x>Hi &amp; <a HREF='/a?b=1&amp;c=2'>there</a></p>"#);
        assert_eq!(t[0].attr("class"), Some("x"));
        assert_eq!(t[1], Token::Text("Hi & ".into()));
        assert_eq!(t[2].attr("href"), Some("/a?b=1&c=2"));
        assert_eq!(t[4], Token::End { name: "a".into() });
    }

    #[test]
    fn script_body_is_raw_and_comments_vanish() {
        let t = tokenize("a<script>if (a<b) {x='</p>'}</SCRIPT><!-- <b>c</b> -->d");
        assert_eq!(t[2], Token::Raw("if (a<b) {x='</p>'}".into()));
        assert_eq!(t.last(), Some(&Token::Text("d".into())));
        assert!(
            !t.iter()
                .any(|x| matches!(x, Token::Start { name, .. } if name == "b"))
        );
    }

    #[test]
    fn broken_markup_never_panics() {
        for s in [
            "<",
            "<a",
            "<a href=\"x",
            "&#xFFFFFFFF;",
            "&",
            "<!--",
            "</",
            "<p/",
            "é<é>&é;",
        ] {
            let _ = tokenize(s);
        }
        assert_eq!(
            decode_entities("&eacute;&#233;&#xE9;&bogus;&amp"),
            "ééé&bogus;&"
        );
        assert_eq!(tokenize("a < b"), vec![Token::Text("a < b".into())]);
    }
}
