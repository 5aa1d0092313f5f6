//! Which characters never reach a terminal raw, and the one JSON writer of everything billctl
//! prints or serves as JSON (documents, JSON Lines, log lines, HTTP bodies): serde_json's text,
//! with those characters escaped in strings.

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};
use std::io::{self, Write};

/// Whether `c` must never reach a terminal raw: C0 and C1 controls (ESC, BEL, CR, CSI
/// U+009B, ...), DEL, and Unicode's bidirectional controls ([`bidi_control`]), which reorder
/// what follows them on screen. The one rule of every format: tables, lines, CSV on a
/// terminal, clap's errors, JSON (as `\u009b`) and the HTML pages escape the same set.
pub fn unsafe_char(c: char) -> bool {
    c.is_control() || bidi_control(c)
}

/// Unicode's `Bidi_Control` characters (PropList.txt): the Arabic letter mark U+061C, the
/// left-to-right and right-to-left marks U+200E and U+200F, the embeddings and overrides
/// U+202A–U+202E and the isolates U+2066–U+2069. Shown, never obeyed.
pub fn bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Text from outside (names, emails, ids, event types, reasons, import lines, anything from
/// Stripe, webhooks, files, the store or receivers) made safe for a terminal: every unsafe
/// character (controls, and bidi overrides and isolates), newlines included, is shown escaped (`\u{1b}`), never sent
/// raw. JSON output never passes through here: it stays exact.
pub fn clean(text: &str) -> std::borrow::Cow<'_, str> {
    escape_where(text, unsafe_char)
}

/// A whole message made safe for a terminal at the output path: as [`clean`], but its own
/// line breaks (a message and its hint) are kept.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    escape_where(text, |c| c != '\n' && unsafe_char(c))
}

fn escape_where(text: &str, bad: impl Fn(char) -> bool) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(&bad) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| {
            if bad(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

/// `value` as JSON text, indented when `pretty`. serde_json escapes C0 controls; this also
/// escapes DEL, the C1 controls (U+0080–U+009F) and Unicode's bidirectional controls as
/// `\u009b`, `\u202e`: what [`unsafe_char`] names, so the document is as safe on a
/// terminal as a table. The escapes are JSON's own, so a reader gets every string exactly.
pub fn json_text<T: Serialize + ?Sized>(value: &T, pretty: bool) -> serde_json::Result<String> {
    let mut buf = Vec::with_capacity(256);
    if pretty {
        let mut ser =
            serde_json::Serializer::with_formatter(&mut buf, Safe(PrettyFormatter::new()));
        value.serialize(&mut ser)?;
    } else {
        let mut ser = serde_json::Serializer::with_formatter(&mut buf, Safe(CompactFormatter));
        value.serialize(&mut ser)?;
    }
    // serde_json writes UTF-8, and every escape written here is ASCII.
    String::from_utf8(buf).map_err(serde::ser::Error::custom)
}

/// A formatter as `F`, whose unescaped string pieces have their unsafe characters escaped.
struct Safe<F>(F);

/// `fragment` (a piece of a string that serde_json left unescaped), with every unsafe
/// character written as `\uXXXX` (all of them are in the Basic Multilingual Plane).
fn write_fragment<W: ?Sized + Write>(w: &mut W, fragment: &str) -> io::Result<()> {
    // Every unsafe character is DEL or beyond ASCII: plain ASCII goes out as it is.
    if fragment.bytes().all(|b| b < 0x7f) {
        return w.write_all(fragment.as_bytes());
    }
    let mut start = 0;
    for (i, c) in fragment.char_indices() {
        if unsafe_char(c) {
            w.write_all(&fragment.as_bytes()[start..i])?;
            write!(w, "\\u{:04x}", u32::from(c))?;
            start = i + c.len_utf8();
        }
    }
    w.write_all(&fragment.as_bytes()[start..])
}

impl<F: Formatter> Formatter for Safe<F> {
    fn write_string_fragment<W: ?Sized + Write>(&mut self, w: &mut W, s: &str) -> io::Result<()> {
        write_fragment(w, s)
    }

    // The layout is `F`'s (PrettyFormatter's indentation, or none).
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every unsafe character is escaped, in values and keys, compact and pretty, and the text
    /// parses back to the very same strings; other text (ASCII, accents, emoji) is untouched.
    #[test]
    fn unsafe_characters_are_escaped_and_read_back_exactly() {
        let hostile = "a\u{1b}]52;c;SGk=\u{7}\u{7f}\u{85}\u{9b}31m\u{61c}\u{200e}\u{200f}\u{202a}\u{202e}\u{2066}\u{2069}é😀";
        let doc = serde_json::json!({ hostile: [hostile, {"k": hostile}] });
        for pretty in [false, true] {
            let text = json_text(&doc, pretty).unwrap();
            assert!(
                !text.chars().any(|c| c != '\n' && super::unsafe_char(c)),
                "{text}"
            );
            assert!(
                text.contains("\\u009b31m\\u061c\\u200e\\u200f\\u202a\\u202e\\u2066\\u2069é😀"),
                "{text}"
            );
            assert!(
                text.contains("\\u001b]52;c;SGk=\\u0007\\u007f\\u0085"),
                "{text}"
            );
            let back: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(back, doc);
        }
        assert_eq!(
            json_text(&doc, true).unwrap().lines().count(),
            serde_json::to_string_pretty(&doc).unwrap().lines().count()
        );
        assert_eq!(json_text("plain é", false).unwrap(), "\"plain é\"");
    }
}
