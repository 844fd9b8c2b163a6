//! The value-chain page, `GET /value-chains`: a signed-in person builds a chain of stages (each
//! with NACE codes, technologies and keywords from the taxonomies), sets the composition rules,
//! and sees each stage's candidates, the gaps on a map of Europe (countries shaded by how many
//! stages have candidates there, the missing stages named) and the best consortia; one of them
//! can be picked, then opened as the selected list, exported, or contacted (an expression of
//! interest to each member, from an organisation the person belongs to).
//!
//! The whole chain lives in the address (a GET form), so it works without JavaScript, can be
//! bookmarked and shared. Adding, removing and moving stages are submit buttons named `action`;
//! the server applies them and redirects to the chain's address.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use clusterhub_partners::consortia::{MAX_STAGES, Rules};
use maud::{Markup, html};

use super::map::{View, countries, nuts_country, project};
use super::{PageShell, RequestLanguage, html_response};
use crate::AppState;
use crate::auth::Caller;
use crate::i18n::Locale;
use crate::interests::organisations_of;
use crate::partners::technology_name;
use crate::value_chains::{
    ChainAnswer, ChainRequest, DEFAULT_LIMIT, DEFAULT_RULES, StageInput, candidates_by_country,
    check, consortium_countries, fit_reasons, gap_text, rule_reasons,
};

/// The path of the page.
pub const PATH: &str = "/value-chains";

/// How many candidates each stage lists.
const CANDIDATES_SHOWN: usize = 5;

/// `GET /value-chains`.
pub fn router() -> Router<AppState> {
    Router::new().route(PATH, get(page))
}

/// The form as read from the address.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Form {
    stages: Vec<StageInput>,
    /// As typed, so a wrong value is shown back.
    rules: [String; 4],
    action: Option<String>,
    pick: Option<usize>,
}

const RULE_FIELDS: [&str; 4] = ["min_members", "min_countries", "min_cohesion", "min_smes"];

fn default_rules() -> [String; 4] {
    [
        DEFAULT_RULES.min_members,
        DEFAULT_RULES.min_countries,
        DEFAULT_RULES.min_cohesion,
        DEFAULT_RULES.min_smes,
    ]
    .map(|value| value.to_string())
}

/// The example a first visit starts from: a battery value chain.
fn example() -> Form {
    let stage = |name: &str, nace: &str, keywords: &str| StageInput {
        name: name.to_owned(),
        nace: nace.split(' ').map(str::to_owned).collect(),
        technologies: Vec::new(),
        keywords: keywords.to_owned(),
    };
    Form {
        stages: vec![
            stage("Materials", "20.1 24.4", "materials"),
            stage("Components", "27.2 27.9", "components"),
            stage("Systems", "29.1 28.1", "systems"),
        ],
        rules: default_rules(),
        action: None,
        pick: None,
    }
}

/// Reads the address: `s0_name`, `s0_nace` (codes separated by spaces or commas), `s0_tech`
/// (repeated), `s0_kw`, ... for up to 8 stages; the rules; `action`; `pick`. Unknown names are
/// ignored (a form from an older page still opens).
fn read_form(raw: Option<&str>) -> Form {
    let Some(raw) = raw.filter(|raw| !raw.is_empty()) else {
        return example();
    };
    let mut form = Form {
        rules: default_rules(),
        ..Form::default()
    };
    let mut stages: BTreeMap<usize, StageInput> = BTreeMap::new();
    for (name, value) in url::form_urlencoded::parse(raw.as_bytes()) {
        if let Some(rest) = name.strip_prefix('s')
            && let Some((index, field)) = rest.split_once('_')
            && let Ok(index) = index.parse::<usize>()
            && index < MAX_STAGES
        {
            let stage = stages.entry(index).or_default();
            match field {
                "name" => stage.name = value.into_owned(),
                "nace" => stage.nace.extend(
                    value
                        .split(|c: char| c == ',' || c.is_whitespace())
                        .filter(|code| !code.is_empty())
                        .map(str::to_owned),
                ),
                "tech" if !value.is_empty() => stage.technologies.push(value.into_owned()),
                "kw" => stage.keywords = value.into_owned(),
                _ => {}
            }
            continue;
        }
        match name.as_ref() {
            "action" => form.action = Some(value.into_owned()),
            "pick" => form.pick = value.parse().ok(),
            field => {
                if let Some(position) = RULE_FIELDS.iter().position(|known| *known == field) {
                    form.rules[position] = value.trim().to_owned();
                }
            }
        }
    }
    form.stages = stages.into_values().collect();
    form
}

