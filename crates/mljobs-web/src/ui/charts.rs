//! Server-side SVG charts: salary distributions (P10–P90 whiskers, P25–P75 box, median), bars
//! (shares) and lines (trends). Each chart is an `<svg role="img">` with a `<title>` and a `<desc>`
//! that says in words what it shows; pages put the same numbers in a table beside it. Labels are
//! escaped here; the output is trusted markup for the templates. Deterministic (no fonts measured,
//! no randomness), so the same data draw the same bytes.

use std::fmt::Write;

use html_escape::encode_text;

/// Okabe–Ito colours (distinguishable with colour-blindness), on white.
const PALETTE: [&str; 6] = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];
const INK: &str = "#1f2933";
const MUTED: &str = "#52606d";
const GRID: &str = "#d9e2ec";

/// One distribution row: label, P10, P25, median, P75, P90 and how many salaries.
pub struct BoxRow {
    /// Group label.
    pub label: String,
    /// Percentiles (USD).
    pub p10: f64,
    /// 25th.
    pub p25: f64,
    /// Median.
    pub median: f64,
    /// 75th.
    pub p75: f64,
    /// 90th.
    pub p90: f64,
    /// Salaries in the group.
    pub count: usize,
}

impl BoxRow {
    /// The row of a salary distribution.
    pub fn of(label: String, d: &mljobs_core::survey::Distribution) -> BoxRow {
        BoxRow { label, p10: d.p10, p25: d.p25, median: d.median, p75: d.p75, p90: d.p90, count: d.count }
    }

    /// P10, P25, median, P75, P90 as "$152k".
    pub fn cells(&self) -> [String; 5] {
        [self.p10, self.p25, self.median, self.p75, self.p90].map(usd_k)
    }
}

/// Postings stating pay a group needs before its pay is shown (the API's pay trend uses the same).
pub const MIN_PAY: usize = 10;

/// The box row of stated pays (annual USD) when there are [`MIN_PAY`] or more.
pub fn pay_box<'a>(label: String, pays: impl IntoIterator<Item = &'a f32>) -> Option<BoxRow> {
    let v: Vec<f64> = pays.into_iter().map(|&x| f64::from(x)).collect();
    if v.len() < MIN_PAY {
        return None;
    }
    mljobs_core::survey::Distribution::of(v).map(|d| BoxRow::of(label, &d))
}

/// Box rows of each value's stated pays over all periods (a trend's `pay`), those with
/// [`MIN_PAY`] or more, in `order` (values not in it after, most postings first), at most `top`.
pub fn pay_rows(pay: &std::collections::BTreeMap<String, Vec<Vec<f32>>>, order: &[String], top: usize, label: impl Fn(&str) -> String) -> Vec<BoxRow> {
    let mut rows: Vec<(usize, BoxRow)> = pay
        .iter()
        .filter_map(|(value, periods)| {
            let row = pay_box(label(value), periods.iter().flatten())?;
            Some((order.iter().position(|o| o == value).unwrap_or(usize::MAX), row))
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.count.cmp(&a.1.count)));
    rows.into_iter().take(top).map(|r| r.1).collect()
}

/// "$152k" (thousands of US dollars, rounded); below $1,000 in tens of dollars ("$340").
pub fn usd_k(x: f64) -> String {
    if x >= 1_000_000.0 {
        format!("${:.1}M", x / 1_000_000.0)
    } else if x >= 999.5 {
        format!("${:.0}k", x / 1000.0)
    } else {
        format!("${:.0}", (x / 10.0).round() * 10.0)
    }
}

/// Width of the label column: the longest label at the charts' 13 px font (about 7.4 px a
/// character, wide enough for capitals) plus a gap, so no label is cut at the left edge; long
/// labels take room from the plot, up to 45 % of the chart.
fn label_width<'a>(labels: impl Iterator<Item = &'a str>) -> f64 {
    let longest = labels.map(|l| l.chars().count()).max().unwrap_or(0) as f64;
    (longest * 7.4 + 18.0).clamp(60.0, 720.0 * 0.45)
}

fn open(out: &mut String, id: &str, width: u32, height: u32, title: &str, desc: &str) {
    let _ = write!(
        out,
        r#"<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" aria-labelledby="{id}-t {id}-d" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="13"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        encode_text(title),
        encode_text(desc)
    );
}

/// A round step for an axis from 0 to `max` with about `ticks` ticks.
fn nice_step(max: f64, ticks: f64) -> f64 {
    let raw = (max / ticks).max(1e-9);
    let mag = 10f64.powf(raw.log10().floor());
    let n = raw / mag;
    mag * if n <= 1.0 {
        1.0
    } else if n <= 2.0 {
        2.0
    } else if n <= 2.5 {
        2.5
    } else if n <= 5.0 {
        5.0
    } else {
        10.0
    }
}

