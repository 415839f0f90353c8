//! The report's bar chart of visits over time: one bar per hour (or per several hours
//! on long ranges, several columns wide on short ones), eighth-block heights in UTF-8
//! and `.`, `:`, `#` in ASCII, the scale on the left and bar times below.

use super::{Layout, Line, Role, piece, plain};
use crate::insights::report::Report;

/// Chart rows.
const CHART_ROWS: usize = 4;
/// Widest bar, in columns (short ranges).
const MAX_BAR_WIDTH: usize = 8;
/// Columns left of the chart: the scale and the axis.
const CHART_LEFT: usize = 8;

/// Visits over time: one bar per hour (or per several, on long ranges; several
/// columns wide on short ones), the scale on the left, times below.
pub(super) fn chart(report: &Report, layout: Layout) -> Vec<Line> {
    let room = layout.width - CHART_LEFT;
    let per_bar = report.per_hour.len().div_ceil(room).max(1);
    let bars: Vec<u64> =
        report.per_hour.chunks(per_bar).map(|chunk| chunk.iter().map(|h| h.visits).sum()).collect();
    // Short ranges get wider bars, with a gap between them from three columns on.
    let width = (room / bars.len().max(1)).clamp(1, MAX_BAR_WIDTH);
    let max = bars.iter().copied().max().unwrap_or(0).max(1);
    let unit = if per_bar == 1 { "hour".to_owned() } else { format!("{per_bar} hours") };
    let mut heading = format!("Visits per {unit}");
    if let Some(busiest) = report.busiest_hour {
        let at = crate::insights::range::hour_shown(busiest.hour);
        heading.push_str(&format!(" · busiest hour {at} UTC with {}", busiest.visits));
    }
    let mut out = vec![vec![piece(Role::Heading, plain(&heading, layout.ascii))]];
    for row in 0..CHART_ROWS {
        let scale = match row {
            0 => max.to_string(),
            r if r == CHART_ROWS - 1 => "0".to_owned(),
            _ => String::new(),
        };
        let axis = match (layout.ascii, scale.is_empty()) {
            (true, _) => "|",
            (false, true) => "│",
            (false, false) => "┤",
        };
        let level = CHART_ROWS - 1 - row;
        let cells: String = bars
            .iter()
            .flat_map(|value| {
                let cell = bar_cell(*value, max, level, layout.ascii);
                let filled = if width >= 3 { width - 1 } else { width };
                std::iter::repeat_n(cell, filled).chain(std::iter::repeat_n(' ', width - filled))
            })
            .collect();
        out.push(vec![piece(Role::Muted, format!("{scale:>6} {axis}")), piece(Role::Bar, cells)]);
    }
    out.push(axis_labels(report, bars.len(), per_bar, width, room));
    out
}

/// The character of a chart cell `level` rows above the bottom for `value`.
fn bar_cell(value: u64, max: u64, level: usize, ascii: bool) -> char {
    const EIGHTHS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let steps = (CHART_ROWS * 8) as u64;
    // Any visit shows: at least one eighth.
    let height = if value == 0 { 0 } else { (value * steps).div_ceil(max).max(1) };
    let fill = height.saturating_sub(level as u64 * 8).min(8) as usize;
    match (ascii, fill) {
        (false, fill) => EIGHTHS[fill],
        (true, 0) => ' ',
        (true, 1..=3) => '.',
        (true, 4..=7) => ':',
        (true, _) => '#',
    }
}

/// Times under the chart: each bar's start where there is room (within `room`
/// columns), left to right.
fn axis_labels(report: &Report, bars: usize, per_bar: usize, width: usize, room: usize) -> Line {
    let long = report.hours > 48;
    let at = |hour: i64| {
        let shown = crate::insights::range::hour_shown(hour);
        if long { shown[5..10].to_owned() } else { shown[11..].to_owned() }
    };
    let mut text = String::new();
    for bar in 0..bars {
        let position = bar * width;
        let label = at(report.from.0 + (bar * per_bar) as i64);
        let free = if text.is_empty() { 0 } else { text.len() + 2 };
        if position >= free && position + label.len() <= room {
            text.push_str(&" ".repeat(position - text.len()));
            text.push_str(&label);
        }
    }
    vec![piece(Role::Muted, format!("{}{text}", " ".repeat(CHART_LEFT)))]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_cells_stack_from_the_bottom() {
        let column: String = (0..CHART_ROWS).rev().map(|level| bar_cell(20, 32, level, false)).collect();
        assert_eq!(column, " ▄██", "20 of 32 eighths: two full rows and a half");
        assert_eq!(bar_cell(1, 1_000_000, 0, false), '▁');
    }
}
