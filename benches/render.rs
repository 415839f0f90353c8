//! Drawing the view. A first frame — render, diff against the blank screen, encode —
//! at 80x24 and 200x60, as the server sends it (`server::terminal::frame`) and into
//! ratatui's `TestBackend` (no encoding); and one scroll step: handle the key,
//! re-render the previous state, render the new one, diff (or move the text with the
//! terminal's scroll region) and encode.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui_core::backend::TestBackend;
use ratatui_core::terminal::Terminal;
use ssh_resume::server::terminal::{Modes, frame};
use ssh_resume::tui::input::{KeyCode, KeyEvent};
use ssh_resume::tui::{Effect, Event};

mod common;

const SIZES: [(u16, u16); 2] = [(80, 24), (200, 60)];

fn full_frame(c: &mut Criterion) {
    let mut group = c.benchmark_group("first_frame");
    for (width, height) in SIZES {
        let app = common::app(width, height);
        eprintln!("first frame {width}x{height}: {} bytes", frame(None, &app, &mut Modes::reset()).len());
        group.bench_function(format!("ssh_frame_{width}x{height}"), |b| {
            b.iter(|| frame(None, black_box(&app), &mut Modes::reset()))
        });
        group.bench_function(format!("test_backend_{width}x{height}"), |b| {
            b.iter(|| {
                let mut terminal =
                    Terminal::new(TestBackend::new(width, height)).expect("TestBackend never fails");
                let _ = terminal.draw(|f| f.render_widget(black_box(&app), f.area()));
                terminal
            })
        });
    }
    group.finish();
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code))
}

/// Scrolls the Experience section down a line per iteration, turning at either end.
fn scroll_step(c: &mut Criterion) {
    let mut group = c.benchmark_group("scroll_step");
    for (width, height) in SIZES {
        let mut app = common::app(width, height);
        app.handle(&key(KeyCode::Char('3')));
        let (mut step, mut back) = (key(KeyCode::Down), key(KeyCode::Up));
        let mut bytes = 0;
        let mut modes = Modes::reset();
        group.bench_function(format!("ssh_frame_{width}x{height}"), |b| {
            b.iter(|| {
                let before = app.clone();
                if app.handle(&step) == Effect::None {
                    std::mem::swap(&mut step, &mut back);
                    app.handle(&step);
                }
                let out = frame(Some(&before), &app, &mut modes);
                bytes = out.len();
                out
            })
        });
        eprintln!("scroll step {width}x{height}: {bytes} bytes (last step)");
    }
    group.finish();
}

criterion_group!(benches, full_frame, scroll_step);
criterion_main!(benches);
