//! Script written into every text field of a profile, into people's names and into what they
//! type (claims, token names, messages) is inert everywhere it comes out: every GET route of the
//! access-rule table is fetched by a visitor, the organisation's admin and a platform admin (so a
//! new page is checked without being listed here), plus the forms that show typed input again.
//! Pages show the text escaped, CSV and XLSX exports hold no formula, JSON is served as JSON
//! that browsers will not sniff.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use clusterhub_storage::{AuditContext, NewInterest};

use crate::accounts::{Browser, PASSWORD, link_in_mail, sign_in, signed_in, token_of, user_id};
use crate::support::{TestApp, TestResponse, organisation};

const SCRIPT: &str = "<script>alert('x')</script>";
const TAG: &str = "\"><img src=x onerror=alert(1)>";

/// A payload that is also a spreadsheet formula, tagged with the field it goes into.
fn payload(field: &str) -> String {
    format!("={field} {SCRIPT}{TAG}")
}

/// How a page shows [`payload`] as text.
fn shown(field: &str) -> String {
    format!("={field} &lt;script&gt;")
}

fn assert_inert_html(page: &str, text: &str) {
    let lower = text.to_ascii_lowercase();
    assert!(
        !lower.contains("<script>alert"),
        "{page} carries a raw <script>"
    );
    assert!(!lower.contains("<img src=x"), "{page} carries a raw <img>");
    assert!(
        !lower.contains("onerror=alert(1)>"),
        "{page} carries a raw attribute"
    );
    assert!(
        !lower.contains("href=\"javascript:") && !lower.contains("src=\"javascript:"),
        "{page} links to javascript:"
    );
    // The site's own scripts are files (`<script src=…>`); nothing else is a script element.
    for (index, _) in lower.match_indices("<script") {
        let tag = &lower[index
            ..lower[index..]
                .find('>')
                .map_or(lower.len(), |end| index + end)];
        assert!(
            tag.contains(" src=\"/static/"),
            "{page} has an inline script: {tag}"
        );
    }
}

/// The cells of a CSV text (RFC 4180 quoting).
fn csv_cells(text: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',' | '\n') => cells.push(std::mem::take(&mut cell)),
            (false, '\r') => {}
            (false, c) => cell.push(c),
        }
    }
    cells.push(cell);
    cells
}

/// A cell a spreadsheet would run as a formula (numbers such as `-4.5` are numbers).
fn is_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<f64>().is_err()
}

fn assert_inert_csv(page: &str, text: &str) {
    for cell in csv_cells(text) {
        assert!(!is_formula(&cell), "{page} has a formula cell: {cell}");
    }
}

fn assert_inert_xlsx(page: &str, body: &[u8]) {
    use calamine::{Data, Reader, Xlsx};
    let mut workbook = Xlsx::new(std::io::Cursor::new(body.to_vec()))
        .unwrap_or_else(|error| panic!("{page}: not a workbook ({error})"));
    for sheet in workbook.sheet_names() {
        let formulas = workbook.worksheet_formula(&sheet).expect("the formulas");
        assert!(
            formulas.cells().all(|(_, _, formula)| formula.is_empty()),
            "{page} ({sheet}) holds a formula"
        );
        let range = workbook.worksheet_range(&sheet).expect("the cells");
        for (_, _, cell) in range.cells() {
            if let Data::String(text) = cell {
                assert!(!is_formula(text), "{page} ({sheet}) has {text}");
            }
        }
    }
}

