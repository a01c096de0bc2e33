//! The shared state of a running gateway: one `Arc<App>` handed to every request.

use std::collections::BTreeMap;
use std::sync::Arc;

use supportgraph_adapters::model::Region;
use supportgraph_adapters::ports::{
    BillingBackend, InventoryBackend, MailBackend, OrderBackend, RegistrationBackend,
    SupportBackend,
};
use supportgraph_adapters::sandbox::identity::SandboxIdentityProvider;

use crate::auth::{ProfileCache, TokenVerifier};
use crate::cache::{Cache, IdempotencyStore};
use crate::carriers::CarrierDirectory;
use crate::countries::{CountryDirectory, InventorySource};
use crate::graphql::limits::DocumentLimits;
use crate::http::persisted::PersistedQueries;
use crate::limits::{GuestLimiter, PrincipalLimiter};
use crate::reload::Reloadable;
use crate::settings::Settings;

/// Everything a request may need, built once by [`crate::startup::Application::build`].
pub struct App {
    /// The settings the gateway started with.
    pub settings: Settings,
    /// Regions, tools and calendars per country (`countries_file`, reloaded while serving).
    pub countries: Reloadable<CountryDirectory>,
    /// Carrier names and tracking-page templates (`carriers_file`, reloaded while serving).
    pub carriers: Reloadable<CarrierDirectory>,
    /// The order-status instance of every region.
    pub order_backends: BTreeMap<Region, Arc<dyn OrderBackend>>,
    /// The online inventory systems (US Inventory OnLine, the EU Services Assistant).
    pub inventory_backends: BTreeMap<InventorySource, Arc<dyn InventoryBackend>>,
    /// The billing instance of every region (invoices, credit notes, payments, statements).
    pub billing_backends: BTreeMap<Region, Arc<dyn BillingBackend>>,
    /// The customer-support system (inquiries, their threads and attachments).
    pub support: Arc<dyn SupportBackend>,
    /// The contracts system (Contracts OnLine).
    pub contracts: Arc<dyn supportgraph_adapters::ports::ContractsBackend>,
    /// The two-tier cache (in-process, plus Redis when configured).
    pub cache: Arc<Cache>,
    /// `Idempotency-Key` records of mutations.
    pub idempotency: IdempotencyStore,
    /// Inquiry submissions prepared (uploaded, dated) for their create call, for a retry to send
    /// the same body.
    pub prepared_inquiries: crate::graphql::inquiries::prepared::PreparedSubmissions,
    /// The registration system (profiles, tool authorisations): what changes them goes here.
    pub registration: Arc<dyn RegistrationBackend>,
    /// Registration profiles and tool authorisations, read through the cache, briefly per user.
    pub profiles: ProfileCache,
    /// The outgoing mail service: every e-mail a tool sends (acknowledgments, notifications,
    /// reports) goes here, once per idempotency key.
    pub mail: Arc<dyn MailBackend>,
    /// The e-mails the gateway writes itself (inquiry acknowledgments and answers), per language.
    pub mail_templates: crate::mail_templates::MailTemplates,
    /// Verifies bearer tokens against the identity provider's key set.
    pub tokens: TokenVerifier,
    /// Limits anonymous order lookups per client address and, across addresses, failed lookups
    /// per customer number (shared through Redis when configured).
    pub guest_limiter: GuestLimiter,
    /// Token buckets of backend-call units per signed-in principal, checked before a request
    /// runs (shared through Redis when configured).
    pub rate_limits: PrincipalLimiter,
    /// Documents registered by hash (automatic persisted queries), and the safelist.
    pub persisted: PersistedQueries,
    /// The origins browser apps may call from (`cors.allowed_origins`, reloaded while serving).
    pub cors_origins: Arc<Reloadable<Vec<crate::http::cors::OriginPattern>>>,
    /// What the last reload took from each file ([`crate::reload`]).
    pub reload_state: crate::reload::ReloadState,
    /// What a document may ask for before it runs: depth, complexity, introspection, root
    /// fields, mutations, estimated backend calls.
    pub document_limits: Reloadable<DocumentLimits>,
    /// Documents admitted before, by text, so repeated documents skip parsing, the limits' walk
    /// and (without variables) validation.
    pub admitted_documents: crate::graphql::limits::AdmittedDocuments,
    /// Live order status: the change feeds' pollers fanning out to `orderStatusChanged`
    /// subscribers, and what each principal may hold on `/graphql/ws`.
    pub live: crate::live::Live,
    /// The support system's change feed, read by one task per instance for as long as the
    /// gateway runs: it e-mails support's answers and fans every change out to `inquiryUpdated`
    /// subscribers.
    pub inquiry_feed: crate::inquiry_feed::InquiryFeedHub,
    /// The contracts system's change feed, read while anyone subscribes to `contractAlerts`.
    pub contract_feed: crate::contract_feed::ContractFeedHub,
    /// Signs and checks the short-lived links downloads and e-mails carry instead of a token.
    pub links: crate::links::LinkSigner,
    /// The sandbox identity provider and the demo user whose token GraphiQL pre-fills; `None`
    /// in production or when `graphiql.prefill_demo_token` is off.
    pub demo_identity: Option<DemoIdentity>,
}

/// Mints tokens for one demo user, for GraphiQL's pre-filled Headers tab (sandbox profile only).
pub struct DemoIdentity {
    /// The sandbox identity provider (signs with the development key).
    pub provider: SandboxIdentityProvider,
    /// The demo user the tokens are for.
    pub user_id: String,
}

impl App {
    /// A fresh token for the demo user, or `None` when this gateway pre-fills none.
    pub fn demo_token(&self) -> Option<String> {
        let demo = self.demo_identity.as_ref()?;
        match demo.provider.mint(&demo.user_id) {
            Ok(token) => Some(token),
            Err(error) => {
                tracing::error!(%error, "cannot mint the demo token for GraphiQL");
                None
            }
        }
    }
}
