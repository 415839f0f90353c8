//! Drawing the view. A first frame — render, diff against the blank screen, encode —
//! at 80x24 and 200x60, as the server sends it (`server::terminal::frame`) and into
//! ratatui's `TestBackend` (no encoding); and one scroll step: handle the key,
//! re-render the previous state, render the new one, diff (or move the text with the
//! terminal's scroll region) and encode; and that step's parts (`keystroke_parts`): the
//! state's step alone, and drawing one state into a cleared buffer (done twice per step,
//! for the previous screen and the new one), so that diff + encode is the whole step
//! less the state's step and two draws.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui_core::backend::TestBackend;
use ratatui_core::buffer::Buffer;
use ratatui_core::layout::Rect;
use ratatui_core::terminal::Terminal;
use ratatui_core::widgets::Widget;
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

/// The parts of a scroll step in the Experience section at 80x24, each alone: the state
/// going a line down (the copy kept for the diff and the key's handling), and one state
/// drawn into a cleared buffer, as the step draws the previous state and the new one.
fn keystroke_parts(c: &mut Criterion) {
    let mut group = c.benchmark_group("keystroke_parts");
    let mut app = common::app(80, 24);
    app.handle(&key(KeyCode::Char('3')));
    let (mut step, mut back) = (key(KeyCode::Down), key(KeyCode::Up));
    group.bench_function("state_step_80x24", |b| {
        b.iter(|| {
            let before = app.clone();
            if app.handle(&step) == Effect::None {
                std::mem::swap(&mut step, &mut back);
                app.handle(&step);
            }
            before
        })
    });
    let area = Rect::new(0, 0, 80, 24);
    let mut buffer = Buffer::empty(area);
    group.bench_function("draw_one_state_80x24", |b| {
        b.iter(|| {
            buffer.reset();
            black_box(&app).render(area, &mut buffer);
        })
    });
    group.finish();
}

criterion_group!(benches, full_frame, scroll_step, keystroke_parts);
criterion_main!(benches);
