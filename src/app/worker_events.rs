//! What the app does with a worker's event: each goes to the part it is about — topics
//! and brokers to the topics pane (and the live view, which reads partitions added to
//! its topic), delivery reports and replay progress to the composer's send state,
//! messages to the live view, listings and details to the groups pane — and errors and
//! notices to the status line.

use crate::action::{KafkaCommand, KafkaEvent, StartFrom};
use crate::kafka::model::TopicInfo;
use crate::pane::Pane;

use super::App;

impl App {
    /// A worker's event, handed to the part it is about.
    pub(super) fn on_kafka(&mut self, e: KafkaEvent) {
        match e {
            KafkaEvent::Topics(Ok(topics)) => self.on_topics(topics),
            KafkaEvent::Brokers(b) => self.topics.brokers = b,
            KafkaEvent::Topics(Err(e)) => {
                self.connected = Some(false);
                self.last_error = Some(format!("cannot reach the cluster: {e}"));
            }
            KafkaEvent::Unreachable(why) => {
                self.connected = Some(false);
                self.last_error = Some(why);
            }
            KafkaEvent::Delivered(_, d) => {
                let topic = d.topic.clone();
                let failure = d.result.clone().err();
                self.composer.send.delivered(d);
                match failure {
                    Some(e) => self.last_error = Some(format!("send to {topic} failed: {e}")),
                    // The watch screen shows the topic being written to.
                    None if self.pane == Pane::Watch
                        && self.live.topic.as_deref() != Some(topic.as_str()) =>
                    {
                        self.watch(topic, StartFrom::Beginning);
                    }
                    None => {}
                }
            }
            KafkaEvent::Tail {
                topic,
                records,
                stats,
                dropped,
            } => {
                if self.live.topic.as_deref() == Some(topic.as_str()) {
                    self.live.ingest(records, stats, dropped);
                    self.ask_for_schemas();
                }
            }
            KafkaEvent::TailError(e) => self.live.error = Some(e),
            KafkaEvent::TailNotice(n) => self.live.notice = Some(n),
            KafkaEvent::FullRecord(Ok(r)) => {
                self.live.schemas.note(r.value.as_deref());
                self.live.opened = Some(r);
                self.ask_for_schemas();
            }
            KafkaEvent::FullRecord(Err(e)) => {
                self.last_error = Some(format!("cannot read the whole message: {e}"))
            }
            KafkaEvent::Saved(Ok(what)) => self.notice = Some(what),
            KafkaEvent::Saved(Err(e)) => self.last_error = Some(format!("save: {e}")),
            KafkaEvent::Replay(p) => {
                if p.done {
                    let summary = format!("replayed {} of {} messages", p.sent, p.total);
                    match &p.first_error {
                        Some(e) => {
                            self.last_error =
                                Some(format!("{summary}; {} failed, the first: {e}", p.failed))
                        }
                        None => self.notice = Some(summary),
                    }
                }
                self.composer.send.replay = Some(p);
            }
            KafkaEvent::Admin(Ok(msg)) => {
                self.notice = Some(msg);
                self.command(KafkaCommand::RefreshTopics);
            }
            KafkaEvent::Admin(Err(e)) => self.last_error = Some(e),
            KafkaEvent::Groups(Ok(groups)) => {
                self.groups.now_ms = self.now.unix_ms;
                self.groups.set_listing(groups);
                self.watch_a_reader();
                self.follow_selected_group();
            }
            // While the cluster is unreachable, its reason stays: a groups time-out
            // says less, and would take turns with it in the status bar.
            KafkaEvent::Groups(Err(e))
                if self.connected == Some(false) && self.last_error.is_some() =>
            {
                tracing::debug!("groups: {e}");
            }
            KafkaEvent::Groups(Err(e)) => self.last_error = Some(format!("groups: {e}")),
            KafkaEvent::GroupDetail(d) => {
                self.groups.now_ms = self.now.unix_ms;
                self.groups.detail = Some(*d);
            }
            KafkaEvent::Member(m) => {
                self.groups.members.insert(m.id, m);
            }
            KafkaEvent::Schema(id, answer) => self.live.schemas.insert(id, answer),
            KafkaEvent::Subjects(subjects) => self.on_subjects(subjects),
            KafkaEvent::SchemaChosen(choice, answer) => {
                if let Some(said) = self.composer.schema_answered(&choice, answer) {
                    self.apply(vec![said]);
                }
            }
            KafkaEvent::Registered(spec, Ok((id, version))) => {
                let said = format!(
                    "{}: registered as version {version}, schema id {id}",
                    spec.subject
                );
                // An earlier refusal under the composer's form no longer holds.
                self.composer.error = None;
                self.last_error = None;
                self.notice = Some(said);
            }
            KafkaEvent::Registered(_, Err(e)) => {
                self.composer.error = Some(e.clone());
                self.last_error = Some(e);
            }
        }
    }

    /// The registry's subjects: kept for the composer's schema form, and listed in it if
    /// it is open.
    fn on_subjects(&mut self, subjects: Result<Vec<String>, String>) {
        if let Some(super::Overlay::Form(f)) = self.overlays.last_mut() {
            if f.kind == crate::ui::form::FormKind::SchemaChoice {
                crate::ui::composer::schema_forms::show_subjects(f, &subjects);
            }
        }
        self.composer.encoding.subjects = Some(subjects);
    }

    /// Asks the workers for the schemas of framed records just seen; one they cannot
    /// take now is asked for again when a record needs it next.
    pub(super) fn ask_for_schemas(&mut self) {
        for id in self.live.schemas.take_wanted() {
            if self
                .commands
                .try_send(KafkaCommand::FetchSchema(id))
                .is_err()
            {
                self.live.schemas.forget_asked(id);
            }
        }
    }

