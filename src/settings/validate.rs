//! The checks a value passes beyond its type: ranges, a backend timeout shorter than the
//! request deadline, the production profile's refusals. Each failure names its key.

use supportgraph_adapters::sandbox::validate_fault;

use super::{MAX_LEEWAY_SECONDS, MAX_PAGE_SIZE, Profile, Settings, SettingsError, rejected};

impl Settings {
    pub(super) fn validate(&self) -> Result<(), SettingsError> {
        let g = &self.graphql;
        if g.max_page_size == 0 {
            return Err(rejected("graphql.max_page_size", "must be at least 1"));
        }
        if g.default_page_size == 0 || g.default_page_size > g.max_page_size {
            return Err(rejected(
                "graphql.default_page_size",
                "must be between 1 and graphql.max_page_size",
            ));
        }
        let deadline = self.server.request_timeout_ms;
        for (key, timeout) in [
            (
                "backends.order_status.timeout_ms",
                self.backends.order_status.timeout_ms,
            ),
            (
                "backends.registration.timeout_ms",
                self.backends.registration.timeout_ms,
            ),
            (
                "backends.us_inventory.timeout_ms",
                self.backends.us_inventory.timeout_ms,
            ),
            (
                "backends.eu_services_assistant.timeout_ms",
                self.backends.eu_services_assistant.timeout_ms,
            ),
            ("backends.mail.timeout_ms", self.backends.mail.timeout_ms),
            (
                "backends.billing.timeout_ms",
                self.backends.billing.timeout_ms,
            ),
            (
                "backends.support.timeout_ms",
                self.backends.support.timeout_ms,
            ),
            (
                "backends.support.transfer_timeout_ms",
                self.backends.support.transfer_timeout_ms,
            ),
            (
                "backends.contracts.timeout_ms",
                self.backends.contracts.timeout_ms,
            ),
        ] {
            if timeout == 0 || timeout >= deadline {
                return Err(rejected(
                    key,
                    format!(
                        "must be between 1 and server.request_timeout_ms ({deadline}) - 1, so a slow backend cannot use up the whole request"
                    ),
                ));
            }
        }
        if self.auth.issuer.is_empty() {
            return Err(rejected("auth.issuer", "must not be empty"));
        }
        if self.auth.audience.is_empty() {
            return Err(rejected("auth.audience", "must not be empty"));
        }
        if g.max_page_size > MAX_PAGE_SIZE {
            return Err(rejected(
                "graphql.max_page_size",
                format!("must be at most {MAX_PAGE_SIZE}"),
            ));
        }
        if self.auth.jwks_timeout_ms == 0 || self.auth.jwks_timeout_ms >= deadline {
            return Err(rejected(
                "auth.jwks_timeout_ms",
                format!("must be between 1 and server.request_timeout_ms ({deadline}) - 1"),
            ));
        }
        let auth = &self.auth;
        if auth.leeway_seconds > MAX_LEEWAY_SECONDS {
            return Err(rejected(
                "auth.leeway_seconds",
                format!("must be at most {MAX_LEEWAY_SECONDS}: clock skew, not a grace period"),
            ));
        }
        if auth.jwks_min_refetch_seconds == 0 {
            return Err(rejected(
                "auth.jwks_min_refetch_seconds",
                "must be at least 1, or every unknown kid makes the gateway call the identity provider",
            ));
        }
        if auth.jwks_cache_seconds < auth.jwks_min_refetch_seconds {
            return Err(rejected(
                "auth.jwks_cache_seconds",
                "must be at least auth.jwks_min_refetch_seconds",
            ));
        }
        if self.redis.key_prefix.is_empty() || self.redis.key_prefix.contains(char::is_whitespace) {
            return Err(rejected("redis.key_prefix", "must be a non-empty word"));
        }
        if self.redis.op_timeout_ms == 0 || self.redis.op_timeout_ms >= deadline {
            return Err(rejected(
                "redis.op_timeout_ms",
                "must be between 1 and server.request_timeout_ms - 1 (tens of ms is right)",
            ));
        }
        if self.cache.idempotency_ttl_seconds == 0 {
            return Err(rejected(
                "cache.idempotency_ttl_seconds",
                "must be at least 1: an Idempotency-Key must be remembered",
            ));
        }
        let r = &self.resilience;
        if !(0.0..=1.0).contains(&r.retry_ratio) {
            return Err(rejected(
                "resilience.retry_ratio",
                "must be between 0.0 and 1.0",
            ));
        }
        if !(0.0..=1.0).contains(&r.breaker_failure_rate) || r.breaker_failure_rate == 0.0 {
            return Err(rejected(
                "resilience.breaker_failure_rate",
                "must be above 0.0 and at most 1.0",
            ));
        }
        if r.breaker_window == 0 || r.breaker_min_calls == 0 {
            return Err(rejected(
                "resilience.breaker_window",
                "breaker_window and breaker_min_calls must be at least 1",
            ));
        }
        if self.guest.lookups_per_minute == 0 {
            return Err(rejected("guest.lookups_per_minute", "must be at least 1"));
        }
        if self.guest.failed_lookups_per_customer_per_minute == 0 {
            return Err(rejected(
                "guest.failed_lookups_per_customer_per_minute",
                "must be at least 1",
            ));
        }
        let l = &self.limits;
        for (key, value) in [
            ("limits.max_backend_calls", l.max_backend_calls as usize),
            ("limits.max_root_fields", l.max_root_fields),
            ("limits.max_mutations", l.max_mutations),
            ("limits.max_response_bytes", l.max_response_bytes),
            ("limits.rate_burst", l.rate_burst as usize),
            ("limits.rate_per_second", l.rate_per_second as usize),
        ] {
            if value == 0 {
                return Err(rejected(key, "must be at least 1"));
            }
        }
        if l.rate_burst < l.max_backend_calls {
            return Err(rejected(
                "limits.rate_burst",
                "must be at least limits.max_backend_calls, or the largest request allowed could never run",
            ));
        }
        self.validate_http()?;
        self.live.validate()?;
        self.portal.validate()?;
        self.inquiries.validate()?;
        self.contracts.validate()?;
        let support = &self.backends.support;
        self.inquiries.validate_deadline(
            deadline,
            support.transfer_timeout_ms,
            support
                .timeout_ms
                .saturating_add(self.backends.mail.timeout_ms),
        )?;
        for (instance, spec) in &self.sandbox.faults {
            validate_fault(instance, spec)
                .map_err(|e| rejected("sandbox.faults", e.to_string()))?;
        }
        if self.persisted_documents.require && self.persisted_documents.manifest.is_none() {
            return Err(rejected(
                "persisted_documents.require",
                "a required safelist needs persisted_documents.manifest",
            ));
        }
        if self.profile == Profile::Production {
            if self.sandbox.embedded {
                return Err(rejected(
                    "sandbox.embedded",
                    "the production profile refuses the embedded sandbox backends",
                ));
            }
            if self
                .auth
                .jwks_url
                .as_ref()
                .is_none_or(|u| u.scheme() != "https")
            {
                return Err(rejected(
                    "auth.jwks_url",
                    "the production profile needs the identity provider's key set over https; it never trusts the sandbox's development key",
                ));
            }
        }
        if !self.sandbox.embedded && self.auth.jwks_url.is_none() {
            return Err(rejected(
                "auth.jwks_url",
                "is required when sandbox.embedded is false",
            ));
        }
        if !self.sandbox.embedded {
            let b = &self.backends;
            for (key, url) in [
                ("backends.order_status.americas", &b.order_status.americas),
                ("backends.order_status.emea", &b.order_status.emea),
                ("backends.order_status.ap", &b.order_status.ap),
                ("backends.registration.base_url", &b.registration.base_url),
                ("backends.us_inventory.base_url", &b.us_inventory.base_url),
                (
                    "backends.eu_services_assistant.base_url",
                    &b.eu_services_assistant.base_url,
                ),
                ("backends.mail.base_url", &b.mail.base_url),
                ("backends.billing.americas", &b.billing.americas),
                ("backends.billing.emea", &b.billing.emea),
                ("backends.billing.ap", &b.billing.ap),
                ("backends.support.base_url", &b.support.base_url),
                ("backends.contracts.base_url", &b.contracts.base_url),
            ] {
                if url.is_none() {
                    return Err(rejected(key, "is required when sandbox.embedded is false"));
                }
            }
        }
        self.validate_links()
    }
}

