//! The input decoder: one key as a visitor types it, and a busy read holding keys,
//! arrows, a mouse-wheel report and UTF-8, fed the way the server feeds it.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ssh_resume::tui::Decoder;

/// Keys, an arrow, Shift-Tab, a page key, an SGR wheel report and a UTF-8 character.
const MIXED: &[u8] = b"jjjk\x1b[B\x1b[Z\x1b[6~\x1b[<65;10;5Mq\xc3\xa9G";

fn decoder(c: &mut Criterion) {
    let mut group = c.benchmark_group("decoder");
    let mut decoder = Decoder::new();
    let mut events = Vec::with_capacity(16);
    group.throughput(Throughput::Elements(1));
    group.bench_function("one_key", |b| {
        b.iter(|| {
            decoder.feed(black_box(b"j"), &mut events);
            events.clear();
        })
    });
    group.throughput(Throughput::Bytes(MIXED.len() as u64));
    group.bench_function("mixed_read", |b| {
        b.iter(|| {
            decoder.feed(black_box(MIXED), &mut events);
            events.clear();
        })
    });
    group.finish();
}

criterion_group!(benches, decoder);
criterion_main!(benches);
