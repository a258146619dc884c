//! A bound on what YAML aliases may expand to, checked before the front matter is built.
//!
//! serde_yaml replays an alias's events wherever the alias is used and stops nested
//! "billion laughs" documents with its repetition limit, but a flat fan-out (`a: &a <1 MB
//! string>` then `b: [*a, *a, …]`) stays under that limit while each use clones the whole
//! anchored value: a 1 MB file can ask for gigabytes. So a first pass walks the document
//! through serde_yaml's own deserializer without keeping anything, adding up the bytes of
//! every scalar as the aliases expand them, and stops at [`expansion_budget`]. Only a
//! document within the budget is then turned into a `Value`. Both passes are linear in the
//! expanded size, which the budget bounds by a multiple of the input.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Visitor};

/// Bytes that aliases may add on top of the document's own size, at least.
pub(super) const MIN_EXTRA_BYTES: usize = 1024 * 1024;

/// The most bytes of scalars (and nodes, one byte each) a document of `yaml_len` bytes
/// may expand to: the document itself, plus as much again or [`MIN_EXTRA_BYTES`],
/// whichever is more. Without aliases a document expands to at most its own size.
pub(super) fn expansion_budget(yaml_len: usize) -> usize {
    yaml_len + yaml_len.max(MIN_EXTRA_BYTES)
}

/// The message serde_yaml reports when a document expands past its budget, after the
/// path of the alias (`b[10]: `) and with the position of the anchor it copies.
pub(super) const OVER_BUDGET: &str = "aliases expand this front matter past its limit";

/// Walks `yaml` and fails, with serde_yaml's error and position, when its aliases expand it
/// past [`expansion_budget`]. Syntax errors are left for the real parse to report.
///
/// A document without a `*` has no alias, and so expands to at most its own size, within
/// the budget: it is not walked (the walk was half the cost of reading front matter).
pub(super) fn check(yaml: &str) -> Result<(), serde_yaml::Error> {
    if !yaml.contains('*') {
        return Ok(());
    }
    walk(yaml)
}

/// The walk of [`check`], for every document.
fn walk(yaml: &str) -> Result<(), serde_yaml::Error> {
    let left = Cell::new(expansion_budget(yaml.len()));
    let over = Cell::new(false);
    let walk = Walk {
        left: &left,
        over: &over,
    };
    match walk.deserialize(serde_yaml::Deserializer::from_str(yaml)) {
        Err(err) if over.get() => Err(err),
        _ => Ok(()),
    }
}

/// One node of the walk; `left` is the budget still unspent.
#[derive(Clone, Copy)]
struct Walk<'a> {
    left: &'a Cell<usize>,
    /// Set when the budget ran out (serde_yaml may reword the error on its way out).
    over: &'a Cell<bool>,
}

impl Walk<'_> {
    fn spend<E: de::Error>(self, bytes: usize) -> Result<(), E> {
        match self.left.get().checked_sub(bytes.saturating_add(1)) {
            Some(left) => {
                self.left.set(left);
                Ok(())
            }
            None => {
                self.over.set(true);
                Err(E::custom(OVER_BUDGET))
            }
        }
    }
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.spend(8)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.spend(8)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.spend(8)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.spend(v.len())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.spend(0)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        self.deserialize(deserializer)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.spend::<A::Error>(0)?;
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.spend::<A::Error>(0)?;
        while map.next_key_seed(self)?.is_some() {
            map.next_value_seed(self)?;
        }
        Ok(())
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        // A tagged value (`!tag x`): the tag, then its value.
        let ((), variant) = data.variant_seed(self)?;
        de::VariantAccess::newtype_variant_seed(variant, self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flat_alias_fan_out_is_stopped_with_its_position() {
        let big = "x".repeat(100_000);
        let uses = vec!["*a"; 100].join(", ");
        let yaml = format!("title: T\na: &a {big}\nb: [{uses}]\n");
        let err = check(&yaml).expect_err("over budget");
        assert!(err.to_string().contains(OVER_BUDGET), "{err}");
        // serde_yaml places it at the anchor whose copies ran out, and names the alias.
        assert_eq!(err.location().map(|l| l.line()), Some(2), "{err}");
        assert!(err.to_string().starts_with("b[10]: "), "{err}");
    }

    #[test]
    fn small_anchors_reused_and_documents_without_aliases_pass() {
        let uses = vec!["*a"; 1000].join(", ");
        check(&format!("a: &a short\nb: [{uses}]\nc: !tag {{x: 1}}\n")).expect("in budget");
        check(&format!("title: {}\n", "x".repeat(3_000_000))).expect("no aliases");
        check("title: [unclosed\n").expect("syntax errors are left to the parse");
    }

    /// What lets `check` skip documents without a `*`: the densest alias-free documents
    /// (most nodes per byte, escapes, folded and literal scalars), past the 1 MB where the
    /// budget becomes twice the size, pass the walk.
    #[test]
    fn documents_without_aliases_stay_within_the_budget_when_walked() {
        let shapes = [
            "-\n",
            "- []\n",
            "- [[], {}, [[]]]\n",
            "- {a: , b: [~, '']}\n",
            "- \"\\x41\\u0042\\t\"\n",
            "- |\n  a\n\n  b\n",
            "- >+\n  a\n\n\n",
            "- !tag x\n",
            "- ? a\n  : b\n",
        ];
        for shape in shapes {
            let yaml = shape.repeat(MIN_EXTRA_BYTES / shape.len() * 3);
            assert!(!yaml.contains('*'));
            serde_yaml::from_str::<serde_yaml::Value>(shape)
                .unwrap_or_else(|err| panic!("{shape:?} is not YAML: {err}"));
            walk(&yaml).unwrap_or_else(|err| panic!("{shape:?}: {err}"));
        }
    }
}
