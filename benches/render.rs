//! Drawing the view. A first frame — a new terminal, layout, render, diff against the
//! blank screen — into ratatui's `TestBackend` (no encoding) and into the server's
//! `SshBackend` (the escape sequences a visitor receives), at 80x24 and 200x60; and one
//! scroll step on a live terminal: handle the key, draw, take the diff's bytes.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ssh_resume::server::terminal::SshBackend;
use ssh_resume::tui::input::{KeyCode, KeyEvent};
use ssh_resume::tui::{App, Effect, Event};

mod common;

const SIZES: [(u16, u16); 2] = [(80, 24), (200, 60)];

/// The bytes of a first frame for `app`, as the server sends them.
fn first_frame(app: &App) -> Vec<u8> {
    let mut terminal = Terminal::new(SshBackend::new(app.size())).expect("SshBackend never fails");
    let _ = terminal.draw(|frame| frame.render_widget(app, frame.area()));
    terminal.backend_mut().take_frame()
}

fn full_frame(c: &mut Criterion) {
    let mut group = c.benchmark_group("first_frame");
    for (width, height) in SIZES {
        let app = common::app(width, height);
        eprintln!("first frame {width}x{height}: {} bytes", first_frame(&app).len());
        group.bench_function(format!("ssh_backend_{width}x{height}"), |b| {
            b.iter(|| first_frame(black_box(&app)))
        });
        group.bench_function(format!("test_backend_{width}x{height}"), |b| {
            b.iter(|| {
                let mut terminal =
                    Terminal::new(TestBackend::new(width, height)).expect("TestBackend never fails");
                let _ = terminal.draw(|frame| frame.render_widget(black_box(&app), frame.area()));
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
        let mut terminal = Terminal::new(SshBackend::new(app.size())).expect("SshBackend never fails");
        let _ = terminal.draw(|frame| frame.render_widget(&app, frame.area()));
        terminal.backend_mut().take_frame();
        let (mut step, mut back) = (key(KeyCode::Down), key(KeyCode::Up));
        let mut bytes = 0;
        group.bench_function(format!("ssh_backend_{width}x{height}"), |b| {
            b.iter(|| {
                if app.handle(&step) == Effect::None {
                    std::mem::swap(&mut step, &mut back);
                    app.handle(&step);
                }
                let _ = terminal.draw(|frame| frame.render_widget(&app, frame.area()));
                let frame = terminal.backend_mut().take_frame();
                bytes = frame.len();
                frame
            })
        });
        eprintln!("scroll step {width}x{height}: {bytes} bytes (last step)");
    }
    group.finish();
}

criterion_group!(benches, full_frame, scroll_step);
criterion_main!(benches);
