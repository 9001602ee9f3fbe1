//! The topics pane's forms — create a topic, add partitions, delete a topic — each
//! built and parsed here, side by side, reading fields by their labels.

use crate::kafka::messages::KafkaCommand;
use crate::ui::form::{Form, FormKind};

/// The form that creates a topic.
pub fn create() -> Form {
    Form::new(
        FormKind::CreateTopic,
        "Create topic",
        &[
            ("name", ""),
            ("partitions", "1"),
            ("replication", "1"),
            ("configs", ""),
        ],
    )
    .with_hints(&[
        "letters, digits, . _ - (at most 249)",
        "a number ≥ 1",
        "a number ≥ 1, at most the brokers up",
        "key=value,... e.g. cleanup.policy=compact,retention.ms=60000",
    ])
}

/// The command a filled-in create form asks for, or what is wrong with it.
pub fn parse_create(form: &Form) -> Result<KafkaCommand, String> {
    let name = form.field("name").to_string();
    wire::validate_topic_name(&name).map_err(|e| e.to_string())?;
    let partitions =
        at_least_one(form.field("partitions")).ok_or("partitions must be a number ≥ 1")?;
    let replication =
        at_least_one(form.field("replication")).ok_or("replication must be a number ≥ 1")?;
    let configs = parse_configs(form.field("configs"))?;
    Ok(KafkaCommand::CreateTopic {
        name,
        partitions,
        replication,
        configs,
    })
}

/// `text` as a number ≥ 1.
fn at_least_one(text: &str) -> Option<i32> {
    text.parse::<i32>().ok().filter(|n| *n >= 1)
}

/// `k=v,k=v` as pairs; blanks between commas are skipped.
fn parse_configs(text: &str) -> Result<Vec<(String, String)>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|kv| {
            kv.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .ok_or_else(|| format!("config {kv:?} is not key=value"))
        })
        .collect()
}

/// The form that grows `topic` from `current` partitions.
pub fn add_partitions(topic: &str, current: i32) -> Form {
    Form::new(
        FormKind::AddPartitions(topic.to_string()),
        format!("Add partitions to {topic} (now {current})"),
        &[("new total", &(current + 1).to_string())],
    )
}

/// The command a filled-in add-partitions form asks for.
pub fn parse_add_partitions(form: &Form, topic: &str) -> Result<KafkaCommand, String> {
    let total = form
        .field("new total")
        .parse::<usize>()
        .map_err(|_| "the new total must be a number")?;
    Ok(KafkaCommand::AddPartitions {
        topic: topic.to_string(),
        total,
    })
}

/// The form that deletes `topic` once its name is typed.
pub fn delete(topic: &str) -> Form {
    Form::new(
        FormKind::DeleteTopic(topic.to_string()),
        format!("Delete {topic}? Type its name"),
        &[("name", "")],
    )
}

/// The delete command, if the name typed is the topic's.
pub fn parse_delete(form: &Form, topic: &str) -> Result<KafkaCommand, String> {
    if form.field("name") != topic {
        return Err(format!("type {topic} exactly to delete it"));
    }
    Ok(KafkaCommand::DeleteTopic(topic.to_string()))
}

/// Parses a submitted topics form into the command it asks for.
/// The filter form, holding the current filter.
pub fn filter(current: &str) -> Form {
    Form::new(
        FormKind::TopicFilter,
        "Filter topics (empty: all)",
        &[("name", current)],
    )
    .with_hints(&["topics whose name contains this text (any case)"])
}

/// The filter a filled-in filter form sets.
pub fn parse_filter(form: &Form) -> String {
    form.field("name").trim().to_string()
}

/// The command a filled-in create, grow or delete form asks for.
pub fn submit(form: &Form) -> Result<KafkaCommand, String> {
    match &form.kind {
        FormKind::CreateTopic => parse_create(form),
        FormKind::AddPartitions(topic) => parse_add_partitions(form, topic),
        FormKind::DeleteTopic(topic) => parse_delete(form, topic),
        other => Err(format!("not a topics form: {other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(r: Result<KafkaCommand, String>) -> String {
        r.expect_err("should be refused")
    }

    #[test]
    fn create_reads_every_field_by_name() {
        let form = create()
            .with_value("name", "orders")
            .with_value("partitions", "3")
            .with_value("configs", "cleanup.policy=compact, retention.ms = 60000,");
        match parse_create(&form) {
            Ok(KafkaCommand::CreateTopic {
                name,
                partitions,
                replication,
                configs,
            }) => {
                assert_eq!((name.as_str(), partitions, replication), ("orders", 3, 1));
                assert_eq!(
                    configs,
                    vec![
                        ("cleanup.policy".into(), "compact".into()),
                        ("retention.ms".into(), "60000".into())
                    ]
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn create_says_what_is_wrong() {
        let named = || create().with_value("name", "t");
        assert!(!err(parse_create(&create().with_value("name", "a b"))).is_empty());
        assert_eq!(
            err(parse_create(&named().with_value("partitions", "0"))),
            "partitions must be a number ≥ 1"
        );
        assert_eq!(
            err(parse_create(&named().with_value("replication", "x"))),
            "replication must be a number ≥ 1"
        );
        assert_eq!(
            err(parse_create(&named().with_value("configs", "a=1,oops"))),
            "config \"oops\" is not key=value"
        );
    }

    #[test]
    fn add_partitions_offers_one_more_and_needs_a_number() {
        let form = add_partitions("t", 4);
        assert!(matches!(
            parse_add_partitions(&form, "t"),
            Ok(KafkaCommand::AddPartitions { total: 5, .. })
        ));
        assert_eq!(
            err(parse_add_partitions(
                &form.with_value("new total", "many"),
                "t"
            )),
            "the new total must be a number"
        );
    }

    #[test]
    fn delete_needs_the_exact_name() {
        assert_eq!(
            err(parse_delete(
                &delete("doomed").with_value("name", "doom"),
                "doomed"
            )),
            "type doomed exactly to delete it"
        );
        let form = delete("doomed").with_value("name", "doomed");
        assert!(matches!(submit(&form), Ok(KafkaCommand::DeleteTopic(t)) if t == "doomed"));
    }
}
