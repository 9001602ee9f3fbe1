//! Where in a value an error happened, printed as `address.zip` or `items[2].id`.

/// A stack of field names and indexes, pushed and popped while walking a value.
#[derive(Debug, Default, Clone)]
pub(crate) struct FieldPath(Vec<Segment>);

#[derive(Debug, Clone)]
enum Segment {
    Field(String),
    Index(usize),
}

impl FieldPath {
    /// Enters a record field or map key.
    pub(crate) fn push_field(&mut self, name: &str) {
        self.0.push(Segment::Field(name.to_string()));
    }

    /// Enters an array item.
    pub(crate) fn push_index(&mut self, index: usize) {
        self.0.push(Segment::Index(index));
    }

    /// How many segments deep the walk is.
    pub(crate) fn depth(&self) -> usize {
        self.0.len()
    }

    /// Leaves the innermost segment.
    pub(crate) fn pop(&mut self) {
        self.0.pop();
    }
}

impl std::fmt::Display for FieldPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Field(name) if i == 0 => f.write_str(name)?,
                Segment::Field(name) => write!(f, ".{name}")?,
                Segment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::FieldPath;

    #[test]
    fn prints_dotted_with_indexes() {
        let mut path = FieldPath::default();
        assert_eq!(path.to_string(), "");
        path.push_field("items");
        path.push_index(2);
        path.push_field("id");
        assert_eq!(path.to_string(), "items[2].id");
        path.pop();
        path.pop();
        assert_eq!(path.to_string(), "items");
    }
}