/// The address of a form (without `action`; with `pick` if given).
fn query_of(form: &Form, pick: Option<usize>) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (index, stage) in form.stages.iter().enumerate() {
        query.append_pair(&format!("s{index}_name"), &stage.name);
        query.append_pair(&format!("s{index}_nace"), &stage.nace.join(" "));
        for technology in &stage.technologies {
            query.append_pair(&format!("s{index}_tech"), technology);
        }
        query.append_pair(&format!("s{index}_kw"), &stage.keywords);
    }
    for (field, value) in RULE_FIELDS.iter().zip(&form.rules) {
        query.append_pair(field, value);
    }
    if let Some(pick) = pick {
        query.append_pair("pick", &pick.to_string());
    }
    query.finish()
}

/// Applies an editing action; `None` when the action is not one.
fn apply(form: &mut Form, action: &str) -> Option<()> {
    let (verb, index) = match action.split_once(':') {
        Some((verb, index)) => (verb, index.parse::<usize>().ok()?),
        None => (action, 0),
    };
    match verb {
        "add" if form.stages.len() < MAX_STAGES => form.stages.push(StageInput::default()),
        "remove" if index < form.stages.len() => {
            form.stages.remove(index);
        }
        "up" if index > 0 && index < form.stages.len() => form.stages.swap(index - 1, index),
        "down" if index + 1 < form.stages.len() => form.stages.swap(index, index + 1),
        _ => return None,
    }
    Some(())
}

/// The rules as numbers, or the field that is not one.
fn rules_of(form: &Form) -> Result<Rules, &'static str> {
    let mut values = [0_usize; 4];
    for (position, text) in form.rules.iter().enumerate() {
        values[position] = if text.is_empty() {
            0
        } else {
            text.parse().map_err(|_| RULE_FIELDS[position])?
        };
    }
    Ok(Rules {
        min_members: values[0],
        min_countries: values[1],
        min_cohesion: values[2],
        min_smes: values[3],
    })
}

async fn page(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
    language: RequestLanguage,
) -> Response {
    let locale = language.locale;
    let mut form = read_form(raw.as_deref());
    if let Some(action) = form.action.take()
        && action != "search"
    {
        let _ = apply(&mut form, &action);
        let target = format!("{PATH}?{}", query_of(&form, None));
        return (StatusCode::SEE_OTHER, [(header::LOCATION, target)]).into_response();
    }
    let mut error: Option<String> = None;
    let mut answer: Option<ChainAnswer> = None;
    match rules_of(&form) {
        Err(field) => {
            error = Some(locale.format(
                "chains.page.bad_rule",
                &[("field", locale.text(&format!("chains.page.{field}")))],
            ))
        }
        Ok(rules) => {
            let request = ChainRequest {
                stages: form.stages.clone(),
                rules,
                limit: DEFAULT_LIMIT,
            };
            match check(request) {
                Err(problem) => {
                    error = Some(format!(
                        "{} {}",
                        problem
                            .parameter()
                            .map(|field| field_label(locale, field))
                            .unwrap_or_default(),
                        problem.detail()
                    ));
                }
                Ok(request) => match crate::value_chains::propose(&state, request).await {
                    Ok(found) => answer = Some(found),
                    Err(problem) => {
                        tracing::error!(%problem, "value-chain consortia failed");
                        return super::error_page(&language, StatusCode::INTERNAL_SERVER_ERROR);
                    }
                },
            }
        }
    }
    let mut senders: Vec<(i64, String)> = Vec::new();
    for id in organisations_of(&caller) {
        if let Ok(Some(organisation)) = state.storage().organisation(id).await {
            senders.push((id, organisation.profile.name));
        }
    }
    let contact = Contact {
        caller: &caller,
        senders: &senders,
    };
    let shell = PageShell::new(locale, PATH).with_version(state.version());
    let title = locale.text("chains.page.title");
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    html_response(
        &language,
        status,
        shell.render(
            title,
            render(
                locale,
                &state,
                &form,
                error.as_deref(),
                answer.as_ref(),
                &contact,
            ),
        ),
    )
}

