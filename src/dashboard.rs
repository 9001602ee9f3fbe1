//! Runs the dashboard: terminal events, worker events and timers feed `App::update`;
//! the frame is drawn only when something changed, at most ~30 times a second.

use std::time::Duration;

use crossterm::event::{Event, EventStream};
use futures::StreamExt;

use crate::action::Action;
use crate::app::App;
use crate::kafka::workers::Workers;

const FRAME: Duration = Duration::from_millis(33);

/// Runs until the user quits or a signal arrives; the caller restores the terminal.
pub async fn run(
    terminal: &mut crate::tui::Tui,
    mut app: App,
    mut workers: Workers,
) -> std::io::Result<()> {
    let mut events = EventStream::new();
    let mut frame = tokio::time::interval(FRAME);
    frame.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut second = tokio::time::interval(Duration::from_secs(1));
    let mut repeat_tick = tokio::time::interval(Duration::from_millis(10));
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    if let Ok(size) = terminal.size() {
        app.size = (size.width, size.height);
    }
    while !app.quit {
        tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) => app.update(Action::Key(k)),
                Some(Ok(Event::Mouse(m))) => app.update(Action::Mouse(m)),
                Some(Ok(Event::Resize(w, h))) => {
                    app.size = (w, h);
                    app.update(Action::Resize);
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e),
                None => break,
            },
            Some(ev) = workers.events.recv() => {
                app.update(Action::Kafka(ev));
                // Drain what else is queued before drawing.
                while let Ok(ev) = workers.events.try_recv() {
                    app.update(Action::Kafka(ev));
                }
            }
            _ = repeat_tick.tick(), if app.repeat.is_some() => app.update(Action::Tick),
            _ = second.tick() => app.on_second(),
            _ = term.recv() => break,
            _ = tokio::signal::ctrl_c() => break,
            _ = frame.tick() => {
                if app.dirty {
                    app.dirty = false;
                    terminal.draw(|f| crate::ui::draw(f, &app))?;
                }
            }
        }
    }
    Ok(())
}