/// Checks one answer by what it is; gives the text of an HTML page.
fn check(page: &str, answer: &TestResponse) -> Option<String> {
    assert_ne!(
        answer.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{page}: {}",
        answer.text()
    );
    let media = answer.header("content-type").unwrap_or("").to_owned();
    if !answer.body.is_empty() || !media.is_empty() {
        assert_eq!(
            answer.header("x-content-type-options"),
            Some("nosniff"),
            "{page}"
        );
    }
    if media.starts_with("text/html") {
        let text = answer.text();
        assert_inert_html(page, &text);
        assert!(
            answer
                .header("content-security-policy")
                .is_some_and(
                    |csp| csp.contains("script-src 'self'") && !csp.contains("unsafe-inline")
                ),
            "{page} has no strict CSP"
        );
        return Some(text);
    }
    let attachment = || {
        assert!(
            answer
                .header("content-disposition")
                .is_some_and(|d| d.starts_with("attachment")),
            "{page} is not an attachment"
        );
    };
    if media.starts_with("text/csv") {
        attachment();
        assert_inert_csv(page, &answer.text());
    } else if media.starts_with("application/vnd.openxmlformats") {
        attachment();
        assert_inert_xlsx(page, &answer.body);
    } else if media.starts_with("application/json") || media.starts_with("application/problem+json")
    {
        answer.json();
    } else if media.starts_with("text/css") || media.starts_with("text/javascript") {
        // The site's own files.
    } else {
        assert!(
            !answer.text().to_ascii_lowercase().contains("<script"),
            "{page} ({media}) carries a script"
        );
    }
    None
}

/// The form fields of a page's form that posts to `action`: (tag, name).
fn form_fields(page: &str, action: &str) -> Vec<(String, String)> {
    let start = page
        .find(&format!("action=\"{action}\""))
        .unwrap_or_else(|| panic!("no form posting to {action}"));
    let form = &page[start..start + page[start..].find("</form>").expect("the form's end")];
    let mut fields = Vec::new();
    for tag in ["input", "textarea", "select"] {
        for (index, _) in form.match_indices(&format!("<{tag} ")) {
            let element = &form[index..index + form[index..].find('>').expect("a tag end")];
            if let Some(name_at) = element.find(" name=\"") {
                let name = &element[name_at + 7..];
                let name = &name[..name.find('"').expect("a quoted name")];
                if name != "csrf" && !element.contains("type=\"hidden\"") {
                    fields.push((tag.to_owned(), name.to_owned()));
                }
            }
        }
    }
    fields
}

