//! The résumé itself: loading (TOML parse + validation), building the outline, laying
//! out the longest section at a terminal's width, and the three exports non-PTY
//! visitors get (text, Markdown, JSON Resume).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui_core::layout::Size;
use ssh_resume::resume::{Loaded, export, layout, load};
use ssh_resume::tui::geometry::content_size;

mod common;

fn loading(c: &mut Criterion) {
    let mut group = c.benchmark_group("resume");
    group.bench_function("parse_str", |b| {
        b.iter(|| load::parse_str(black_box(common::RESUME), "resume.toml"))
    });
    let resume = load::parse_str(common::RESUME, "resume.toml").expect("the shipped résumé loads");
    group.bench_function("outline", |b| b.iter(|| Loaded::from_resume(black_box(resume.clone()))));
    let loaded = common::shipped();
    let longest = loaded.outline.sections.iter().max_by_key(|s| s.blocks.len()).expect("sections");
    let width = usize::from(content_size(Size::new(80, 24)).width);
    group.bench_function("layout_longest_section_80x24", |b| {
        b.iter(|| layout::layout(black_box(longest), width))
    });
    group.finish();
}

fn exports(c: &mut Criterion) {
    let mut group = c.benchmark_group("export");
    let loaded = common::shipped();
    group.bench_function("text_80", |b| b.iter(|| export::text(black_box(&loaded.outline), 80)));
    group.bench_function("markdown", |b| b.iter(|| export::markdown(black_box(&loaded.outline))));
    group.bench_function("json_resume", |b| b.iter(|| export::json_resume(black_box(&loaded.resume))));
    group.finish();
}

/// Load time, shipped TOML against a long JSON Resume (~50 KB, HTML and Markdown in
/// it): parse and validate, then build the outlines, as `Loaded::from_path` does.
fn load_time(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
    group.bench_function("toml_shipped", |b| {
        b.iter(|| {
            Loaded::from_resume(load::parse_str(black_box(common::RESUME), "resume.toml").expect("loads"))
        })
    });
    group.bench_function("json_long_50k", |b| {
        b.iter(|| {
            Loaded::from_resume(load::parse_str(black_box(LONG_JSON), "long.resume.json").expect("loads"))
        })
    });
    group.finish();
}

const LONG_JSON: &str = include_str!("../tests/fixtures/json/long.resume.json");

criterion_group!(benches, loading, exports, load_time);
criterion_main!(benches);
