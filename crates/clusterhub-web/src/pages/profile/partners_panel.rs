//! The "Suggested partners" panel of the profile page: the best partner suggestions for the
//! organisation, each with its score and the reasons in words with the points each gives (the
//! score is their sum). The same suggestions as `GET /api/v1/organisations/{id}/partners`.
//! A signed-in member of the organisation can express interest to each suggestion from here.

use clusterhub_domain::{Language, OrgType};
use clusterhub_reference::Lang;
use maud::{Markup, html};

use crate::AppState;
use crate::auth::Caller;
use crate::i18n::Locale;
use crate::interests::is_member;
use crate::partners::{SuggestedPartner, for_organisation, reason_text};

/// How many suggestions the panel shows.
pub const SHOWN: usize = 8;

/// The panel for organisation `id`, below the profile. A failure is logged and the panel says
/// that suggestions cannot be shown; the rest of the page does not depend on it.
pub async fn panel(state: &AppState, locale: Locale, id: i64, caller: &Caller) -> Markup {
    let mut seeker_name: Option<String> = None;
    let suggestions = match for_organisation(state, id, SHOWN).await {
        Ok(found) => Some(
            found
                .map(|(stored, partners)| {
                    seeker_name = Some(stored.profile.name);
                    partners
                })
                .unwrap_or_default(),
        ),
        Err(error) => {
            tracing::error!(%error, "partner suggestions could not be made");
            None
        }
    };
    // The person may express interest in the organisation's name when they belong to it.
    let sender = seeker_name
        .filter(|_| is_member(caller, id))
        .map(|name| (caller, vec![(id, name)]));
    render(state, locale, id, suggestions.as_deref(), sender.as_ref())
}

/// The name of an organisation type in the locale's language.
fn kind_label(locale: Locale, slug: &str) -> String {
    let language = match locale.reference_lang() {
        Lang::Fr => Language::Fr,
        Lang::De => Language::De,
        Lang::En => Language::En,
    };
    OrgType::from_slug(slug).map_or_else(|| slug.to_owned(), |kind| kind.label(language).to_owned())
}

/// The panel's markup; `None` when the suggestions could not be made.
fn render(
    state: &AppState,
    locale: Locale,
    id: i64,
    suggestions: Option<&[SuggestedPartner]>,
    sender: Option<&(&Caller, Vec<(i64, String)>)>,
) -> Markup {
    let reference = state.reference();
    html! {
        div.container.partners-block {
            section.panel.partners-panel #suggested-partners aria-labelledby="partners-title" {
                h2 #partners-title { (locale.text("partners.title")) }
                p.panel-intro { (locale.text("partners.intro")) }
                @match suggestions {
                    None => p.muted { (locale.text("partners.unavailable")) },
                    Some([]) => p.muted { (locale.text("partners.none")) },
                    Some(partners) => {
                        ol.partner-list {
                            @for partner in partners {
                                @let title_id = format!("partner-{}", partner.id);
                                li.partner {
                                    div.partner-head {
                                        h3.partner-name #(title_id) {
                                            a href={ "/organisations/" (partner.id) } { (partner.name) }
                                        }
                                        p.partner-meta {
                                            (locale.country_name(&partner.country)) " · " (kind_label(locale, &partner.kind))
                                        }
                                        p.partner-score {
                                            (locale.format("partners.score", &[("points", &locale.number(partner.suggestion.score))]))
                                        }
                                    }
                                    p.visually-hidden { (locale.text("partners.reasons")) }
                                    ul.partner-reasons {
                                        @for component in &partner.suggestion.components {
                                            li.partner-reason data-kind=(component.kind().slug()) {
                                                span.partner-points {
                                                    (locale.format("partners.points", &[("points", &locale.number(component.points))]))
                                                }
                                                " "
                                                span.partner-why { (reason_text(locale, reference, &component.reason)) }
                                            }
                                        }
                                    }
                                    @if let Some((caller, senders)) = sender {
                                        @let context = partner.suggestion.components.iter().map(|component| reason_text(locale, reference, &component.reason)).collect::<Vec<_>>().join("; ");
                                        (crate::pages::inbox::interest_form(locale, caller, senders, partner.id, &partner.name, "suggestion", &context))
                                    }
                                }
                            }
                        }
                        p.partners-api {
                            a href={ "/api/v1/organisations/" (id) "/partners?lang=" (locale.code()) } {
                                (locale.text("partners.api_link"))
                            }
                        }
                    }
                }
            }
        }
    }
}
