//! The SVG drawing of a usage chart (the dashboard's and `usage report --html`'s): the plot
//! box, the x axis of days, the daily bars, the quota line and the step line with its
//! projection; and the grid helpers the webhook chart shares.

use super::dashboard::{count, reached_text, DAY};
use super::svg::{escape, y_grid};
use crate::domain::money::group;
use crate::domain::time::utc_date;
use crate::domain::usage::series::{QuotaReached, Series};
use std::fmt::Write;

/// Five gridlines, from 0 to `top` in quarters.
pub(super) fn quarters(top: f64) -> [f64; 5] {
    [0.0, top / 4.0, top / 2.0, top * 3.0 / 4.0, top]
}

/// A chart's y axis title, turned on its side beside the axis, centred at `mid`.
pub(super) fn y_title(o: &mut String, mid: f64, title: &str) {
    let _ = write!(
        o,
        "<text class=\"axis-title\" transform=\"translate(14 {mid:.1}) rotate(-90)\" text-anchor=\"middle\">{}</text>",
        escape(title)
    );
}

/// A round number at or above `v`: 1, 2, 2.5 or 5 times a power of ten.
pub(super) fn nice(v: f64) -> f64 {
    if v <= 1.0 {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * p >= v {
            return m * p;
        }
    }
    10.0 * p
}

/// One customer's period: cumulative step line, daily bars (their own scale, the lower
/// quarter of the plot), quota line, today, projection, and where the quota is reached.
pub(super) fn usage_svg(id: &str, title: &str, s: &Series) -> String {
    let (w, h) = (720.0, 250.0);
    let projected = s.projection.map_or(0, |(_, (_, v))| v);
    let top = nice((s.used.max(projected).max(0) as f64).max(s.quota.unwrap_or(0) as f64) * 1.05);
    let p = Plot {
        x0: 70.0,
        y0: 14.0,
        x1: 700.0,
        y1: 206.0,
        from: s.from,
        span: ((s.to - s.from) as f64).max(1.0),
        top,
    };
    let (x0, y0, x1, y1) = (p.x0, p.y0, p.x1, p.y1);
    let mut o = String::with_capacity(6_000);
    let _ = write!(
        o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"usage-chart\" id=\"{id}\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"{id}-t\" data-from=\"{}\" data-to=\"{}\" data-end=\"{}\" data-ymax=\"{top}\" data-plot=\"{x0} {y0} {x1} {y1}\"><title id=\"{id}-t\">{}</title>",
        s.from,
        s.to,
        s.end,
        escape(title)
    );
    y_grid(&mut o, (x0, x1), &quarters(top), &|v| p.y(v), &|v| {
        group(v.round() as u64)
    });
    y_title(&mut o, (y0 + y1) / 2.0, "API calls, cumulative");
    x_axis(&mut o, &p, s, h);
    day_bars(&mut o, &p, s);
    quota_line(&mut o, &p, s);
    usage_lines(&mut o, &p, s);
    o.push_str("</svg>");
    o
}

/// A usage chart's plot box and scales: time across, calls up.
pub(super) struct Plot {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    from: i64,
    span: f64,
    top: f64,
}

impl Plot {
    fn x(&self, t: i64) -> f64 {
        self.x0 + ((t - self.from) as f64 / self.span).clamp(0.0, 1.0) * (self.x1 - self.x0)
    }

    fn y(&self, v: f64) -> f64 {
        self.y1 - (v / self.top).clamp(0.0, 1.0) * (self.y1 - self.y0)
    }
}

/// The x axis: the period's first day and every seventh after it, and its end.
pub(super) fn x_axis(o: &mut String, p: &Plot, s: &Series, h: f64) {
    let (x0, x1, y1) = (p.x0, p.x1, p.y1);
    let mut t = s.from;
    while t < s.to {
        let _ = write!(
            o,
            "<line class=\"grid\" x1=\"{xx:.1}\" x2=\"{xx:.1}\" y1=\"{y1}\" y2=\"{:.1}\"/><text x=\"{xx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            y1 + 4.0,
            y1 + 16.0,
            &utc_date(t)[5..],
            xx = p.x(t)
        );
        t = t.saturating_add(7 * DAY);
    }
    let _ = write!(
        o,
        "<text x=\"{x1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text><text class=\"axis-title\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">day (UTC)</text>",
        y1 + 30.0,
        utc_date(s.to),
        (x0 + x1) / 2.0,
        h - 4.0
    );
}

