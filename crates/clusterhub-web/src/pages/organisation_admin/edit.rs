//! `GET/POST /organisations/{id}/edit`: every field of the profile (DESIGN C1) in one form,
//! read with the importer's validation (`crate::profile_form`). A refused form is shown again
//! with what was typed and each problem beside its field; nothing is saved until every field
//! is right.

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use clusterhub_domain::{Language, OrgType, field};
use maud::{Markup, html};

use super::{
    DoneQuery, RequestLanguage, admin_page, csrf_input, done_notice, notice_and_error,
    organisation_or_answer, page_heading, see_other, server_error,
};
use crate::AppState;
use crate::auth::Caller;
use crate::i18n::Locale;
use crate::profile_form::{ProfileFields, stored_form, today};

pub(super) async fn edit_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
    Query(query): Query<DoneQuery>,
    caller: Caller,
    language: RequestLanguage,
) -> Response {
    let stored = match organisation_or_answer(&state, &language, &id, uri.path()).await {
        Ok(stored) => stored,
        Err(answer) => return answer,
    };
    let fields = ProfileFields::from_stored(&stored.profile);
    let notice = done_notice(&language, query.done.as_deref());
    render(
        &language,
        &caller,
        StatusCode::OK,
        stored.id,
        &stored.profile.name,
        &fields,
        &BTreeMap::new(),
        notice,
    )
}

pub(super) async fn save(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
    caller: Caller,
    language: RequestLanguage,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let stored = match organisation_or_answer(&state, &language, &id, uri.path()).await {
        Ok(stored) => stored,
        Err(answer) => return answer,
    };
    let fields = ProfileFields::from_form(&pairs);
    match fields.parse(&stored.profile.external_key, today()) {
        Err(errors) => render(
            &language,
            &caller,
            StatusCode::UNPROCESSABLE_ENTITY,
            stored.id,
            &stored.profile.name,
            &fields,
            &fields.errors_by_field(&errors),
            None,
        ),
        Ok(organisation) => {
            let profile = stored_form(&organisation);
            match state
                .storage()
                .edit_organisation(stored.id, &profile, &caller.audit_context())
                .await
            {
                Ok(Some(_)) => see_other(&format!("/organisations/{}/edit?done=saved", stored.id)),
                Ok(None) => super::not_found_page(&language, uri.path()),
                Err(error) => server_error(&language, &error),
            }
        }
    }
}

