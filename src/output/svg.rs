//! What the HTML pages share (the dashboard, `usage report --html`, `revenue --html`): text
//! escaped for HTML and SVG, and a chart's y axis. Both pages import it; neither imports the
//! other for it.

use std::fmt::Write;

/// Text made safe for HTML and SVG (element content and quoted attributes). A bidirectional
/// embedding, override or isolate (U+202A–U+202E, U+2066–U+2069) is shown as its escape
/// (`\u{202e}`) rather than obeyed, so a name like `evil\u{202e}gnp.exe` cannot reverse a
/// caption's customer id and figures; controls are dropped.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if super::bidi_control(c) => out.push_str(&c.escape_unicode().to_string()),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A chart's y axis: a gridline from `x0` to `x1` at each of `ticks` (values, placed by `y`),
/// labelled at its left by `label`.
pub(crate) fn y_grid(
    o: &mut String,
    (x0, x1): (f64, f64),
    ticks: &[f64],
    y: &dyn Fn(f64) -> f64,
    label: &dyn Fn(f64) -> String,
) {
    for &v in ticks {
        let _ = write!(
            o,
            "<line class=\"grid\" x1=\"{x0}\" x2=\"{x1}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            x0 - 6.0,
            y(v) + 4.0,
            escape(&label(v)),
            yy = y(v)
        );
    }
}
