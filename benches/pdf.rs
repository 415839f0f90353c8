//! The typeset PDF: one cold render of the shipped résumé (compile + PDF export). Every
//! render ends with `comemo::evict(0)`, so each iteration starts with empty memo caches,
//! as a reload does.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ssh_resume::downloads::pdf::{DocumentDate, PdfOptions, Typesetter};

mod common;

fn typeset(c: &mut Criterion) {
    let loaded = common::shipped();
    let typesetter = Typesetter::new(&PdfOptions::default()).expect("the shipped fonts load");
    let date = DocumentDate { year: 2026, month: 3, day: 14 };
    let mut group = c.benchmark_group("pdf");
    group.sample_size(20);
    group.bench_function("typeset_shipped_cold", |b| {
        b.iter(|| typesetter.render(black_box(&loaded.resume), date).expect("the shipped résumé typesets"))
    });
    group.finish();
}

criterion_group!(benches, typeset);
criterion_main!(benches);
