//! Kafka's topic-name rules (`org.apache.kafka.common.internals.Topic.validate`): the
//! broker refuses a bad name with them, and the dashboard checks a name before it asks.

use kafka_protocol::error::ResponseError;

/// A name Kafka refuses, with Kafka 4's message (INVALID_TOPIC_EXCEPTION).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("Topic name is invalid: {0}")]
pub struct InvalidTopicName(String);

impl InvalidTopicName {
    /// The Kafka error code a broker answers with.
    pub fn code(&self) -> i16 {
        ResponseError::InvalidTopicException.code()
    }
}

/// Longest name Kafka accepts.
const MAX_NAME_LENGTH: usize = 249;

/// Checks `name` against Kafka's topic name rules.
pub fn validate_topic_name(name: &str) -> Result<(), InvalidTopicName> {
    let invalid = |why: String| Err(InvalidTopicName(why));
    if name.is_empty() {
        return invalid("the empty string is not allowed".into());
    }
    if name == "." || name == ".." {
        return invalid(format!("'{name}' is not allowed"));
    }
    if name.len() > MAX_NAME_LENGTH {
        return invalid(format!(
            "the length of '{name}' is longer than the max allowed length {MAX_NAME_LENGTH}"
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-')
    {
        return invalid(format!(
            "'{name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_kafka_rules() {
        assert!(validate_topic_name("strconv").is_ok());
        assert!(validate_topic_name("a.b_c-1").is_ok());
        for bad in ["", ".", "..", "has space", "ünï", &"x".repeat(250)] {
            assert_eq!(validate_topic_name(bad).unwrap_err().code(), 17, "{bad:?}");
        }
    }

    #[test]
    fn messages_are_kafkas() {
        assert_eq!(
            validate_topic_name("..").unwrap_err().to_string(),
            "Topic name is invalid: '..' is not allowed"
        );
        assert!(validate_topic_name(&"x".repeat(249)).is_ok());
    }
}
