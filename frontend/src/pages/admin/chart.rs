//! A line chart in SVG, small enough for the bundle: a y axis with round steps and
//! grid lines, x-axis labels at chosen points, one line per series in its colour, a
//! legend, and a tooltip per point (the point's label and every series' value, shown
//! on hover and read by screen readers).

use yew::prelude::*;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `6 Dec`: a day under an axis (by hand: chrono's `format` brings a strftime
/// interpreter into the bundle).
pub fn day_label(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{} {}", d.day(), MONTHS[d.month0() as usize])
}

/// The drawing's size in SVG units; it scales to the width it is given.
const WIDTH: u64 = 480;
const HEIGHT: u64 = 200;
const LEFT: u64 = 44;
const RIGHT: u64 = 10;
const TOP: u64 = 10;
const BOTTOM: u64 = 24;

/// One line: its name in the legend, its colour class (`c1` … `c5`) and a value per point.
#[derive(Clone, PartialEq)]
pub struct Series {
    pub label: &'static str,
    pub class: &'static str,
    pub values: Vec<u64>,
}

#[derive(Properties, PartialEq)]
pub struct LineChartProps {
    pub id: AttrValue,
    pub title: AttrValue,
    /// Each point's name in its tooltip (`14:00`, `6 Dec`).
    pub labels: Vec<String>,
    /// The points named under the x axis: `(index, text)`.
    pub ticks: Vec<(usize, String)>,
    pub series: Vec<Series>,
}

/// The top of the y axis and its step: a step of 1, 2 or 5 times a power of ten, at
/// most five steps up to the largest value.
fn scale(largest: u64) -> (u64, u64) {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            let s = step * m;
            if largest.div_ceil(s) <= 5 {
                let top = largest.div_ceil(s).max(1) * s;
                return (top, s);
            }
        }
        step *= 10;
    }
}

fn x(i: usize, n: usize) -> u64 {
    let width = WIDTH - LEFT - RIGHT;
    if n < 2 {
        return LEFT + width / 2;
    }
    LEFT + width * i as u64 / (n as u64 - 1)
}

fn y(v: u64, top: u64) -> u64 {
    let height = HEIGHT - TOP - BOTTOM;
    TOP + height - height * v.min(top) / top
}

#[function_component]
pub fn LineChart(props: &LineChartProps) -> Html {
    let n = props.labels.len();
    let largest = props
        .series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0);
    let (top, step) = scale(largest);
    let grid = (0..=top / step).map(|k| {
        let v = k * step;
        let at = y(v, top);
        html! {
            <g class="grid">
                <line x1={LEFT.to_string()} x2={(WIDTH - RIGHT).to_string()} y1={at.to_string()} y2={at.to_string()} />
                <text x={(LEFT - 6).to_string()} y={(at + 4).to_string()} text-anchor="end">{ v }</text>
            </g>
        }
    });
    let ticks = props.ticks.iter().map(|(i, text)| {
        // The first and last labels keep inside the drawing.
        let anchor = match *i {
            0 => "start",
            i if i + 1 == n => "end",
            _ => "middle",
        };
        html! {
            <text class="tick" x={x(*i, n).to_string()} y={(HEIGHT - 6).to_string()} text-anchor={anchor}>{ text.clone() }</text>
        }
    });
    let lines = props.series.iter().map(|s| {
        let points = s
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{},{}", x(i, n), y(*v, top)))
            .collect::<Vec<_>>()
            .join(" ");
        html! { <polyline class={classes!("line", s.class)} points={points} /> }
    });
    // A column per point that shows its figures on hover.
    let slot = (WIDTH - LEFT - RIGHT) / (n.max(2) as u64 - 1);
    let slots = (0..n).map(|i| {
        let tip = props
            .series
            .iter()
            .map(|s| format!("{}: {}", s.label, s.values.get(i).copied().unwrap_or(0)))
            .collect::<Vec<_>>()
            .join(", ");
        let left = x(i, n).saturating_sub(slot / 2).max(LEFT);
        html! {
            <g class="slot">
                <title>{ format!("{} — {tip}", props.labels[i]) }</title>
                <rect x={left.to_string()} y={TOP.to_string()} width={slot.max(1).to_string()} height={(HEIGHT - TOP - BOTTOM).to_string()} />
            </g>
        }
    });
    let totals = props
        .series
        .iter()
        .map(|s| format!("{} {}", s.label, s.values.iter().sum::<u64>()))
        .collect::<Vec<_>>()
        .join(", ");
    let title_id = format!("{}-title", props.id);
    html! {
        <figure class="chart" id={props.id.clone()}>
            <figcaption>
                <span class="chart-title" id={title_id.clone()}>{ props.title.clone() }</span>
                <ul class="legend">
                    { for props.series.iter().map(|s| html! { <li class={s.class}>{ s.label }</li> }) }
                </ul>
            </figcaption>
            <svg viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img" aria-labelledby={title_id}>
                <desc>{ format!("In all: {totals}.") }</desc>
                { for grid }
                { for ticks }
                { for lines }
                { for slots }
            </svg>
        </figure>
    }
}
