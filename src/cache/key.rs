//! Cache keys. A key names the backend instance (and so the region), the operation, its
//! arguments, the caller's authorised scope, the value's type, the versions of the namespaces the
//! value depends on, and the cache format's version — so data is never shared across scopes, a
//! mutation's namespace bump makes old entries unreachable, and a deploy that changes the model
//! never reads entries written by another.

use std::time::Duration;

use sha2::{Digest, Sha256};

/// Bumped when the key layout itself changes.
pub const FORMAT_VERSION: u32 = 2;

/// A fingerprint of the model's source (see `build.rs`): any change to the model gives new keys.
pub const MODEL_FINGERPRINT: &str = env!("CACHE_MODEL_FINGERPRINT");

/// A group of entries invalidated together, e.g. `("profile", user_id)` or
/// `("orders", customer_number)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Namespace {
    /// The kind of data.
    pub kind: &'static str,
    /// Whose data.
    pub id: String,
}

impl Namespace {
    /// A namespace of `kind` for `id`.
    pub fn new(kind: &'static str, id: impl Into<String>) -> Self {
        Self {
            kind,
            id: id.into(),
        }
    }
}

/// Everything that identifies one cached value.
#[derive(Debug, Clone)]
pub struct CacheKey {
    /// The backend instance, e.g. `order-status/emea`.
    pub backend: String,
    /// The operation, e.g. `list_orders`.
    pub operation: &'static str,
    /// The operation's arguments, in a canonical text form.
    pub arguments: String,
    /// The caller's authorised scope for this call (customer numbers, or a user ID); sorted.
    pub scope: Vec<String>,
    /// Namespaces whose bump invalidates this value.
    pub namespaces: Vec<Namespace>,
    /// How long the value may be served.
    pub ttl: Duration,
}

fn field(hasher: &mut Sha256, bytes: &[u8]) {
    hasher.update((bytes.len() as u64).to_be_bytes());
    hasher.update(bytes);
}

impl CacheKey {
    /// A key with `scope` sorted, so the same scope in another order is the same key.
    pub fn new(
        backend: impl Into<String>,
        operation: &'static str,
        arguments: impl Into<String>,
        mut scope: Vec<String>,
        namespaces: Vec<Namespace>,
        ttl: Duration,
    ) -> Self {
        scope.sort();
        scope.dedup();
        Self {
            backend: backend.into(),
            operation,
            arguments: arguments.into(),
            scope,
            namespaces,
            ttl,
        }
    }

    /// The key's text: `{prefix}:c{format}:{backend}:{operation}:{sha256}`, where the digest
    /// covers the arguments, scope, value type and namespace versions, each length-prefixed so
    /// no two different inputs can run together into the same bytes.
    pub fn render(&self, prefix: &str, value_type: &str, versions: &[u64]) -> String {
        let mut hasher = Sha256::new();
        field(&mut hasher, self.arguments.as_bytes());
        hasher.update((self.scope.len() as u64).to_be_bytes());
        for item in &self.scope {
            field(&mut hasher, item.as_bytes());
        }
        field(&mut hasher, value_type.as_bytes());
        hasher.update((self.namespaces.len() as u64).to_be_bytes());
        for (namespace, version) in self.namespaces.iter().zip(versions) {
            field(&mut hasher, namespace.kind.as_bytes());
            field(&mut hasher, namespace.id.as_bytes());
            hasher.update(version.to_be_bytes());
        }
        let hex = crate::hashing::hex(&hasher.finalize());
        format!(
            "{prefix}:c{FORMAT_VERSION}-{MODEL_FINGERPRINT}:{}:{}:{hex}",
            self.backend, self.operation
        )
    }
}

/// The key under which a namespace's version is kept.
pub fn namespace_key(prefix: &str, namespace: &Namespace) -> String {
    format!("{prefix}:ns:{}:{}", namespace.kind, namespace.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key(scope: Vec<String>) -> CacheKey {
        CacheKey::new(
            "order-status/emea",
            "list_orders",
            "limit=21",
            scope,
            Vec::new(),
            Duration::from_secs(1),
        )
    }

    proptest! {
        #[test]
        fn principals_with_different_scopes_never_share_a_key(
            a in proptest::collection::btree_set("[0-9A-Za-z,:]{0,8}", 0..6),
            b in proptest::collection::btree_set("[0-9A-Za-z,:]{0,8}", 0..6),
        ) {
            let ka = key(a.iter().cloned().collect()).render("p", "T", &[]);
            let kb = key(b.iter().cloned().collect()).render("p", "T", &[]);
            prop_assert_eq!(a == b, ka == kb);
        }

        #[test]
        fn the_same_scope_in_any_order_is_the_same_key(
            mut scope in proptest::collection::vec("[0-9]{1,7}", 1..6),
        ) {
            let forward = key(scope.clone()).render("p", "T", &[]);
            scope.reverse();
            prop_assert_eq!(forward, key(scope).render("p", "T", &[]));
        }
    }

    #[test]
    fn scope_items_cannot_run_together() {
        let joined = key(vec!["ab".into(), "c".into()]).render("p", "T", &[]);
        let split = key(vec!["a".into(), "bc".into()]).render("p", "T", &[]);
        assert_ne!(joined, split);
    }

    #[test]
    fn a_namespace_bump_or_another_type_changes_the_key() {
        let mut k = key(vec!["1".into()]);
        k.namespaces = vec![Namespace::new("orders", "1")];
        assert_ne!(k.render("p", "T", &[0]), k.render("p", "T", &[1]));
        assert_ne!(k.render("p", "T", &[0]), k.render("p", "U", &[0]));
    }
}