/// "Stage 2, NACE codes:" for `stages[1].nace`.
fn field_label(locale: Locale, field: &str) -> String {
    if let Some(rest) = field.strip_prefix("stages[")
        && let Some((index, name)) = rest.split_once("].")
        && let Ok(index) = index.parse::<usize>()
    {
        let key = match name {
            "name" => "chains.page.stage_name",
            "nace" => "chains.page.nace",
            "technologies" => "chains.page.technologies",
            _ => "chains.page.keywords",
        };
        return format!(
            "{}, {}:",
            locale.format("chains.page.stage", &[("number", &(index + 1).to_string())]),
            locale.text(key)
        );
    }
    String::new()
}

/// Who may express interest from the page: the person and the organisations they belong to.
struct Contact<'a> {
    caller: &'a Caller,
    senders: &'a [(i64, String)],
}

fn render(
    locale: Locale,
    state: &AppState,
    form: &Form,
    error: Option<&str>,
    answer: Option<&ChainAnswer>,
    contact: &Contact<'_>,
) -> Markup {
    html! {
        div.chains-page {
            header.directory-header {
                div.container {
                    h1 { (locale.text("chains.page.title")) }
                    p.directory-lede { (locale.text("chains.page.lede")) }
                }
            }
            div.container.chains-body {
                (chain_form(locale, state, form, error))
                @if let Some(answer) = answer {
                    (results(locale, state, form, answer, contact))
                }
            }
        }
    }
}

fn chain_form(locale: Locale, state: &AppState, form: &Form, error: Option<&str>) -> Markup {
    let reference = state.reference();
    let count = form.stages.len();
    html! {
        form.panel.chains-form #chain-form method="get" action=(PATH) {
            h2 { (locale.text("chains.page.chain")) }
            @if let Some(error) = error {
                p.form-error #chain-error role="alert" { (error) }
            }
            datalist #nace-codes {
                @for activity in reference.nace().iter().filter(|activity| activity.level <= 3) {
                    option value=(activity.code) { (activity.code) " " (activity.label(locale.reference_lang())) }
                }
            }
            ol.chain-stages {
                @for (index, stage) in form.stages.iter().enumerate() {
                    @let number = (index + 1).to_string();
                    @let legend = locale.format("chains.page.stage", &[("number", &number)]);
                    li.chain-stage {
                        fieldset {
                            legend { (legend) }
                            div.chain-fields {
                                label.field {
                                    span { (locale.text("chains.page.stage_name")) }
                                    input type="text" name={ "s" (index) "_name" } value=(stage.name) maxlength="100" required;
                                }
                                label.field {
                                    span { (locale.text("chains.page.nace")) }
                                    input type="text" name={ "s" (index) "_nace" } value=(stage.nace.join(" ")) list="nace-codes" aria-describedby="nace-hint";
                                }
                                label.field {
                                    span { (locale.text("chains.page.technologies")) }
                                    select name={ "s" (index) "_tech" } multiple size="3" {
                                        @for term in reference.technology_fields() {
                                            option value=(term.id) selected[stage.technologies.contains(&term.id)] { (term.label(locale.reference_lang())) }
                                        }
                                    }
                                }
                                label.field {
                                    span { (locale.text("chains.page.keywords")) }
                                    input type="text" name={ "s" (index) "_kw" } value=(stage.keywords) maxlength="300";
                                }
                            }
                            div.chain-stage-actions {
                                @if index > 0 {
                                    button.button.button-quiet type="submit" name="action" value={ "up:" (index) } formnovalidate { span aria-hidden="true" { "↑ " } (locale.text("chains.page.up")) span.visually-hidden { " (" (legend) ")" } }
                                }
                                @if index + 1 < count {
                                    button.button.button-quiet type="submit" name="action" value={ "down:" (index) } formnovalidate { span aria-hidden="true" { "↓ " } (locale.text("chains.page.down")) span.visually-hidden { " (" (legend) ")" } }
                                }
                                @if count > 1 {
                                    button.button.button-quiet type="submit" name="action" value={ "remove:" (index) } formnovalidate { (locale.text("chains.page.remove")) span.visually-hidden { " (" (legend) ")" } }
                                }
                            }
                        }
                    }
                }
            }
            p.field-hint #nace-hint { (locale.text("chains.page.nace_hint")) }
            @if count < MAX_STAGES {
                p { button.button.button-quiet #add-stage type="submit" name="action" value="add" formnovalidate { span aria-hidden="true" { "+ " } (locale.text("chains.page.add")) } }
            }
            fieldset.chain-rules {
                legend { (locale.text("chains.page.rules")) }
                @for (position, field) in RULE_FIELDS.iter().enumerate() {
                    label.field.field-narrow {
                        span { (locale.text(&format!("chains.page.{field}"))) }
                        input type="number" name=(field) value=(form.rules[position]) min="0" max="12";
                    }
                }
            }
            p { button.button #find-consortia type="submit" name="action" value="search" { (locale.text("chains.page.search")) } }
        }
    }
}

