//! The live view's forms — start at an offset or a time, filter by text, save the
//! messages in view — each built and parsed here, side by side, reading fields by their
//! labels; and what a submitted one does to the view.

use crate::kafka::messages::{KafkaCommand, StartFrom};
use crate::ui::effect::Effect;
use crate::ui::form::{Form, FormKind};
use crate::ui::partitions::LiveState;

/// Below this a "when" is minutes ago; from it on, milliseconds since the epoch.
const EPOCH_MS_FROM: i64 = 10_000_000;

/// The form that restarts the view at an offset.
pub fn start_offset() -> Form {
    Form::new(FormKind::StartOffset, "Start at offset", &[("offset", "0")])
}

/// The offset a filled-in start-offset form names.
pub fn parse_start_offset(form: &Form) -> Result<i64, String> {
    form.field("offset")
        .parse::<i64>()
        .ok()
        .filter(|o| *o >= 0)
        .ok_or_else(|| "offset must be a number ≥ 0".into())
}

/// The form that restarts the view at a time.
pub fn start_time() -> Form {
    Form::new(FormKind::StartTime, "Start at time", &[("when", "5")])
        .with_hints(&["minutes ago (e.g. 5), or milliseconds since the epoch"])
}

/// The time (ms since the epoch) a filled-in start-time form names, counting minutes
/// back from `now_ms`.
pub fn parse_start_time(form: &Form, now_ms: i64) -> Result<i64, String> {
    let v = form
        .field("when")
        .parse::<i64>()
        .map_err(|_| "enter minutes ago (e.g. 5) or ms since the epoch")?;
    Ok(if v < EPOCH_MS_FROM {
        now_ms - v * 60_000
    } else {
        v
    })
}

/// The form that filters the messages, showing the filter in use.
pub fn filter(current: &str) -> Form {
    Form::new(
        FormKind::Filter,
        "Filter messages (empty clears)",
        &[("text", current)],
    )
}

/// The form that saves the `n` messages in view of `topic`, at wall-clock `now_ms`
/// (the file is named after both).
pub fn save(topic: Option<&str>, n: usize, now_ms: i64) -> Form {
    let name = topic.unwrap_or("messages");
    let file = format!(
        "{}-{}.jsonl",
        name.replace(['/', '\\'], "_"),
        now_ms.max(0) / 1000
    );
    Form::new(
        FormKind::SaveMessages,
        format!("Save the {n} messages in view"),
        &[("file", &file)],
    )
}

/// The file a filled-in save form names.
pub fn parse_save(form: &Form) -> Result<std::path::PathBuf, String> {
    let path = std::path::PathBuf::from(form.field("file"));
    if path.as_os_str().is_empty() {
        return Err("a file name is needed".into());
    }
    Ok(path)
}

impl LiveState {
    /// Acts on a submitted live-view form at wall-clock `now_ms`: what the app must do,
    /// or what is wrong with the form.
    pub fn submit_form(&mut self, form: &Form, now_ms: i64) -> Result<Vec<Effect>, String> {
        let topic = || self.topic.clone().ok_or("no topic");
        match &form.kind {
            FormKind::StartOffset => {
                let offset = parse_start_offset(form)?;
                Ok(vec![Effect::Watch(topic()?, StartFrom::Offset(offset))])
            }
            FormKind::StartTime => {
                let ts = parse_start_time(form, now_ms)?;
                Ok(vec![Effect::Watch(topic()?, StartFrom::Time(ts))])
            }
            FormKind::Filter => {
                self.filter = form.field("text").to_string();
                self.selected = None;
                Ok(Vec::new())
            }
            FormKind::SaveMessages => {
                let path = parse_save(form)?;
                let topic = topic()?;
                // Oldest first, as they are in the log.
                let records: Vec<_> = self.visible().into_iter().rev().cloned().collect();
                // Decoded now, so the file carries the decoded JSON beside the bytes.
                for r in &records {
                    super::shown_of(r, &self.schemas);
                }
                let notice = format!("saving {} messages to {}…", records.len(), path.display());
                Ok(vec![
                    Effect::Command(KafkaCommand::Save {
                        topic,
                        records,
                        path,
                    }),
                    Effect::Notice(notice),
                ])
            }
            other => Err(format!("not a live-view form: {other:?}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_offset_needs_a_number_not_below_zero() {
        assert_eq!(parse_start_offset(&start_offset()), Ok(0));
        let bad = "offset must be a number ≥ 0";
        for v in ["-1", "x", ""] {
            let form = start_offset().with_value("offset", v);
            assert_eq!(parse_start_offset(&form).unwrap_err(), bad, "{v:?}");
        }
    }

    #[test]
    fn start_time_is_minutes_ago_or_an_epoch_time() {
        let now = 1_700_000_000_000;
        assert_eq!(parse_start_time(&start_time(), now), Ok(now - 300_000));
        let at = start_time().with_value("when", "1600000000000");
        assert_eq!(parse_start_time(&at, now), Ok(1_600_000_000_000));
        let bad = start_time().with_value("when", "yesterday");
        assert_eq!(
            parse_start_time(&bad, now).unwrap_err(),
            "enter minutes ago (e.g. 5) or ms since the epoch"
        );
    }

    #[test]
    fn save_offers_a_file_named_after_the_topic_and_time_and_needs_one() {
        let form = save(Some("a/b"), 3, 1_700_000_000_999);
        assert_eq!(form.field("file"), "a_b-1700000000.jsonl");
        assert_eq!(
            parse_save(&form).unwrap(),
            std::path::PathBuf::from("a_b-1700000000.jsonl")
        );
        assert_eq!(
            parse_save(&form.with_value("file", "  ")).unwrap_err(),
            "a file name is needed"
        );
    }

    #[test]
    fn a_filter_is_set_and_a_start_needs_a_topic() {
        let mut live = LiveState::default();
        let effects = live
            .submit_form(&filter("").with_value("text", " err "), 0)
            .unwrap();
        assert!(effects.is_empty());
        assert_eq!(live.filter, "err");
        assert_eq!(
            live.submit_form(&start_offset(), 0).unwrap_err(),
            "no topic"
        );
    }
}