/// Fills a route pattern's parameters.
fn concrete(pattern: &str, id: i64) -> String {
    pattern
        .split('/')
        .map(|segment| match segment {
            "{id}" => id.to_string(),
            "{code}" => String::from("not_found"),
            other if other.starts_with('{') => String::from("x"),
            other => other.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Everything the scenario wrote, with script in every text.
struct World {
    app: TestApp,
    /// The organisation with script in every text field, administered by Mallory.
    profile: i64,
    /// A cluster (script in its name) that `profile` belongs to, without an admin.
    cluster: i64,
    /// A plain organisation like `profile`: its partner suggestions name `profile`.
    partner: i64,
    invitation_token: String,
}

async fn world() -> World {
    let mut profile = organisation("xss-1", "sme", "AT");
    profile.name = payload("name");
    profile.names = BTreeMap::from([
        (String::from("en"), payload("name-en")),
        (String::from("de"), payload("name-de")),
    ]);
    profile.descriptions = BTreeMap::from([
        (String::from("en"), payload("description-en")),
        (String::from("fr"), payload("description-fr")),
    ]);
    profile.website = Some(format!("javascript:alert(1)//{}", payload("website")));
    profile.email = Some(payload("email"));
    profile.pic = Some(payload("pic"));
    profile.vat = Some(payload("vat"));
    profile.city = Some(payload("city"));
    profile.escp = Some(payload("escp"));
    profile.label = Some(payload("label"));
    profile.offers = vec![payload("offer"), String::from("battery testing")];
    profile.requests = vec![payload("request")];
    profile.nuts = Some(String::from("AT130"));
    profile.lat = Some(48.21);
    profile.lon = Some(16.37);
    profile.sectors = vec![String::from("4")];
    profile.technologies = vec![String::from("artificial_intelligence")];
    profile.member_of = vec![String::from("xss-cluster")];
    let mut cluster = organisation("xss-cluster", "cluster", "AT");
    cluster.name = payload("cluster");
    cluster.nuts = Some(String::from("AT130"));
    cluster.lat = Some(48.2);
    cluster.lon = Some(16.4);
    let mut partner = organisation("partner", "sme", "DE");
    partner.nuts = Some(String::from("DE212"));
    partner.sectors = vec![String::from("4")];
    partner.technologies = vec![String::from("artificial_intelligence")];
    partner.requests = vec![String::from("battery testing")];
    partner.offers = vec![String::from("battery cells")];
    let app = TestApp::with_organisations(&[cluster, profile, partner]).await;
    app.storage
        .import_employment(&crate::observatory::austria())
        .await
        .expect("employment rows");
    let id = |key: &'static str| {
        let storage = app.storage.clone();
        async move { storage.organisation_by_key(key).await.unwrap().unwrap().id }
    };
    let (profile, cluster, partner) = (
        id("xss-1").await,
        id("xss-cluster").await,
        id("partner").await,
    );

    // Mallory administers the profile, names a token, invites a colleague, writes to the partner.
    let mut mallory = signed_in(&app, "mallory@example.eu", &payload("mallory")).await;
    let mallory_id = user_id(&app, "mallory@example.eu").await;
    app.storage
        .grant_organisation_role(mallory_id, profile, "admin", &AuditContext::system())
        .await
        .unwrap();
    let token = mallory
        .post_form(
            "/account/tokens",
            &[("name", &payload("token")), ("expires_in_days", "30")],
        )
        .await;
    assert_eq!(token.status, StatusCode::OK, "{}", token.text());
    let text = check("POST /account/tokens", &token).expect("a page");
    assert!(text.contains(&shown("token")), "the new token's name");
    let invited = mallory
        .post_form(
            &format!("/organisations/{profile}/invitations"),
            &[("email", "invitee@example.eu"), ("role", "member")],
        )
        .await;
    assert!(invited.status.is_success() || invited.status.is_redirection());
    let invitation = link_in_mail(&app, "invitee@example.eu", "/invitations/accept?token=").await;
    app.storage
        .send_interest(
            &NewInterest {
                from_organisation_id: profile,
                to_organisation_id: partner,
                sender_user_id: mallory_id,
                topic: String::from("suggestion"),
                context: payload("context"),
                message: payload("message"),
            },
            &[],
            &AuditContext::system(),
        )
        .await
        .unwrap();

    // Claire claims the cluster with script in her message.
    let mut claire = signed_in(&app, "claire@example.eu", &payload("claimant")).await;
    let claimed = claire
        .post_form(
            &format!("/organisations/{cluster}/claim"),
            &[("message", &payload("claim"))],
        )
        .await;
    assert!(claimed.status.is_success() || claimed.status.is_redirection());

    // A denied access with script in its path, for the audit log.
    mallory
        .get("/organisations/999999/edit?x=%3Cscript%3Ealert(1)%3C/script%3E")
        .await;
    app.reindex().await;
    World {
        app,
        profile,
        cluster,
        partner,
        invitation_token: token_of(&invitation),
    }
}

/// The addresses to fetch for a GET route: its parameters filled with the scenario's records,
/// and query strings that make the page show them.
fn addresses(world: &World, pattern: &str) -> Vec<String> {
    let (profile, cluster, partner) = (world.profile, world.cluster, world.partner);
    match pattern {
        "/organisations" | "/api/v1/organisations" => vec![
            pattern.to_owned(),
            format!("{pattern}?q=offer"),
            format!("{pattern}?country=AT&kind=cluster"),
        ],
        "/organisations/{id}" => vec![
            format!("/organisations/{profile}"),
            format!("/organisations/{profile}?lang=fr"),
            format!("/organisations/{profile}?lang=de"),
            format!("/organisations/{cluster}"),
            format!("/organisations/{partner}"),
        ],
        "/selected" => vec![format!("/selected?id={profile}&id={cluster}&id={partner}")],
        "/organisations/{id}/members" | "/organisations/{id}/claim" => {
            vec![concrete(pattern, cluster)]
        }
        "/api/v1/organisations/{id}/partners" => {
            vec![concrete(pattern, partner), concrete(pattern, profile)]
        }
        "/api/v1/partners" => vec![String::from("/api/v1/partners?q=battery+testing")],
        "/api/v1/organisations/export.csv" | "/api/v1/organisations/export.xlsx" => vec![
            pattern.to_owned(),
            format!("{pattern}?id={profile}&id={cluster}&id={partner}"),
        ],
        "/invitations/accept" => vec![format!(
            "/invitations/accept?token={}",
            world.invitation_token
        )],
        "/api/v1/organisations/map" => vec![String::from("/api/v1/organisations/map?zoom=3")],
        _ => vec![concrete(pattern, profile)],
    }
}

/// The public read-only families declared by prefix, with the scenario's region.
const PREFIXED: &[&str] = &[
    "/observatory/regions/AT130",
    "/observatory/regions/AT13",
    "/observatory/regions/AT1?level=3",
    "/api/v1/observatory/regions/AT130",
    "/api/v1/observatory/regions/AT130/export.csv",
    "/api/v1/observatory/regions/AT130/export.xlsx",
];

#[tokio::test]
async fn script_in_every_text_field_and_name_is_inert_on_every_page_and_export() {
    let world = world().await;
    let app = &world.app;
    let mut anonymous = Browser::new(app);
    let mut mallory = Browser::new(app);
    sign_in(&mut mallory, "mallory@example.eu", PASSWORD).await;
    let mut admin = signed_in(app, "admin@example.eu", &payload("admin")).await;
    let admin_id = user_id(app, "admin@example.eu").await;
    app.storage
        .grant_platform_role(admin_id, "platform_admin", &AuditContext::system())
        .await
        .unwrap();

    let mut addresses_to_fetch: Vec<String> = Vec::new();
    for (method, pattern, _) in clusterhub_web::auth::policy_rules() {
        if *method == "GET" {
            addresses_to_fetch.extend(addresses(&world, pattern));
        }
    }
    addresses_to_fetch.extend(PREFIXED.iter().map(|address| (*address).to_owned()));

    // Every page, by what each of the three sees; the HTML each saw, by address.
    let mut pages: BTreeMap<String, String> = BTreeMap::new();
    let mut fetched = 0;
    for address in &addresses_to_fetch {
        for (who, browser, name) in [
            ("visitor", &mut anonymous, None),
            ("mallory", &mut mallory, Some("mallory")),
            ("admin", &mut admin, Some("admin")),
        ] {
            let answer = browser.get(address).await;
            fetched += 1;
            let label = format!("GET {address} as {who}");
            if let Some(text) = check(&label, &answer) {
                if let (Some(name), true) = (name, answer.status == StatusCode::OK) {
                    assert!(
                        text.contains(&shown(name)),
                        "{label} does not show the signed-in person's name"
                    );
                }
                pages.entry(address.clone()).or_default().push_str(&text);
            }
        }
    }
    assert!(fetched > 150, "only {fetched} pages fetched");

    // The pages that show the scenario's texts do show them, as text.
    let (profile, cluster, partner) = (world.profile, world.cluster, world.partner);
    let expected: Vec<(String, &[&str])> = vec![
        (
            format!("/organisations/{profile}"),
            &[
                "name-en",
                "description-en",
                "city",
                "offer",
                "request",
                "cluster",
                "vat",
                "pic",
            ],
        ),
        (
            format!("/organisations/{profile}?lang=fr"),
            &["description-fr"],
        ),
        (format!("/organisations/{profile}?lang=de"), &["name-de"]),
        (format!("/organisations/{partner}"), &["name"]),
        (String::from("/organisations?q=offer"), &["name"]),
        (
            format!("/selected?id={profile}&id={cluster}&id={partner}"),
            &["name", "cluster"],
        ),
        (
            format!("/organisations/{profile}/edit"),
            &[
                "name",
                "name-de",
                "description-en",
                "description-fr",
                "website",
                "email",
                "pic",
                "vat",
                "city",
                "escp",
                "label",
                "offer",
                "request",
            ],
        ),
        (format!("/organisations/{profile}/people"), &["mallory"]),
        (
            format!("/organisations/{cluster}/members"),
            &["name", "cluster"],
        ),
        (format!("/organisations/{cluster}/claim"), &["cluster"]),
        (
            format!("/invitations/accept?token={}", world.invitation_token),
            &["name"],
        ),
        (
            String::from("/admin/claims"),
            &["claimant", "claim", "cluster"],
        ),
        (String::from("/admin/audit"), &["token"]),
        (String::from("/account"), &["mallory", "token"]),
        (String::from("/inbox"), &["message", "name"]),
        (String::from("/observatory/regions/AT130"), &["cluster"]),
    ];
    let mut missing = Vec::new();
    for (address, fields) in &expected {
        let text = pages
            .get(address)
            .unwrap_or_else(|| panic!("{address} was not fetched as a page"));
        for field in *fields {
            if !text.contains(&shown(field)) {
                missing.push(format!("{address}: {field}"));
            }
        }
    }
    assert!(missing.is_empty(), "not shown as text: {missing:#?}");

    // The exports keep the texts as data, never as formulas.
    let csv = admin
        .get(&format!(
            "/api/v1/organisations/export.csv?id={profile}&id={cluster}"
        ))
        .await
        .text();
    assert!(
        csv.contains("'=name <script>"),
        "the CSV keeps the name as text"
    );
    let audit_csv = admin.get("/admin/audit/export.csv").await.text();
    assert!(
        audit_csv.contains("=token <script>"),
        "the audit CSV has the token name"
    );
    let audit_json = admin.get("/admin/audit/export.json").await;
    assert!(audit_json.text().contains("=token <script>"));
    assert!(
        audit_json
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/json"))
    );
    let personal = mallory.get("/api/v1/me/export").await;
    assert!(personal.text().contains("=mallory <script>"));
    assert!(
        personal
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/json"))
    );
}

/// Forms that show what was typed again after an error keep it inert: every field of the
/// profile form, a sign-up, an invitation, an address change.
#[tokio::test]
async fn forms_shown_again_after_an_error_keep_script_inert() {
    let world = world().await;
    let app = &world.app;
    let mut mallory = Browser::new(app);
    sign_in(&mut mallory, "mallory@example.eu", PASSWORD).await;
    let edit = format!("/organisations/{}/edit", world.profile);
    let form = mallory.get(&edit).await.text();
    let fields = form_fields(&form, &edit);
    assert!(fields.len() > 25, "the profile form's fields: {fields:?}");
    let values: Vec<(String, String)> = fields
        .iter()
        .map(|(_, name)| (name.clone(), payload(name)))
        .collect();
    let pairs: Vec<(&str, &str)> = values
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let refused = mallory.post_form(&edit, &pairs).await;
    assert!(
        refused.status.is_client_error(),
        "{}: {}",
        refused.status,
        refused.text()
    );
    let text = check(&format!("POST {edit}"), &refused).expect("the form again");
    for (tag, name) in &fields {
        if tag != "select" {
            assert!(
                text.contains(&shown(name)),
                "the form does not keep {name} as text"
            );
        }
    }
    assert_eq!(
        app.storage
            .organisation(world.profile)
            .await
            .unwrap()
            .unwrap()
            .profile
            .name,
        payload("name"),
        "nothing is saved"
    );

    let mut visitor = Browser::new(app);
    let signup = visitor
        .post_form(
            "/signup",
            &[
                ("email", &payload("signup-email")),
                ("display_name", &payload("signup-name")),
                ("password", "short"),
            ],
        )
        .await;
    assert!(signup.status.is_client_error(), "{}", signup.status);
    let text = check("POST /signup", &signup).expect("the form again");
    assert!(text.contains(&shown("signup-name")));

    for (address, fields) in [
        (
            format!("/organisations/{}/invitations", world.profile),
            vec![
                ("email", payload("invite-email")),
                ("role", String::from("member")),
            ],
        ),
        (
            format!("/organisations/{}/claim", world.cluster),
            vec![("message", payload("claim-again"))],
        ),
        (
            String::from("/account/email"),
            vec![
                ("email", payload("new-email")),
                ("password", String::from(PASSWORD)),
            ],
        ),
    ] {
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect();
        let answer = mallory.post_form(&address, &pairs).await;
        check(&format!("POST {address}"), &answer);
    }
}