impl Settings {
    /// The HTTP-facing settings: CORS origins, persisted documents, introspection limits.
    fn validate_http(&self) -> Result<(), SettingsError> {
        for origin in &self.cors.allowed_origins {
            crate::http::cors::OriginPattern::parse(origin)
                .map_err(|message| rejected("cors.allowed_origins", message))?;
        }
        if self.persisted_documents.automatic && self.persisted_documents.automatic_ttl_seconds == 0
        {
            return Err(rejected(
                "persisted_documents.automatic_ttl_seconds",
                "must be at least 1 while persisted_documents.automatic is on",
            ));
        }
        let g = &self.graphql;
        if g.max_introspection_depth == 0
            || g.max_introspection_lists == 0
            || g.max_introspection_cost == 0
        {
            return Err(rejected(
                "graphql.max_introspection_depth",
                "max_introspection_depth, max_introspection_lists and max_introspection_cost must be at least 1",
            ));
        }
        Ok(())
    }
}

impl Settings {
    /// Signed links: the key's form and length, the production profile's need for a shared key,
    /// the lifetime's bounds, the public base URL's shape.
    fn validate_links(&self) -> Result<(), SettingsError> {
        let links = &self.links;
        match (&links.signing_key, self.profile) {
            (Some(key), _) => {
                crate::links::LinkKey::decode(key.expose())
                    .map_err(|e| rejected("links.signing_key", e.to_string()))?;
            }
            (None, Profile::Production) => {
                return Err(rejected(
                    "links.signing_key",
                    crate::links::LinkKeyError::Missing.to_string(),
                ));
            }
            (None, Profile::Sandbox) => {}
        }
        if !crate::links::LIFETIME_SECONDS.contains(&links.lifetime_seconds) {
            let (min, max) = (
                crate::links::LIFETIME_SECONDS.start(),
                crate::links::LIFETIME_SECONDS.end(),
            );
            return Err(rejected(
                "links.lifetime_seconds",
                format!("must be between {min} and {max}"),
            ));
        }
        if links.public_base_url.is_none() && self.profile == Profile::Production {
            // Without it, links would name whatever host a request said it was for.
            return Err(rejected(
                "links.public_base_url",
                "is required in the production profile: the https URL clients reach the gateway at",
            ));
        }
        if let Some(base) = &links.public_base_url {
            let scheme_ok = match self.profile {
                Profile::Production => base.scheme() == "https",
                Profile::Sandbox => matches!(base.scheme(), "http" | "https"),
            };
            if !scheme_ok || !base.has_host() || base.query().is_some() || base.fragment().is_some()
            {
                return Err(rejected(
                    "links.public_base_url",
                    "must be an absolute http(s) URL without query or fragment (https in the production profile)",
                ));
            }
        }
        Ok(())
    }
}
