//! A small SVG of accuracy against diversity over the dial's steps (`eval --dial-svg FILE`),
//! drawn from the same rows the table prints, for `docs/recommender.md`.

use super::DialRow;
use std::fmt::Write as _;

const W: f64 = 480.0;
const H: f64 = 300.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = 50.0;

/// Rounds the axis out to a step of `unit`, with a little room when all points are equal.
fn bounds(values: impl Iterator<Item = f64>, unit: f64) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
    if lo > hi {
        return (0.0, 1.0);
    }
    let lo = (lo / unit).floor() * unit;
    let hi = ((hi / unit).ceil() * unit).max(lo + unit);
    (lo, hi)
}

/// AUC (y) against the top 10's intra-list diversity (x), one labelled point per step, the
/// default step filled.
pub fn svg(rows: &[DialRow]) -> String {
    let (x0, x1) = bounds(rows.iter().map(|r| r.intra_list_diversity), 0.02);
    let (y0, y1) = bounds(rows.iter().map(|r| r.all.auc), 0.01);
    let px = |x: f64| LEFT + (x - x0) / (x1 - x0) * (W - LEFT - RIGHT);
    let py = |y: f64| H - BOTTOM - (y - y0) / (y1 - y0) * (H - TOP - BOTTOM);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" \
         font-family=\"sans-serif\" font-size=\"11\">"
    );
    let _ = writeln!(s, "<rect width=\"{W}\" height=\"{H}\" fill=\"white\"/>");
    let _ = writeln!(
        s,
        "<path d=\"M{LEFT} {TOP} V{b} H{r}\" stroke=\"#444\" fill=\"none\"/>",
        b = H - BOTTOM,
        r = W - RIGHT
    );
    for (v, at) in [(x0, px(x0)), (x1, px(x1))] {
        let _ = writeln!(
            s,
            "<text x=\"{at:.1}\" y=\"{y:.1}\" text-anchor=\"middle\">{v:.2}</text>",
            y = H - BOTTOM + 15.0
        );
    }
    for (v, at) in [(y0, py(y0)), (y1, py(y1))] {
        let _ = writeln!(
            s,
            "<text x=\"{x:.1}\" y=\"{at:.1}\" text-anchor=\"end\">{v:.2}</text>",
            x = LEFT - 6.0
        );
    }
    let _ = writeln!(
        s,
        "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"middle\">intra-list diversity of the top 10 \
         (mean cosine distance)</text>",
        x = (LEFT + W - RIGHT) / 2.0,
        y = H - 12.0
    );
    let _ = writeln!(
        s,
        "<text transform=\"translate(14 {y:.1}) rotate(-90)\" text-anchor=\"middle\">AUC</text>",
        y = (TOP + H - BOTTOM) / 2.0
    );
    let points: Vec<String> = rows
        .iter()
        .map(|r| format!("{:.1},{:.1}", px(r.intra_list_diversity), py(r.all.auc)))
        .collect();
    let _ = writeln!(
        s,
        "<polyline points=\"{}\" stroke=\"#888\" fill=\"none\"/>",
        points.join(" ")
    );
    // The default's rule: within 0.01 AUC of the least diverse step (dashed).
    if let Some(first) = rows.first() {
        let y = py(first.all.auc - 0.01);
        let _ = writeln!(
            s,
            "<path d=\"M{LEFT} {y:.1} H{r}\" stroke=\"#c33\" stroke-dasharray=\"4 3\"/>\n\
             <text x=\"{r}\" y=\"{ty:.1}\" text-anchor=\"end\" fill=\"#c33\">AUC of step 0 − 0.01</text>",
            r = W - RIGHT,
            ty = y - 4.0
        );
    }
    for r in rows {
        let (x, y) = (px(r.intra_list_diversity), py(r.all.auc));
        let fill = if r.default { "#1f6feb" } else { "white" };
        let _ = writeln!(
            s,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"5\" fill=\"{fill}\" stroke=\"#1f6feb\"/>"
        );
        let label = if r.default {
            format!("step {} (default)", r.step)
        } else {
            format!("step {}", r.step)
        };
        // Alternately above and below, so neighbouring steps' labels do not overlap.
        let ty = if r.step % 2 == 0 { y + 17.0 } else { y - 8.0 };
        let _ = writeln!(
            s,
            "<text x=\"{tx:.1}\" y=\"{ty:.1}\">{label}</text>",
            tx = x + 7.0
        );
    }
    s.push_str("</svg>\n");
    s
}
