//! What the HTML pages share (the dashboard, `usage report --html`, `revenue --html`): text
//! escaped for HTML and SVG, and a chart's y axis. Both pages import it; neither imports the
//! other for it.

use std::fmt::Write;

/// Text made safe for HTML and SVG (element content and quoted attributes). What a terminal
/// is never sent raw ([`super::unsafe_char`]: C0 and C1 controls, newlines included, DEL, and
/// the bidirectional controls) is shown as its escape (`\u{1b}`, `\u{202e}`), as in a table,
/// rather than dropped or obeyed: a name like `evil\u{202e}gnp.exe` cannot reverse a caption's
/// customer id and figures, and the page shows what the terminal shows.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if super::unsafe_char(c) => out.push_str(&c.escape_unicode().to_string()),
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
