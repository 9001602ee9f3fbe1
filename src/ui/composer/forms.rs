//! The composer's form — replay a file of messages into a topic — built and parsed
//! here, side by side, reading fields by their labels.

use crate::kafka::files::ReplaySpec;
use crate::ui::form::{Form, FormKind};

/// The form that replays a file into `topic` (the composer's topic, to start with).
pub fn replay(topic: &str) -> Form {
    Form::new(
        FormKind::Replay,
        "Replay a file into a topic",
        &[
            ("file", ""),
            ("topic", topic),
            ("keep partitions", "no"),
            ("keep timestamps", "no"),
            ("messages a second", "0"),
        ],
    )
    .with_hints(&[
        "a file of JSON lines: saved with s in the live view, or by kcat -J",
        "the topic to write to",
        "yes: each message to the partition it was saved from; no: the partitioner picks",
        "yes: each message keeps its saved timestamp; no: stamped when sent",
        "0: as fast as the cluster takes them",
    ])
}

/// A yes/no field: `what` names it in the message when it is neither.
fn yes_or_no(form: &Form, what: &str) -> Result<bool, String> {
    match form.field(what) {
        "yes" | "y" => Ok(true),
        "no" | "n" | "" => Ok(false),
        other => Err(format!("{what}: yes or no, not {other:?}")),
    }
}

/// The replay a filled-in replay form asks for, or what is wrong with it.
pub fn parse_replay(form: &Form) -> Result<ReplaySpec, String> {
    let path = std::path::PathBuf::from(form.field("file"));
    if path.as_os_str().is_empty() {
        return Err("which file?".into());
    }
    let topic = form.field("topic").to_string();
    wire::validate_topic_name(&topic).map_err(|e| format!("topic: {e}"))?;
    let keep_partitions = yes_or_no(form, "keep partitions")?;
    let keep_timestamps = yes_or_no(form, "keep timestamps")?;
    let rate = form
        .field("messages a second")
        .parse::<f64>()
        .ok()
        .filter(|r| r.is_finite() && *r >= 0.0)
        .ok_or("messages a second: a number, 0 for as fast as possible")?;
    Ok(ReplaySpec {
        path,
        topic,
        keep_partitions,
        keep_timestamps,
        rate: (rate > 0.0).then_some(rate),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replay_reads_every_field_by_name() {
        let form = replay("t")
            .with_value("file", "saved.jsonl")
            .with_value("keep partitions", "y")
            .with_value("messages a second", "2.5");
        let spec = parse_replay(&form).unwrap();
        assert_eq!(spec.path, std::path::PathBuf::from("saved.jsonl"));
        assert_eq!(spec.topic, "t");
        assert!(spec.keep_partitions && !spec.keep_timestamps);
        assert_eq!(spec.rate, Some(2.5));
        let fast = parse_replay(&form.with_value("messages a second", "0")).unwrap();
        assert_eq!(fast.rate, None, "0: as fast as the cluster takes them");
    }

    #[test]
    fn replay_says_what_is_wrong() {
        let filed = || replay("t").with_value("file", "f");
        let msg = |f: Form| parse_replay(&f).unwrap_err();
        assert_eq!(msg(replay("t")), "which file?");
        assert!(msg(filed().with_value("topic", "a b")).starts_with("topic: "));
        assert_eq!(
            msg(filed().with_value("keep timestamps", "maybe")),
            "keep timestamps: yes or no, not \"maybe\""
        );
        assert_eq!(
            msg(filed().with_value("messages a second", "-1")),
            "messages a second: a number, 0 for as fast as possible"
        );
    }
}