/// The form, filled with `fields`, with `errors` (by form field) beside their fields.
#[allow(clippy::too_many_arguments)]
fn render(
    language: &RequestLanguage,
    caller: &Caller,
    status: StatusCode,
    id: i64,
    name: &str,
    fields: &ProfileFields,
    errors: &BTreeMap<String, Vec<String>>,
    notice: Option<&str>,
) -> Response {
    let locale = language.locale;
    let path = format!("/organisations/{id}/edit");
    let title = locale.format("orgadmin.edit.title", &[("name", name)]);
    let form = Form_ {
        locale,
        fields,
        errors,
    };
    let main = html! {
        (page_heading(locale, id, &title))
        p.lede { (locale.text("orgadmin.edit.intro")) }
        (notice_and_error(notice, None))
        @if !errors.is_empty() {
            div.form-error role="alert" #form-error {
                p { (locale.text("orgadmin.edit.has_errors")) }
                ul {
                    @for (name, reasons) in errors {
                        @for reason in reasons {
                            li { a href=(format!("#field-{name}")) { (form.label_of(name)) } ": " (reason) }
                        }
                    }
                }
            }
        }
        form.admin-form method="post" action=(path) novalidate {
            (csrf_input(caller))
            fieldset {
                legend { (locale.text("orgadmin.edit.identity")) }
                (form.select(field::KIND, &kinds(locale)))
                (form.select(field::LANGUAGE, &languages()))
                (form.input("name", "text"))
                (form.textarea(field::DESCRIPTION, 6))
                details open[has_errors_with_prefix(errors, "name_") || has_errors_with_prefix(errors, "description_")] {
                    summary { (locale.text("orgadmin.edit.other_languages")) }
                    p.form-hint { (locale.text("orgadmin.edit.other_languages_hint")) }
                    @for language in Language::ALL {
                        @let code = language.as_str();
                        (form.localised("name_", code, language.native_name(), false))
                        (form.localised("description_", code, language.native_name(), true))
                    }
                }
            }
            fieldset {
                legend { (locale.text("profile.contact")) }
                (form.input(field::WEBSITE, "url"))
                (form.input(field::EMAIL, "email"))
                (form.input(field::PIC, "text"))
                (form.input(field::VAT, "text"))
            }
            fieldset {
                legend { (locale.text("profile.location")) }
                (form.input(field::COUNTRY, "text"))
                (form.input(field::NUTS, "text"))
                (form.input(field::CITY, "text"))
                (form.input(field::LATITUDE, "text"))
                (form.input(field::LONGITUDE, "text"))
            }
            fieldset {
                legend { (locale.text("profile.facts")) }
                (form.input(field::FOUNDED, "text"))
                (form.input(field::STAFF, "text"))
                (form.input(field::TURNOVER, "text"))
                (form.input(field::BALANCE_SHEET, "text"))
                (form.input(field::CURRENCY, "text"))
            }
            fieldset {
                legend { (locale.text("profile.activities")) }
                (form.textarea(field::SECTORS, 3))
                (form.textarea(field::NACE, 3))
                (form.textarea(field::TECHNOLOGIES, 3))
                (form.textarea(field::S3_AREAS, 3))
                (form.textarea(field::EMERGING_INDUSTRIES, 3))
                (form.textarea(field::TARGET_COUNTRIES_INTERNATIONAL, 2))
                (form.textarea(field::TARGET_COUNTRIES_TRANSNATIONAL, 2))
            }
            fieldset {
                legend { (locale.text("orgadmin.edit.partnerships")) }
                (form.input(field::ESCP, "text"))
                (form.select(field::LABEL, &labels(locale)))
                (form.input(field::LABEL_AWARDED, "text"))
            }
            fieldset {
                legend { (locale.text("profile.partnering")) }
                (form.textarea(field::OFFERS, 5))
                (form.textarea(field::REQUESTS, 5))
            }
            fieldset {
                legend { (locale.text("profile.members")) }
                p.form-hint { (locale.text("orgadmin.edit.members_hint")) }
                (form.input(field::MEMBERS_SME, "text"))
                (form.input(field::MEMBERS_LARGE, "text"))
                (form.input(field::MEMBERS_RESEARCH, "text"))
                (form.input(field::MEMBERS_OTHER, "text"))
            }
            button.button type="submit" { (locale.text("orgadmin.edit.save")) }
        }
    };
    admin_page(language, status, &path, &title, main)
}

fn has_errors_with_prefix(errors: &BTreeMap<String, Vec<String>>, prefix: &str) -> bool {
    errors.keys().any(|name| name.starts_with(prefix))
}

fn kinds(locale: Locale) -> Vec<(String, String)> {
    let language = Language::parse(locale.code()).unwrap_or(Language::En);
    OrgType::ALL
        .iter()
        .map(|kind| (kind.slug().to_owned(), kind.label(language).to_owned()))
        .collect()
}

fn languages() -> Vec<(String, String)> {
    Language::ALL
        .iter()
        .map(|language| {
            (
                language.as_str().to_owned(),
                language.native_name().to_owned(),
            )
        })
        .collect()
}

fn labels(locale: Locale) -> Vec<(String, String)> {
    [
        ("", "orgadmin.label.none"),
        ("bronze", "orgadmin.label.bronze"),
        ("silver", "orgadmin.label.silver"),
        ("gold", "orgadmin.label.gold"),
    ]
    .iter()
    .map(|(value, key)| ((*value).to_owned(), locale.text(key).to_owned()))
    .collect()
}

/// Renders the fields of one form.
struct Form_<'a> {
    locale: Locale,
    fields: &'a ProfileFields,
    errors: &'a BTreeMap<String, Vec<String>>,
}

