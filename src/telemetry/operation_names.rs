//! The `operation` label of the request metrics: the one label clients choose, so it is bounded.
//! A name of `[A-Za-z0-9_]` (at most 64 characters) is kept, first come first served, until
//! `telemetry.max_operation_names` are; later and malformed names count as `other`, unnamed
//! operations as `anonymous`. Kept names live for the process, so a label costs no allocation per
//! request.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LazyLock, RwLock};

/// The label of operations without a name.
pub const ANONYMOUS: &str = "anonymous";
/// The label of names past the limit, and of malformed names.
pub const OTHER: &str = "other";

/// The operation names kept as labels so far.
pub(super) struct OperationNames {
    pub(super) limit: AtomicUsize,
    kept: RwLock<HashSet<&'static str>>,
}

pub(super) static OPERATION_NAMES: LazyLock<OperationNames> = LazyLock::new(|| OperationNames {
    limit: AtomicUsize::new(200),
    kept: RwLock::new(HashSet::new()),
});

/// The `operation` label of an operation named `name`: the name itself while fewer than
/// `telemetry.max_operation_names` are kept (each kept for the process's life), else `other`;
/// `anonymous` without a name; `other` for a name that is not `[A-Za-z0-9_]{1,64}`.
pub fn operation_label(name: Option<&str>) -> &'static str {
    let Some(name) = name else {
        return ANONYMOUS;
    };
    let well_formed = (1..=64).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !well_formed {
        return OTHER;
    }
    let names = &*OPERATION_NAMES;
    if let Some(kept) = names
        .kept
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .get(name)
    {
        return kept;
    }
    let mut kept = names
        .kept
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(known) = kept.get(name) {
        return known;
    }
    if kept.len() >= names.limit.load(Ordering::Relaxed) {
        return OTHER;
    }
    // Bounded by the limit (at most 1,000 names of at most 64 bytes): kept for the process's life
    // so a label costs no allocation per request.
    let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
    kept.insert(leaked);
    leaked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_are_bounded() {
        assert_eq!(operation_label(None), ANONYMOUS);
        assert_eq!(operation_label(Some("")), OTHER);
        assert_eq!(operation_label(Some("Robert'); DROP")), OTHER);
        assert_eq!(operation_label(Some(&"A".repeat(65))), OTHER);
        assert_eq!(operation_label(Some("Dashboard")), "Dashboard");
        let limit = OPERATION_NAMES.limit.load(Ordering::Relaxed);
        for n in 0..limit + 10 {
            operation_label(Some(&format!("Generated{n}")));
        }
        let kept = OPERATION_NAMES.kept.read().expect("not poisoned").len();
        assert!(kept <= limit, "{kept} names kept, limit {limit}");
        assert_eq!(operation_label(Some("OneMoreAfterTheLimit")), OTHER);
        assert_eq!(
            operation_label(Some("Dashboard")),
            "Dashboard",
            "a kept name stays"
        );
    }
}