/// Daily bars, on a scale of their own: the busiest day fills a quarter of the plot.
pub(super) fn day_bars(o: &mut String, p: &Plot, s: &Series) {
    let (x0, y0, y1) = (p.x0, p.y0, p.y1);
    let busiest = s.days.iter().map(|&(_, q)| q).max().unwrap_or(0).max(1) as f64;
    o.push_str("<g class=\"days\">");
    for &(day, q) in &s.days {
        let (a, b) = (p.x(day.max(s.from)), p.x(day.saturating_add(DAY).min(s.to)));
        let bh = (q.max(0) as f64 / busiest) * (y1 - y0) / 4.0;
        let _ = write!(
            o,
            "<rect class=\"day-bar\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" data-day=\"{day}\" data-value=\"{q}\"><title>{}: {}</title></rect>",
            a + 0.5,
            y1 - bh,
            (b - a - 1.0).max(0.5),
            utc_date(day),
            count(q)
        );
    }
    o.push_str("</g>");
    if !s.days.is_empty() {
        let _ = write!(
            o,
            "<text class=\"axis-title\" x=\"{:.1}\" y=\"{:.1}\">bars: calls per day, own scale (busiest {})</text>",
            x0 + 4.0,
            y1 - (y1 - y0) / 4.0 - 4.0,
            count(busiest as i64)
        );
    }
}

/// The quota, a dashed line across.
pub(super) fn quota_line(o: &mut String, p: &Plot, s: &Series) {
    let (x0, x1) = (p.x0, p.x1);
    if let Some(q) = s.quota {
        let qy = p.y(q as f64);
        let _ = write!(
            o,
            "<line class=\"quota\" x1=\"{x0}\" x2=\"{x1}\" y1=\"{qy:.1}\" y2=\"{qy:.1}\" stroke-dasharray=\"4 3\" data-value=\"{q}\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">quota {}</text>",
            x1 - 2.0,
            qy - 4.0,
            group(q)
        );
    }
}

/// The cumulative line, the projection to the period end with the "today" marker, and the
/// point where the quota was or would be reached.
pub(super) fn usage_lines(o: &mut String, p: &Plot, s: &Series) {
    let (y0, y1) = (p.y0, p.y1);
    let points: Vec<String> = s
        .steps
        .iter()
        .map(|&(t, v)| format!("{:.1},{:.1}", p.x(t), p.y(v as f64)))
        .collect();
    let _ = write!(
        o,
        "<polyline class=\"cumulative\" points=\"{}\"><title>used: {}</title></polyline>",
        points.join(" "),
        count(s.used)
    );
    if let Some(((ta, va), (tb, vb))) = s.projection {
        let _ = write!(
            o,
            "<polyline class=\"projection\" stroke-dasharray=\"6 4\" points=\"{:.1},{:.1} {:.1},{:.1}\"><title>projected to the period end at the current rate: {}</title></polyline>",
            p.x(ta),
            p.y(va as f64),
            p.x(tb),
            p.y(vb as f64),
            count(vb)
        );
        let tx = p.x(s.end);
        let _ = write!(
            o,
            "<line class=\"today\" x1=\"{tx:.1}\" x2=\"{tx:.1}\" y1=\"{y0}\" y2=\"{y1}\" stroke-dasharray=\"2 2\" data-t=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\">today</text>",
            s.end,
            tx + 3.0,
            y0 + 10.0
        );
    }
    if let (Some(q), Some(r)) = (s.quota, s.quota_reached) {
        let t = match r {
            QuotaReached::Reached(t) | QuotaReached::Projected(t) => t,
        };
        let (cx, cy) = (p.x(t.max(s.from)), p.y(q as f64));
        let _ = write!(
            o,
            "<circle class=\"quota-reached\" cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"4\" data-t=\"{t}\"><title>quota {}</title></circle>",
            reached_text(Some(r))
        );
    }
}
