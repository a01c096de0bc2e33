//! The e-mails the gateway writes itself (an inquiry's acknowledgment, a support answer), in the
//! language of the user's profile, from template files under `templates/mail/{language}/` —
//! never from strings in code, so the wording can be changed and translated on its own.
//!
//! Each template starts with a `Subject: ...` line and a blank line, then the body; both are
//! rendered with minijinja (no HTML escaping: these are plain-text mails). The files are built
//! into the binary, so a gateway needs nothing beside it. A language the gateway has no
//! templates for falls back to English: `es-ES` and `es` are Spanish, `ja-JP` is English.

use minijinja::Environment;
use serde::Serialize;

/// The mails the gateway writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailTemplate {
    /// "We received your inquiry": its tracking number, due date and link.
    InquiryAcknowledgment,
    /// "Your inquiry has an answer": the answer and the link.
    InquiryAnswer,
}

impl MailTemplate {
    const ALL: [Self; 2] = [Self::InquiryAcknowledgment, Self::InquiryAnswer];

    fn file(self) -> &'static str {
        match self {
            Self::InquiryAcknowledgment => "inquiry_acknowledgment",
            Self::InquiryAnswer => "inquiry_answer",
        }
    }
}

/// The languages there are templates for; the first is the fallback.
pub const LANGUAGES: [&str; 2] = ["en", "es"];

/// Every template's source, by language and template.
fn source(language: &str, template: MailTemplate) -> &'static str {
    match (language, template) {
        ("es", MailTemplate::InquiryAcknowledgment) => {
            include_str!("../templates/mail/es/inquiry_acknowledgment.txt")
        }
        ("es", MailTemplate::InquiryAnswer) => {
            include_str!("../templates/mail/es/inquiry_answer.txt")
        }
        (_, MailTemplate::InquiryAcknowledgment) => {
            include_str!("../templates/mail/en/inquiry_acknowledgment.txt")
        }
        (_, MailTemplate::InquiryAnswer) => include_str!("../templates/mail/en/inquiry_answer.txt"),
    }
}

/// A rendered mail: its subject and plain-text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedMail {
    /// The subject line.
    pub subject: String,
    /// The body.
    pub body: String,
}

/// A template could not be rendered (a template without its `Subject:` line, a syntax error):
/// our bug, found by the tests that render every template.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// minijinja refused the template or its context.
    #[error("mail template {name}: {source}")]
    Render {
        /// The template's name, `language/file`.
        name: String,
        /// Why.
        source: minijinja::Error,
    },
    /// The template does not start with `Subject: ` and a blank line.
    #[error("mail template {0} does not start with a Subject: line and a blank line")]
    NoSubject(String),
}

/// Every mail template, parsed once.
pub struct MailTemplates {
    env: Environment<'static>,
}

impl std::fmt::Debug for MailTemplates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailTemplates").finish_non_exhaustive()
    }
}

fn name(language: &str, template: MailTemplate) -> String {
    format!("{language}/{}.txt", template.file())
}

/// The language of the templates for a profile's language (`es-ES` → `es`), English when there
/// are none.
pub fn template_language(profile_language: &str) -> &'static str {
    let primary = profile_language
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    LANGUAGES
        .into_iter()
        .find(|l| *l == primary)
        .unwrap_or(LANGUAGES[0])
}

impl MailTemplates {
    /// Parses every template of every language.
    pub fn new() -> Result<Self, TemplateError> {
        let mut env = Environment::new();
        for language in LANGUAGES {
            for template in MailTemplate::ALL {
                let name = name(language, template);
                env.add_template_owned(name.clone(), source(language, template))
                    .map_err(|source| TemplateError::Render { name, source })?;
            }
        }
        Ok(Self { env })
    }

    /// `template` in the language for `profile_language` (English when there is none), with
    /// `context`.
    pub fn render(
        &self,
        template: MailTemplate,
        profile_language: &str,
        context: impl Serialize,
    ) -> Result<RenderedMail, TemplateError> {
        let name = name(template_language(profile_language), template);
        let text = self
            .env
            .get_template(&name)
            .and_then(|t| t.render(minijinja::value::Serde(&context)))
            .map_err(|source| TemplateError::Render {
                name: name.clone(),
                source,
            })?;
        let (first, body) = text
            .split_once("\n\n")
            .ok_or_else(|| TemplateError::NoSubject(name.clone()))?;
        let subject = first
            .strip_prefix("Subject: ")
            .ok_or_else(|| TemplateError::NoSubject(name.clone()))?;
        Ok(RenderedMail {
            subject: subject.trim().to_owned(),
            body: body.trim_start().to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> serde_json::Value {
        serde_json::json!({
            "name": "Lucía Fernández", "subject": "Factura duplicada",
            "customer_number": "4400301", "tracking_number": "INQ-00000042",
            "due_by": "2026-12-01 23:59", "time_zone": "Europe/Madrid",
            "routed_to_person": false, "channel": "EMAIL",
            "link": "https://portal.example.com/inquiries/INQ-00000042",
            "message": "Hemos anulado la factura duplicada.",
        })
    }

    #[test]
    fn every_template_renders_in_every_language_with_a_subject() {
        let templates = MailTemplates::new().expect("the templates parse");
        for language in LANGUAGES {
            for template in MailTemplate::ALL {
                let mail = templates
                    .render(template, language, context())
                    .expect("renders");
                assert!(
                    mail.subject.contains("INQ-00000042"),
                    "{language} {template:?}"
                );
                assert!(
                    mail.body
                        .contains("https://portal.example.com/inquiries/INQ-00000042"),
                    "{language} {template:?}: the link"
                );
                assert!(!mail.body.contains("{{"), "nothing left unrendered");
            }
        }
    }

    #[test]
    fn the_profile_language_picks_the_templates_and_english_is_the_fallback() {
        let templates = MailTemplates::new().expect("the templates parse");
        let spanish = templates
            .render(MailTemplate::InquiryAcknowledgment, "es-ES", context())
            .expect("renders");
        assert!(spanish.subject.starts_with("Hemos recibido su consulta"));
        assert!(spanish.body.contains("Lucía Fernández"), "no HTML escaping");
        for language in ["ja-JP", "", "en-US", "zz"] {
            let mail = templates
                .render(MailTemplate::InquiryAcknowledgment, language, context())
                .expect("renders");
            assert!(
                mail.subject.starts_with("We received your inquiry"),
                "{language}"
            );
        }
        assert_eq!(template_language("ES_es"), "es");
    }
}