impl Form_<'_> {
    fn label_of(&self, name: &str) -> String {
        let key = format!("orgadmin.field.{name}");
        if self.locale.has(&key) {
            return self.locale.text(&key).to_owned();
        }
        for (prefix, key) in [
            ("name_", "orgadmin.field.name_in"),
            ("description_", "orgadmin.field.description_in"),
        ] {
            if let Some(code) = name.strip_prefix(prefix) {
                let language = Language::parse(code).map_or_else(
                    |_| code.to_owned(),
                    |language| language.native_name().to_owned(),
                );
                return self.locale.format(key, &[("language", &language)]);
            }
        }
        name.to_owned()
    }

    fn hint_of(&self, name: &str) -> Option<&'static str> {
        let key = format!("orgadmin.hint.{name}");
        self.locale.has(&key).then(|| self.locale.text(&key))
    }

    /// The label, the control made by `control` (given the id and `aria-describedby`), the
    /// hint and the errors of one field.
    fn wrap(
        &self,
        name: &str,
        label: &str,
        control: impl FnOnce(&str, Option<String>) -> Markup,
    ) -> Markup {
        let id = format!("field-{name}");
        let hint = self.hint_of(name);
        let errors = self.errors.get(name);
        let mut described = Vec::new();
        if hint.is_some() {
            described.push(format!("{id}-hint"));
        }
        if errors.is_some() {
            described.push(format!("{id}-error"));
        }
        let described = (!described.is_empty()).then(|| described.join(" "));
        html! {
            div.form-field.has-error[errors.is_some()] {
                label for=(id) { (label) }
                (control(&id, described))
                @if let Some(hint) = hint { p.form-hint #(format!("{id}-hint")) { (hint) } }
                @if let Some(errors) = errors {
                    p.field-error #(format!("{id}-error")) {
                        @for (index, reason) in errors.iter().enumerate() {
                            @if index > 0 { " " }
                            (reason)
                        }
                    }
                }
            }
        }
    }

    fn input(&self, name: &str, kind: &str) -> Markup {
        let value = self.fields.get(name);
        let invalid = self.errors.contains_key(name).then_some("true");
        self.wrap(name, &self.label_of(name), |id, described| {
            html! {
                input #(id) type=(kind) name=(name) value=(value) aria-invalid=[invalid] aria-describedby=[described];
            }
        })
    }

    fn textarea(&self, name: &str, rows: u32) -> Markup {
        let value = self.fields.get(name);
        let invalid = self.errors.contains_key(name).then_some("true");
        self.wrap(name, &self.label_of(name), |id, described| {
            html! {
                textarea #(id) name=(name) rows=(rows) aria-invalid=[invalid] aria-describedby=[described] { (value) }
            }
        })
    }

    fn select(&self, name: &str, options: &[(String, String)]) -> Markup {
        let value = self.fields.get(name);
        let invalid = self.errors.contains_key(name).then_some("true");
        let known = options.iter().any(|(option, _)| option == value);
        self.wrap(name, &self.label_of(name), |id, described| {
            html! {
                select #(id) name=(name) aria-invalid=[invalid] aria-describedby=[described] {
                    @if !known {
                        option value=(value) selected { (value) }
                    }
                    @for (option, text) in options {
                        option value=(option) selected[option == value] { (text) }
                    }
                }
            }
        })
    }

    fn localised(&self, prefix: &str, code: &str, _native: &str, long: bool) -> Markup {
        let name = format!("{prefix}{code}");
        let others = if prefix == "name_" {
            &self.fields.other_names
        } else {
            &self.fields.other_descriptions
        };
        let value = others.get(code).map_or("", String::as_str);
        let invalid = self.errors.contains_key(&name).then_some("true");
        let label = self.label_of(&name);
        self.wrap(&name, &label, |id, described| {
            html! {
                @if long {
                    textarea #(id) name=(name) rows="3" lang=(code) aria-invalid=[invalid] aria-describedby=[described] { (value) }
                } @else {
                    input #(id) type="text" name=(name) lang=(code) value=(value) aria-invalid=[invalid] aria-describedby=[described];
                }
            }
        })
    }
}