/// Salary distributions as horizontal box plots, one row per group.
pub fn salary_boxes(id: &str, title: &str, rows: &[BoxRow]) -> String {
    let (label_w, right_w, row_h, top, bottom) = (label_width(rows.iter().map(|r| r.label.as_str())), 70.0, 30.0, 10.0, 34.0);
    let width = 720.0;
    let height = top + bottom + row_h * rows.len().max(1) as f64;
    let max = rows.iter().map(|r| r.p90).fold(0.0, f64::max).max(1.0);
    let step = nice_step(max, 5.0);
    let axis_max = (max / step).ceil() * step;
    let plot_w = width - label_w - right_w;
    let x = |v: f64| label_w + plot_w * (v / axis_max);
    let desc = if rows.is_empty() {
        "No group has enough salaries to show.".to_string()
    } else {
        let parts: Vec<String> = rows
            .iter()
            .map(|r| {
                format!(
                    "{}: median {}, middle half {}–{}, P10–P90 {}–{} ({} salaries)",
                    r.label,
                    usd_k(r.median),
                    usd_k(r.p25),
                    usd_k(r.p75),
                    usd_k(r.p10),
                    usd_k(r.p90),
                    r.count
                )
            })
            .collect();
        format!("Annual salary in US dollars. {}.", parts.join("; "))
    };
    let mut out = String::new();
    open(&mut out, id, width as u32, height as u32, title, &desc);
    let axis_y = top + row_h * rows.len() as f64;
    let mut t = 0.0;
    while t <= axis_max + 1e-6 {
        let _ = write!(
            out,
            r#"<line x1="{0:.1}" x2="{0:.1}" y1="{top}" y2="{axis_y}" stroke="{GRID}"/><text x="{0:.1}" y="{1:.1}" text-anchor="middle" fill="{MUTED}">{2}</text>"#,
            x(t),
            axis_y + 18.0,
            usd_k(t)
        );
        t += step;
    }
    for (i, r) in rows.iter().enumerate() {
        let y = top + row_h * i as f64 + row_h / 2.0;
        let colour = PALETTE[0];
        let _ = write!(
            out,
            r#"<g><title>{label}: median {median}, P25–P75 {p25}–{p75}, P10–P90 {p10}–{p90}, {n} salaries</title><text x="{lx:.1}" y="{ty:.1}" text-anchor="end" fill="{INK}">{label}</text><line x1="{a:.1}" x2="{b:.1}" y1="{y:.1}" y2="{y:.1}" stroke="{colour}" stroke-width="2"/><rect x="{c:.1}" y="{by:.1}" width="{bw:.1}" height="14" fill="{colour}" fill-opacity="0.25" stroke="{colour}"/><line x1="{m:.1}" x2="{m:.1}" y1="{my1:.1}" y2="{my2:.1}" stroke="{INK}" stroke-width="3"/><text x="{rx:.1}" y="{ty:.1}" fill="{INK}" font-weight="600">{median}</text></g>"#,
            label = encode_text(&r.label),
            median = usd_k(r.median),
            p25 = usd_k(r.p25),
            p75 = usd_k(r.p75),
            p10 = usd_k(r.p10),
            p90 = usd_k(r.p90),
            n = r.count,
            lx = label_w - 10.0,
            ty = y + 4.5,
            a = x(r.p10),
            b = x(r.p90),
            c = x(r.p25),
            by = y - 7.0,
            bw = (x(r.p75) - x(r.p25)).max(1.0),
            m = x(r.median),
            my1 = y - 9.0,
            my2 = y + 9.0,
            rx = width - right_w + 8.0,
        );
    }
    out.push_str("</svg>");
    out
}

