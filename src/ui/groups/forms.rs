//! The groups pane's forms — add an in-app member, reset a group's offsets, delete a
//! group, filter the list — each built and parsed here, side by side, reading fields by
//! their labels; and what a submitted one does to the pane.

use crate::kafka::members::MemberSpec;
use crate::kafka::messages::{KafkaCommand, ResetTo};
use crate::ui::effect::Effect;
use crate::ui::form::{Form, FormKind};
use crate::ui::groups::GroupsState;

/// The assignors an in-app member can use: classic ones, then KIP-848's.
const ASSIGNORS: [&str; 5] = [
    "range",
    "roundrobin",
    "cooperative-sticky",
    "consumer:uniform",
    "consumer:range",
];

/// The form that adds an in-app member, filled with a likely group, topics and assignor.
pub fn add_member(group: &str, topics: &str, assignor: &str) -> Form {
    Form::new(
        FormKind::AddMember,
        "Add an in-app member",
        &[("group", group), ("topics", topics), ("assignor", assignor)],
    )
    .with_hints(&[
        "the group id: an existing group, or a new one",
        "comma-separated names; one starting with ^ is a regex",
        "classic: range, roundrobin, cooperative-sticky · consumer protocol (KIP-848): consumer:uniform, consumer:range",
    ])
}

/// The member a filled-in add-member form describes, or what is wrong with it.
pub fn parse_add_member(form: &Form) -> Result<MemberSpec, String> {
    let group = form.field("group").to_string();
    if group.is_empty() {
        return Err("a group id is needed".into());
    }
    let topics: Vec<String> = form
        .field("topics")
        .split(',')
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    if topics.is_empty() {
        return Err("at least one topic is needed".into());
    }
    for t in &topics {
        // librdkafka's rule: a leading ^ makes it a regex.
        if t.starts_with('^') {
            regex::Regex::new(t).map_err(|e| format!("regex {t:?}: {e}"))?;
        } else {
            wire::validate_topic_name(t).map_err(|e| format!("topic {t:?}: {e}"))?;
        }
    }
    let assignor = form.field("assignor").to_string();
    if !ASSIGNORS.contains(&assignor.as_str()) {
        return Err("assignor must be range, roundrobin or cooperative-sticky (classic protocol), or consumer:uniform or consumer:range (the consumer protocol, KIP-848)".into());
    }
    Ok(MemberSpec {
        group,
        topics,
        assignor,
    })
}

/// The form that resets `group`'s offsets once its name is typed.
pub fn reset_offsets(group: &str) -> Form {
    Form::new(
        FormKind::ResetOffsets(group.to_string()),
        format!("Reset offsets of {group} (group must be inactive)"),
        &[("to", "earliest"), ("confirm", "")],
    )
    .with_hints(&[
        "earliest, latest, an offset, or -N for N minutes ago",
        "type the group's name to confirm",
    ])
}

/// Where a filled-in reset form moves `group`'s offsets; `now_ms` is the wall clock
/// (`-N` counts back from it).
pub fn parse_reset(form: &Form, group: &str, now_ms: i64) -> Result<ResetTo, String> {
    if form.field("confirm") != group {
        return Err(format!("type {group} exactly to reset its offsets"));
    }
    Ok(match form.field("to") {
        "earliest" => ResetTo::Earliest,
        "latest" => ResetTo::Latest,
        v if v.starts_with('-') => {
            let minutes = v[1..]
                .parse::<i64>()
                .map_err(|_| "-N means N minutes ago")?;
            ResetTo::Time(now_ms - minutes * 60_000)
        }
        v => ResetTo::Offset(
            v.parse::<i64>()
                .map_err(|_| "earliest, latest, an offset, or -N minutes")?,
        ),
    })
}

/// The form that deletes `group` once its name is typed.
pub fn delete(group: &str) -> Form {
    Form::new(
        FormKind::DeleteGroup(group.to_string()),
        format!("Delete group {group}? Type its name"),
        &[("name", "")],
    )
}

/// The delete command, if the name typed is the group's.
pub fn parse_delete(form: &Form, group: &str) -> Result<KafkaCommand, String> {
    if form.field("name") != group {
        return Err(format!("type {group} exactly to delete it"));
    }
    Ok(KafkaCommand::DeleteGroup(group.to_string()))
}

/// The form that filters the list by name and state, showing the filter in use.
pub fn filter(name: &str, state: &str) -> Form {
    Form::new(
        FormKind::GroupFilter,
        "Filter groups (empty: all)",
        &[("name", name), ("state", state)],
    )
    .with_hints(&[
        "groups whose name contains this text",
        "groups whose state starts with this: Stable, Empty, Preparing…, Dead",
    ])
}

