//! Runs the dashboard: terminal events, worker events, the clock and the terminal's
//! size all feed `App::update` as actions (the loop reads the clock, the app never
//! does); the frame is drawn (`crate::screen`) only when something changed, at most
//! ~30 times a second. A cluster chosen in the picker is switched to on a task
//! (`crate::cluster`); the loop takes the new workers when it is done.

use std::time::Duration;

use crossterm::event::Event;
use tokio::signal::unix::{signal, SignalKind};

use crate::action::{Action, Now};
use crate::app::App;
use crate::cluster::{Connected, Connector};
use crate::kafka::workers::Workers;

const FRAME: Duration = Duration::from_millis(33);
/// Longest the loop applies queued worker events before it looks at keys and the frame.
const DRAIN: Duration = Duration::from_millis(25);
/// Terminal events read ahead of the UI (a paste or a held key arrives in bursts); the
/// reader is in `crate::input`, on a thread of its own.
const INPUT_QUEUE: usize = 4096;

/// Applies one terminal event; false when the terminal is gone.
fn on_input(app: &mut App, event: Option<std::io::Result<Event>>) -> std::io::Result<bool> {
    match event {
        Some(Ok(Event::Key(k))) => app.update(Action::Key(k)),
        Some(Ok(Event::Paste(text))) => app.update(Action::Paste(text)),
        Some(Ok(Event::Mouse(m))) => app.update(Action::Mouse(m)),
        Some(Ok(Event::Resize(w, h))) => app.update(Action::Resize(w, h)),
        Some(Ok(_)) => {}
        Some(Err(e)) => return Err(e),
        None => return Ok(false),
    }
    Ok(true)
}

/// A switch under way: its answer, when it comes.
type Switch = tokio::sync::oneshot::Receiver<Result<Connected, String>>;

/// Waits for the switch under way, if there is one (forever otherwise).
async fn switch_done(switch: &mut Option<Switch>) -> Result<Connected, String> {
    match switch {
        Some(rx) => rx
            .await
            .unwrap_or_else(|_| Err("the switch stopped before it was done".into())),
        None => std::future::pending().await,
    }
}

/// Takes the new cluster's workers, or says why there are none.
fn on_switched(app: &mut App, workers: &mut Workers, result: Result<Connected, String>) {
    match result {
        Ok(c) => {
            app.switched(c.label, c.workers.commands.clone());
            app.live.schemas = crate::schemas::cache::Schemas::new(c.schema_registry.is_some());
            if let Some(n) = crate::cluster::ignored_notice(&c.ignored) {
                app.notice = Some(n);
            }
            *workers = c.workers;
        }
        Err(e) => app.switch_failed(e),
    }
}

/// Runs until the user quits or a signal arrives; the caller restores the terminal and
/// stops the workers the app holds then (`App::worker_commands`).
pub async fn run(
    terminal: &mut crate::tui::Tui,
    app: &mut App,
    mut workers: Workers,
    connector: std::sync::Arc<Connector>,
) -> std::io::Result<()> {
    let mut switch: Option<Switch> = None;
    let mut input = crate::input::spawn_reader(INPUT_QUEUE)?;
    let mut frame = tokio::time::interval(FRAME);
    frame.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut second = tokio::time::interval(Duration::from_secs(1));
    let mut repeat_tick = tokio::time::interval(Duration::from_millis(10));
    let mut term = signal(SignalKind::terminate())?;
    let mut winch = signal(SignalKind::window_change())?;
    if let Ok(size) = terminal.size() {
        app.update(Action::Resize(size.width, size.height));
    }
    while !app.quit {
        if let Some(entry) = app.take_switch_request() {
            switch = Some(connector.switch(entry, app.worker_commands()));
        }
        tokio::select! {
            result = switch_done(&mut switch) => {
                switch = None;
                on_switched(app, &mut workers, result);
            }
            ev = input.recv() => {
                // What is typed next is applied at the time it arrived.
                app.update(Action::Tick(Now::read()));
                if !on_input(app, ev)? {
                    break;
                }
                // Everything already typed is applied before the next frame.
                while let Ok(ev) = input.try_recv() {
                    if app.quit || !on_input(app, Some(ev))? {
                        break;
                    }
                }
            }
            Some(ev) = workers.events.recv() => {
                app.update(Action::Tick(Now::read()));
                app.update(Action::Kafka(ev));
                // Drain what else is queued before drawing, for a frame's time at most:
                // when the app is slower than the workers (a filter decoding every
                // record) the queue never empties, and keys and frames must still come.
                let until = std::time::Instant::now() + DRAIN;
                while let Ok(ev) = workers.events.try_recv() {
                    app.update(Action::Kafka(ev));
                    if std::time::Instant::now() >= until {
                        break;
                    }
                }
            }
            _ = repeat_tick.tick(), if app.composer.send.repeat.is_some() => {
                app.update(Action::Tick(Now::read()));
            }
            _ = second.tick() => app.update(Action::Second(Now::read())),
            _ = winch.recv() => {
                // Several resizes in a row arrive as one signal; the size is the last.
                if let Ok(size) = terminal.size() {
                    on_input(app, Some(Ok(Event::Resize(size.width, size.height))))?;
                }
            }
            _ = term.recv() => break,
            _ = tokio::signal::ctrl_c() => break,
            _ = frame.tick() => {
                if let Some(bytes) = app.clipboard.take() {
                    // OSC 52: the terminal (or the one ssh runs in) sets its clipboard.
                    crossterm::execute!(
                        terminal.backend_mut(),
                        crossterm::clipboard::CopyToClipboard::to_clipboard_from(bytes)
                    )?;
                }
                if app.dirty {
                    app.dirty = false;
                    terminal.draw(|f| crate::screen::draw(f, app))?;
                }
            }
        }
    }
    Ok(())
}