/// Horizontal bars of shares (0–1), one per item, with the share written at the bar's end.
pub fn share_bars(id: &str, title: &str, what: &str, items: &[(String, f64)]) -> String {
    let (label_w, row_h, top) = (label_width(items.iter().map(|i| i.0.as_str())), 24.0, 6.0);
    let width = 720.0;
    let height = top * 2.0 + row_h * items.len().max(1) as f64;
    let max = items.iter().map(|i| i.1).fold(0.0, f64::max).max(1e-9);
    let plot_w = width - label_w - 60.0;
    let desc = if items.is_empty() {
        format!("No {what} yet.")
    } else {
        let parts: Vec<String> = items.iter().map(|(l, v)| format!("{l} {:.0}%", v * 100.0)).collect();
        format!("Share of {what}: {}.", parts.join(", "))
    };
    let mut out = String::new();
    open(&mut out, id, width as u32, height as u32, title, &desc);
    for (i, (label, v)) in items.iter().enumerate() {
        let y = top + row_h * i as f64;
        let w = (plot_w * v / max).max(1.0);
        let _ = write!(
            out,
            r#"<g><text x="{lx:.1}" y="{ty:.1}" text-anchor="end" fill="{INK}">{label}</text><rect x="{label_w}" y="{ry:.1}" width="{w:.1}" height="16" rx="2" fill="{c}"/><text x="{vx:.1}" y="{ty:.1}" fill="{INK}">{pct:.0}%</text></g>"#,
            lx = label_w - 10.0,
            ty = y + 16.0,
            label = encode_text(label),
            ry = y + 4.0,
            c = PALETTE[0],
            vx = label_w + w + 6.0,
            pct = v * 100.0,
        );
    }
    out.push_str("</svg>");
    out
}

/// Lines over categories on x (years), values as shares (0–1); a legend names the series.
pub fn share_lines(id: &str, title: &str, xs: &[String], series: &[(String, Vec<f64>)]) -> String {
    let (left, right, top, bottom) = (56.0, 170.0, 14.0, 34.0);
    let (width, height) = (720.0, 300.0);
    let max = series.iter().flat_map(|s| s.1.iter().copied()).fold(0.0, f64::max).max(0.01);
    let step = nice_step(max, 4.0);
    let axis_max = (max / step).ceil() * step;
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let x = |i: usize| if xs.len() <= 1 { left + plot_w / 2.0 } else { left + plot_w * i as f64 / (xs.len() - 1) as f64 };
    let y = |v: f64| top + plot_h * (1.0 - v / axis_max);
    let desc = if series.is_empty() || xs.is_empty() {
        "Not enough dated postings to show a trend.".to_string()
    } else {
        let parts: Vec<String> = series
            .iter()
            .map(|(name, vs)| {
                let points: Vec<String> = xs.iter().zip(vs).map(|(x, v)| format!("{x} {:.0}%", v * 100.0)).collect();
                format!("{name}: {}", points.join(", "))
            })
            .collect();
        format!("{title}. {}.", parts.join("; "))
    };
    let mut out = String::new();
    open(&mut out, id, width as u32, height as u32, title, &desc);
    let mut t = 0.0;
    while t <= axis_max + 1e-9 {
        let _ = write!(
            out,
            r#"<line x1="{left}" x2="{x2}" y1="{yy:.1}" y2="{yy:.1}" stroke="{GRID}"/><text x="{tx}" y="{ty:.1}" text-anchor="end" fill="{MUTED}">{pct:.0}%</text>"#,
            x2 = left + plot_w,
            yy = y(t),
            tx = left - 8.0,
            ty = y(t) + 4.0,
            pct = t * 100.0
        );
        t += step;
    }
    for (i, label) in xs.iter().enumerate() {
        let _ = write!(out, r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="{MUTED}">{}</text>"#, x(i), height - bottom + 20.0, encode_text(label));
    }
    for (k, (name, values)) in series.iter().enumerate() {
        let c = PALETTE[k % PALETTE.len()];
        let points: Vec<String> = values.iter().enumerate().map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v))).collect();
        let _ = write!(out, r#"<g><title>{}</title><polyline points="{}" fill="none" stroke="{c}" stroke-width="2.5"/>"#, encode_text(name), points.join(" "));
        for (i, v) in values.iter().enumerate() {
            let _ = write!(out, r#"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="{c}"/>"#, x(i), y(*v));
        }
        let ly = top + 8.0 + 22.0 * k as f64;
        let _ = write!(
            out,
            r#"<line x1="{a:.1}" x2="{b:.1}" y1="{ly:.1}" y2="{ly:.1}" stroke="{c}" stroke-width="3"/><text x="{tx:.1}" y="{ty:.1}" fill="{INK}">{name}</text></g>"#,
            a = width - right + 14.0,
            b = width - right + 34.0,
            tx = width - right + 40.0,
            ty = ly + 4.0,
            // The legend has room for about 18 characters; the line's <title> has the full name.
            name = encode_text(&if name.chars().count() > 18 { format!("{}…", name.chars().take(17).collect::<String>().trim_end()) } else { name.clone() })
        );
    }
    out.push_str("</svg>");
    out
}