fn results(
    locale: Locale,
    state: &AppState,
    form: &Form,
    answer: &ChainAnswer,
    contact: &Contact<'_>,
) -> Markup {
    let reference = state.reference();
    let stages = &answer.request.stages;
    let pick = form.pick.filter(|pick| *pick < answer.consortia.len());
    html! {
        section.panel #chain-candidates aria-labelledby="candidates-heading" {
            h2 #candidates-heading { (locale.text("chains.page.candidates")) }
            ol.stage-candidates {
                @for (index, stage) in stages.iter().enumerate() {
                    @let list = &answer.stage_candidates[index];
                    li {
                        h3 { (stage.name) " " span.count { "(" (locale.format("chains.page.candidate_count", &[("count", &list.len().to_string())])) ")" } }
                        @if !stage.technologies.is_empty() {
                            p.result-meta { (stage.technologies.iter().map(|id| technology_name(locale, reference, id)).collect::<Vec<_>>().join(", ")) }
                        }
                        @if list.is_empty() {
                            p.gap-note { (locale.text("chains.page.no_candidates")) }
                        } @else {
                            ul {
                                @for &member in list.iter().take(CANDIDATES_SHOWN) {
                                    @let organisation = &answer.members[member];
                                    li {
                                        a href={ "/organisations/" (organisation.id) } { (organisation.name) }
                                        " · " (locale.country_name(&organisation.country))
                                        " · " (locale.format("partners.score", &[("points", &organisation.fit(index).map_or(0, |fit| fit.points).to_string())]))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        (gap_map(locale, answer, pick))
        section.panel #chain-consortia aria-labelledby="consortia-heading" {
            h2 #consortia-heading { (locale.text("chains.page.consortia")) }
            p.result-meta { (locale.format("chains.page.size", &[("size", &answer.size.to_string())])) }
            @if answer.consortia.is_empty() {
                div.empty-state #chain-gaps role="status" {
                    p { strong { (locale.text("chains.page.none")) } }
                    ul {
                        @for gap in &answer.gaps {
                            li { (gap_text(locale, stages, gap)) }
                        }
                    }
                }
            }
            ol.consortia {
                @for (number, consortium) in answer.consortia.iter().enumerate() {
                    @let countries = consortium_countries(answer, consortium);
                    @let ids: Vec<String> = consortium.seats.iter().map(|seat| format!("id={}", answer.members[seat.contender].id)).collect();
                    li.consortium.consortium-picked[pick == Some(number)] id={ "consortium-" (number + 1) } {
                        div.consortium-head {
                            h3 { (locale.format("chains.page.consortium", &[("number", &(number + 1).to_string())])) }
                            span.score { (locale.format("partners.score", &[("points", &consortium.score.to_string())])) }
                        }
                        table.data-table {
                            caption.visually-hidden { (locale.format("chains.page.consortium", &[("number", &(number + 1).to_string())])) }
                            thead { tr {
                                th scope="col" { (locale.text("chains.page.col_stage")) }
                                th scope="col" { (locale.text("chains.page.col_member")) }
                                th scope="col" { (locale.text("chains.page.col_why")) }
                            } }
                            tbody {
                                @for seat in &consortium.seats {
                                    @let member = &answer.members[seat.contender];
                                    tr {
                                        th scope="row" { (stages[seat.stage].name) }
                                        td {
                                            a href={ "/organisations/" (member.id) } { (member.name) }
                                            br;
                                            span.result-meta { (locale.country_name(&member.country)) @if let Some(nuts) = &member.nuts { " · " (nuts) } }
                                        }
                                        td {
                                            ul.reasons {
                                                @if let Some(fit) = member.fit(seat.stage) {
                                                    @for reason in fit_reasons(locale, reference, &stages[seat.stage].name, fit) {
                                                        li { (reason) }
                                                    }
                                                }
                                                @for reason in rule_reasons(locale, &answer.request.rules, member, countries) {
                                                    li.rule-reason { (reason) }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                        div.consortium-actions {
                            @if pick == Some(number) {
                                p.picked-note role="status" { (locale.text("chains.page.picked")) }
                                a.button href={ "/selected?" (ids.join("&")) } { (locale.text("chains.page.open_selected")) }
                                a.button.button-quiet href={ "/api/v1/organisations/export.csv?" (ids.join("&")) } download { (locale.text("selected.export_csv")) }
                                @if !contact.senders.is_empty() {
                                    @let summary = consortium.seats.iter().map(|seat| format!("{}: {}", stages[seat.stage].name, answer.members[seat.contender].name)).collect::<Vec<_>>().join("; ");
                                    div.consortium-contact {
                                        @for seat in &consortium.seats {
                                            @let member = &answer.members[seat.contender];
                                            @if !contact.senders.iter().any(|(id, _)| *id == member.id) {
                                                (crate::pages::inbox::interest_form(locale, contact.caller, contact.senders, member.id, &member.name, "consortium", &summary))
                                            }
                                        }
                                    }
                                }
                            } @else {
                                a.button.button-quiet href={ (PATH) "?" (query_of(form, Some(number))) "#consortium-" (number + 1) } { (locale.text("chains.page.pick")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A map of Europe: each country shaded by how many stages have candidates there (every stage,
/// some, none), its title naming the missing stages; the picked consortium's members as dots;
/// and the same facts as a table.
fn gap_map(locale: Locale, answer: &ChainAnswer, pick: Option<usize>) -> Markup {
    let stages = &answer.request.stages;
    let by_country = candidates_by_country(answer);
    let mut present: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (stage, counts) in by_country.iter().enumerate() {
        for country in counts.keys() {
            present.entry(country.clone()).or_default().push(stage);
        }
    }
    let by_nuts: BTreeMap<String, &String> =
        present.keys().map(|iso| (nuts_country(iso), iso)).collect();
    let view = View::europe();
    let dots: Vec<(f64, f64, String)> = pick
        .and_then(|pick| answer.consortia.get(pick))
        .map(|consortium| {
            consortium
                .seats
                .iter()
                .filter_map(|seat| {
                    let member = &answer.members[seat.contender];
                    member.location.map(|(lat, lon)| {
                        let (x, y) = project(lon, lat);
                        (
                            x,
                            y,
                            format!("{} — {}", member.name, stages[seat.stage].name),
                        )
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let missing = |iso: &str| -> Vec<&str> {
        let held = present.get(iso).cloned().unwrap_or_default();
        (0..stages.len())
            .filter(|stage| !held.contains(stage))
            .map(|stage| stages[stage].name.as_str())
            .collect()
    };
    html! {
        section.panel #chain-map aria-labelledby="chain-map-heading" {
            h2 #chain-map-heading { (locale.text("chains.page.map")) }
            p.result-meta { (locale.text("chains.page.map_lede")) }
            figure.chain-map {
                svg.chain-svg viewBox=(view.attribute()) preserveAspectRatio="xMidYMid meet" role="img" aria-labelledby="chain-map-heading" {
                    rect.map-sea x="-6000" y="-6000" width="12000" height="12000" {}
                    @for (code, area) in countries() {
                        @let class = match by_nuts.get(code) {
                            None => "cov-none",
                            Some(iso) => if missing(iso).is_empty() { "cov-full" } else { "cov-part" },
                        };
                        path class=(class) d=(area.path) {
                            @if let Some(iso) = by_nuts.get(code) {
                                title { (locale.country_name(iso)) ": " (locale.format("chains.page.missing", &[("stages", &{ let gone = missing(iso); if gone.is_empty() { String::from("—") } else { gone.join(", ") } })])) }
                            }
                        }
                    }
                    @for (x, y, label) in &dots {
                        circle.member-dot cx=(format!("{x:.0}")) cy=(format!("{y:.0}")) r="28" { title { (label) } }
                    }
                }
                figcaption.chain-legend {
                    span.legend-item { span.swatch.cov-full {} (locale.text("chains.page.legend_full")) }
                    span.legend-item { span.swatch.cov-part {} (locale.text("chains.page.legend_part")) }
                    span.legend-item { span.swatch.cov-none {} (locale.text("chains.page.legend_none")) }
                    @if !dots.is_empty() { span.legend-item { span.swatch.dot {} (locale.text("chains.page.legend_member")) } }
                }
            }
            details.map-table {
                summary { (locale.text("chains.page.table")) }
                div.table-scroll {
                table.data-table #gap-table {
                    caption.visually-hidden { (locale.text("chains.page.table")) }
                    thead { tr {
                        th scope="col" { (locale.text("directory.map.country")) }
                        @for stage in stages { th.numeric scope="col" { (stage.name) } }
                    } }
                    tbody {
                        @for iso in present.keys() {
                            tr {
                                th scope="row" { (locale.country_name(iso)) }
                                @for counts in &by_country {
                                    @match counts.get(iso) {
                                        Some(count) => td.numeric { (count) },
                                        None => td.numeric.gap-cell { span aria-hidden="true" { "—" } span.visually-hidden { (locale.text("chains.page.gap_cell")) } },
                                    }
                                }
                            }
                        }
                    }
                }
            }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_round_trips_and_actions_edit_the_chain() {
        let mut form = example();
        form.stages[1].technologies = vec![String::from("robotics")];
        let query = query_of(&form, None);
        let read = read_form(Some(&query));
        assert_eq!(read.stages, form.stages);
        assert_eq!(read.rules, form.rules);
        let mut edited = read.clone();
        apply(&mut edited, "up:1").expect("up");
        assert_eq!(edited.stages[0].name, "Components");
        apply(&mut edited, "remove:0").expect("remove");
        assert_eq!(edited.stages.len(), 2);
        apply(&mut edited, "add").expect("add");
        assert_eq!(edited.stages.len(), 3);
        assert_eq!(apply(&mut edited, "remove:9"), None);
        assert_eq!(apply(&mut edited, "up:0"), None);
        assert_eq!(read_form(Some("pick=2&s0_name=A")).pick, Some(2));
    }

    #[test]
    fn rules_must_be_numbers() {
        let mut form = example();
        form.rules[1] = String::from("three");
        assert_eq!(rules_of(&form), Err("min_countries"));
        form.rules[1] = String::new();
        assert_eq!(rules_of(&form).map(|rules| rules.min_countries), Ok(0));
    }
}