/// The (name, state) filter a filled-in filter form sets.
pub fn parse_filter(form: &Form) -> (String, String) {
    (
        form.field("name").to_string(),
        form.field("state").to_string(),
    )
}

impl GroupsState {
    /// Acts on a submitted groups form at wall-clock `now_ms`: what the app must do,
    /// or what is wrong with the form.
    pub fn submit_form(&mut self, form: &Form, now_ms: i64) -> Result<Vec<Effect>, String> {
        match &form.kind {
            FormKind::AddMember => {
                let spec = parse_add_member(form)?;
                let group = spec.group.clone();
                if let Some(i) = self.groups.iter().position(|g| g.name == group) {
                    self.selected = i;
                } else {
                    // A new group: select it when the watcher lists it.
                    self.want_selected = Some(group.clone());
                }
                Ok(vec![
                    Effect::Command(KafkaCommand::AddMember(spec)),
                    Effect::WatchGroup(group),
                ])
            }
            FormKind::ResetOffsets(group) => {
                let to = parse_reset(form, group, now_ms)?;
                Ok(vec![Effect::Command(KafkaCommand::ResetOffsets {
                    group: group.clone(),
                    to,
                })])
            }
            FormKind::DeleteGroup(group) => Ok(vec![Effect::Command(parse_delete(form, group)?)]),
            FormKind::GroupFilter => {
                (self.filter, self.state_filter) = parse_filter(form);
                self.refresh_view();
                Ok(vec![Effect::FollowSelectedGroup])
            }
            other => Err(format!("not a groups form: {other:?}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_member_reads_group_topics_and_assignor() {
        let spec = parse_add_member(&add_member("g", " a, ^lag.* ,", "consumer:range")).unwrap();
        assert_eq!(spec.group, "g");
        assert_eq!(spec.topics, vec!["a".to_string(), "^lag.*".to_string()]);
        assert_eq!(spec.assignor, "consumer:range");
    }

    #[test]
    fn add_member_says_what_is_wrong() {
        let msg = |g, t, a| parse_add_member(&add_member(g, t, a)).unwrap_err();
        assert_eq!(msg("", "a", "range"), "a group id is needed");
        assert_eq!(msg("g", " , ", "range"), "at least one topic is needed");
        assert!(msg("g", "^(", "range").starts_with("regex \"^(\""));
        assert!(msg("g", "a b", "range").starts_with("topic \"a b\""));
        assert!(msg("g", "a", "sticky").starts_with("assignor must be"));
    }

    #[test]
    fn reset_reads_where_to_and_needs_the_name() {
        let form = |to: &str, confirm: &str| {
            reset_offsets("g")
                .with_value("to", to)
                .with_value("confirm", confirm)
        };
        let now = 1_000_000_000;
        assert_eq!(
            parse_reset(&form("earliest", "g"), "g", now),
            Ok(ResetTo::Earliest)
        );
        assert_eq!(
            parse_reset(&form("latest", "g"), "g", now),
            Ok(ResetTo::Latest)
        );
        assert_eq!(
            parse_reset(&form("42", "g"), "g", now),
            Ok(ResetTo::Offset(42))
        );
        assert_eq!(
            parse_reset(&form("-5", "g"), "g", now),
            Ok(ResetTo::Time(now - 300_000))
        );
        assert_eq!(
            parse_reset(&form("earliest", "G"), "g", now).unwrap_err(),
            "type g exactly to reset its offsets"
        );
        assert_eq!(
            parse_reset(&form("-x", "g"), "g", now).unwrap_err(),
            "-N means N minutes ago"
        );
        assert_eq!(
            parse_reset(&form("soon", "g"), "g", now).unwrap_err(),
            "earliest, latest, an offset, or -N minutes"
        );
    }

    #[test]
    fn delete_and_filter_read_their_fields() {
        assert!(parse_delete(&delete("g").with_value("name", "g"), "g").is_ok());
        assert_eq!(
            parse_delete(&delete("g"), "g").unwrap_err(),
            "type g exactly to delete it"
        );
        assert_eq!(
            parse_filter(&filter(" pay ", "Stable")),
            ("pay".to_string(), "Stable".to_string())
        );
    }

    #[test]
    fn adding_a_member_to_a_new_group_selects_it_once_listed() {
        let mut s = GroupsState::default();
        let effects = s.submit_form(&add_member("new", "t", "range"), 0).unwrap();
        assert_eq!(s.want_selected.as_deref(), Some("new"));
        assert!(matches!(effects.last(), Some(Effect::WatchGroup(g)) if g == "new"));
    }
}