/// Signed contributions (log-scale % effects) as bars left or right of zero.
pub fn contributions(id: &str, title: &str, items: &[(String, f64, String)]) -> String {
    let (label_w, row_h, top) = (label_width(items.iter().map(|i| i.0.as_str())), 26.0, 6.0);
    let width = 720.0;
    let height = top * 2.0 + row_h * items.len().max(1) as f64;
    let max = items.iter().map(|i| i.1.abs()).fold(0.0, f64::max).max(1.0);
    // Room for the figures beside each bar; bars go left of zero only when some effect is negative.
    let text_w = 130.0;
    let negatives = items.iter().any(|i| i.1 < 0.0);
    let (zero, half) = if negatives {
        let half = (width - label_w - 2.0 * text_w) / 2.0;
        (label_w + text_w + half, half)
    } else {
        (label_w + 10.0, width - label_w - 10.0 - text_w)
    };
    let parts: Vec<String> = items.iter().map(|(l, v, usd)| format!("{l} {v:+.1}% ({usd})")).collect();
    let desc = format!("Effect of each factor on the estimate, against the model's baseline: {}.", parts.join(", "));
    let mut out = String::new();
    open(&mut out, id, width as u32, height as u32, title, &desc);
    let _ = write!(out, r#"<line x1="{zero}" x2="{zero}" y1="0" y2="{height}" stroke="{MUTED}"/>"#);
    for (i, (label, v, usd)) in items.iter().enumerate() {
        let y = top + row_h * i as f64;
        let w = (half * v.abs() / max).max(1.0);
        let (x0, c, anchor, tx) = if *v >= 0.0 { (zero, PALETTE[2], "start", zero + w + 6.0) } else { (zero - w, PALETTE[1], "end", zero - w - 6.0) };
        let _ = write!(
            out,
            r#"<g><text x="{lx:.1}" y="{ty:.1}" text-anchor="end" fill="{INK}">{label}</text><rect x="{x0:.1}" y="{ry:.1}" width="{w:.1}" height="16" rx="2" fill="{c}"/><text x="{tx:.1}" y="{ty:.1}" text-anchor="{anchor}" fill="{INK}">{v:+.1}% · {usd}</text></g>"#,
            lx = label_w - 10.0,
            ty = y + 17.0,
            label = encode_text(label),
            ry = y + 5.0,
            usd = encode_text(usd),
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_label_column_fits_the_longest_label() {
        let long = "Natural language processing";
        let svg = share_bars("s", "Skills", "postings", &[(long.into(), 0.5), ("SQL".into(), 0.2)]);
        let x: f64 = svg.split(r#"<text x=""#).nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
        assert!(x >= long.len() as f64 * 7.0, "the label ends at {x}: it would be cut at the left");
        let rows = [BoxRow { label: "Machine Learning Engineer".into(), p10: 1.0, p25: 2.0, median: 3.0, p75: 4.0, p90: 5.0, count: 9 }];
        let svg = salary_boxes("b", "Pay", &rows);
        let lx: f64 =
            svg.split(r#"text-anchor="end" fill=""#).next().unwrap().rsplit(r#"<text x=""#).next().unwrap().split('"').next().unwrap().parse().unwrap();
        assert!(lx >= 25.0 * 7.0, "{lx}");
    }

    #[test]
    fn charts_escape_labels_and_describe_their_numbers() {
        let rows =
            [BoxRow { label: "<script>alert(1)</script>".into(), p10: 50_000.0, p25: 80_000.0, median: 100_000.0, p75: 130_000.0, p90: 170_000.0, count: 42 }];
        let svg = salary_boxes("c1", "Pay & level", &rows);
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains("Pay &amp; level"));
        assert!(svg.contains("median $100k, middle half $80k–$130k, P10–P90 $50k–$170k (42 salaries)"), "{svg}");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        let bars = share_bars("c2", "Skills", "postings", &[("Python".into(), 0.62), ("SQL".into(), 0.4)]);
        assert!(bars.contains("Python 62%, SQL 40%"), "{bars}");
        let lines = share_lines("c3", "Trend", &["2023".into(), "2024".into()], &[("PyTorch".into(), vec![0.1, 0.2])]);
        assert!(lines.contains("PyTorch: 2023 10%, 2024 20%"), "{lines}");
        assert_eq!(usd_k(152_340.0), "$152k");
        assert_eq!(usd_k(337.0), "$340");
        let c = contributions("c4", "Factors", &[("Experience".into(), 17.0, "+$26k".into()), ("Location".into(), -5.0, "−$8k".into())]);
        assert!(c.contains("Experience +17.0% (+$26k), Location -5.0% (−$8k)"), "{c}");
        assert_eq!(nice_step(170_000.0, 5.0), 50_000.0);
    }
}