    /// A new topic list: the connection is back, the live view reads partitions added
    /// to its topic, and the watch screen shows a topic.
    fn on_topics(&mut self, topics: Vec<TopicInfo>) {
        if self.connected == Some(false) {
            self.notice = Some("connected again".into());
            self.last_error = None;
        }
        self.connected = Some(true);
        self.topics.set(topics);
        if let Some(t) = self.live.topic.as_deref() {
            let count = self.partitions_of(t).unwrap_or(0);
            if !self.live.stats.is_empty() && count as usize > self.live.stats.len() {
                self.command(KafkaCommand::GrowTail(count));
            }
        }
        if self.pane == Pane::Watch {
            self.watch_something();
        }
    }

    /// The watch screen follows a group that reads its topic.
    fn watch_a_reader(&mut self) {
        let (Pane::Watch, Some(topic)) = (self.pane, self.live.topic.as_deref()) else {
            return;
        };
        let selected_reads = self
            .groups
            .groups
            .get(self.groups.selected)
            .is_some_and(|g| g.reads(topic));
        if !selected_reads {
            if let Some(i) = self.groups.groups.iter().position(|g| g.reads(topic)) {
                self.groups.selected = i;
                self.groups.member_selected = 0;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use tokio::sync::mpsc;

    use super::*;

    #[test]
    fn an_unreachable_cluster_shows_why_in_words_until_it_answers() {
        let (tx, _rx) = mpsc::channel(8);
        let mut app = App::new("t".into(), tx);
        let why = "cannot connect to b:9093: the broker refused user alice's password (PLAIN)";
        app.on_kafka(KafkaEvent::Unreachable(why.into()));
        assert_eq!(app.connected, Some(false));
        assert_eq!(app.last_error.as_deref(), Some(why));
        // The group watcher's time-outs do not hide the reason.
        app.on_kafka(KafkaEvent::Groups(Err("OperationTimedOut".into())));
        assert_eq!(app.last_error.as_deref(), Some(why));
        app.on_kafka(KafkaEvent::Topics(Ok(Vec::new())));
        assert_eq!(
            (app.connected, app.last_error.as_deref()),
            (Some(true), None)
        );
    }

    fn ctrl(app: &mut App, c: char) {
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        app.update(crate::action::Action::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::CONTROL,
        )));
    }

    #[test]
    fn the_schema_form_lists_the_registrys_subjects_and_its_choice_goes_to_the_workers() {
        use crate::ui::form::FormKind;
        let (tx, mut rx) = mpsc::channel(8);
        let mut app = App::new("t".into(), tx);
        app.switch(Pane::Composer);
        app.composer.topic = tui_input::Input::new("orders".into());
        ctrl(&mut app, 'g');
        assert!(matches!(rx.try_recv(), Ok(KafkaCommand::ListSubjects)));
        app.on_kafka(KafkaEvent::Subjects(Ok(vec!["orders-value".into()])));
        let Some(super::super::Overlay::Form(form)) = app.overlays.last() else {
            panic!("the schema form is open");
        };
        assert_eq!(form.kind, FormKind::SchemaChoice);
        assert_eq!(form.hints[1], "registry subjects: orders-value");
        app.submit_form();
        match rx.try_recv() {
            Ok(KafkaCommand::ChooseSchema(c)) => assert_eq!(c.subject, "orders-value"),
            other => panic!("{other:?}"),
        }
        assert!(app.composer.encoding.pending.is_some());
    }

    #[test]
    fn a_registration_is_told_in_words_where_the_user_looks() {
        let (tx, _rx) = mpsc::channel(8);
        let mut app = App::new("t".into(), tx);
        let spec = crate::schemas::choice::RegisterSpec {
            subject: "o-value".into(),
            path: "o.avsc".into(),
            kind: schema::SchemaKind::Avro,
        };
        app.on_kafka(KafkaEvent::Registered(spec.clone(), Ok((5, 2))));
        assert_eq!(
            app.notice.as_deref(),
            Some("o-value: registered as version 2, schema id 5")
        );
        let why = "o-value: not registered, incompatible: field x has no default";
        app.on_kafka(KafkaEvent::Registered(spec.clone(), Err(why.into())));
        assert_eq!(app.last_error.as_deref(), Some(why));
        assert_eq!(
            app.composer.error.as_deref(),
            Some(why),
            "under the form too"
        );
        // A later success clears the refusal in both places and says so.
        app.on_kafka(KafkaEvent::Registered(spec, Ok((6, 3))));
        assert_eq!((&app.last_error, &app.composer.error), (&None, &None));
        assert_eq!(
            app.notice.as_deref(),
            Some("o-value: registered as version 3, schema id 6")
        );
    }

    #[test]
    fn a_failed_choice_is_said_under_the_form() {
        use crate::schemas::choice::{SchemaChoice, Target};
        let (tx, _rx) = mpsc::channel(8);
        let mut app = App::new("t".into(), tx);
        let choice = SchemaChoice {
            target: Target::Value,
            subject: "nope-value".into(),
            version: None,
            message: None,
        };
        app.composer.encoding.pending = Some(choice.clone());
        app.on_kafka(KafkaEvent::SchemaChosen(
            choice,
            Err("schema registry: Subject 'nope-value' not found. (40401)".into()),
        ));
        let said = "value schema nope-value latest: schema registry: Subject 'nope-value' not found. (40401)";
        assert_eq!(app.composer.error.as_deref(), Some(said));
        assert_eq!(app.last_error.as_deref(), Some(said));
        assert!(app.composer.encoding.value.is_none());
    }
}
