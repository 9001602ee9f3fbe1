//! Union branches: which one a JSON value goes to, natural or `{"branch": value}`.

use apache_avro::schema::{Schema, UnionSchema};
use serde_json::Value;

use super::binary::write_long;
use super::encode::{describe, Fail, Mode};
use super::AvroSchema;
use crate::path::FieldPath;

impl AvroSchema {
    /// Writes the first candidate branch that takes the value (see [`Self::candidates`]).
    /// Each try writes into its own buffer, which is kept on success: re-writing after a
    /// trial would double the work at every level of nested unions.
    pub(super) fn write_union(
        &self,
        union: &UnionSchema,
        value: &Value,
        mode: Mode,
        out: &mut Vec<u8>,
        path: &mut FieldPath,
    ) -> Result<(), Fail> {
        for (index, inner, inner_mode) in self.candidates(union, value, mode) {
            let mut buffer = Vec::new();
            let branch = &union.variants()[index];
            if self
                .write(
                    branch,
                    inner,
                    inner_mode,
                    &mut buffer,
                    &mut FieldPath::default(),
                )
                .is_ok()
            {
                write_long(i64::try_from(index).unwrap_or(i64::MAX), out);
                out.extend_from_slice(&buffer);
                return Ok(());
            }
        }
        // With one non-null branch its own error says most; otherwise list the branches.
        let non_null: Vec<&Schema> = union
            .variants()
            .iter()
            .filter(|s| !matches!(s, Schema::Null))
            .collect();
        if let [only] = non_null[..] {
            if !value.is_null() {
                self.write(only, value, mode, &mut Vec::new(), path)?;
            }
        }
        let names: Vec<String> = union
            .variants()
            .iter()
            .map(|s| super::branch_name(self.resolve(s)))
            .collect();
        Err(format!(
            "{} fits no branch of the union [{}]",
            describe(value),
            names.join(", ")
        ))
    }

    /// The inner value when `value` is `{"<name of branch>": inner}`.
    fn unwrap_for<'v>(&self, branch: &Schema, value: &'v Value) -> Option<&'v Value> {
        let object = value.as_object()?;
        if object.len() != 1 {
            return None;
        }
        let (key, inner) = object.iter().next()?;
        super::names_branch(self.resolve(branch), key).then_some(inner)
    }

    /// The branches to try for `value`, in order, with the value to write into each: for
    /// a field default its first branch; then the wrapped form `{"string": "x"}` for a
    /// branch its key names; then every branch with the value as it is.
    fn candidates<'v>(
        &self,
        union: &UnionSchema,
        value: &'v Value,
        mode: Mode,
    ) -> Vec<(usize, &'v Value, Mode)> {
        let variants = union.variants();
        let mut candidates = Vec::with_capacity(variants.len() + 2);
        if mode == Mode::Default && !variants.is_empty() {
            candidates.push((0, value, mode));
        }
        for (index, branch) in variants.iter().enumerate() {
            if let Some(inner) = self.unwrap_for(branch, value) {
                candidates.push((index, inner, Mode::Natural));
            }
        }
        candidates.extend((0..variants.len()).map(|index| (index, value, mode)));
        candidates
    }

    /// Whether encoding the natural `value` would pick branch `chosen` (the one it was
    /// decoded from), so the decoder can leave it unwrapped.
    pub(crate) fn encodes_as(&self, union: &UnionSchema, value: &Value, chosen: usize) -> bool {
        for (index, inner, mode) in self.candidates(union, value, Mode::Natural) {
            if index == chosen && std::ptr::eq(inner, value) {
                return true;
            }
            let branch = &union.variants()[index];
            let mut sink = Vec::new();
            if self
                .write(branch, inner, mode, &mut sink, &mut FieldPath::default())
                .is_ok()
            {
                return false;
            }
        }
        false
    }
}
