//! Organisation administration through the router: profile editing (page and API), people and
//! invitations, claims of imported profiles and their decision, a cluster's member list. Each
//! flow: the allowed role succeeds, other roles get 404 and visitors the sign-in page, bad input
//! names its field and changes nothing, and what people type is shown as text.

use axum::http::{Method, StatusCode};
use clusterhub_storage::AuditContext;

use crate::accounts::{
    Browser, PASSWORD, link_in_mail, registered, sign_in, signed_in, token_of, user_id,
};
use crate::support::{TestApp, assert_problem, organisation};

const SCRIPT: &str = "<script>alert('x')</script>";

/// The ids of a cluster, two SMEs and a third organisation nobody administers.
struct Ids {
    cluster: i64,
    sme: i64,
    other: i64,
}

async fn app_with_organisations() -> (TestApp, Ids) {
    let mut cluster = organisation("c-1", "cluster", "DE");
    cluster.name = format!("Cluster {SCRIPT}");
    let mut sme = organisation("s-1", "sme", "DE");
    sme.name = format!("Robotik {SCRIPT}");
    let other = organisation("s-2", "sme", "FR");
    let app = TestApp::with_organisations(&[cluster, sme, other]).await;
    let id = |key: &'static str| {
        let storage = app.storage.clone();
        async move { storage.organisation_by_key(key).await.unwrap().unwrap().id }
    };
    let ids = Ids {
        cluster: id("c-1").await,
        sme: id("s-1").await,
        other: id("s-2").await,
    };
    (app, ids)
}

async fn grant(app: &TestApp, email: &str, organisation: i64, role: &str) {
    app.storage
        .grant_organisation_role(
            user_id(app, email).await,
            organisation,
            role,
            &AuditContext::system(),
        )
        .await
        .unwrap();
}

/// Makes the account of `email` a platform admin.
async fn make_platform_admin(app: &TestApp, email: &str) {
    app.storage
        .grant_platform_role(
            user_id(app, email).await,
            "platform_admin",
            &AuditContext::system(),
        )
        .await
        .unwrap();
}

/// The profile page of organisation `id` as `browser` sees it.
async fn profile_text(browser: &mut Browser<'_>, id: i64) -> String {
    browser.get(&format!("/organisations/{id}")).await.text()
}

fn assert_inert(page: &str, text: &str) {
    assert!(!text.contains(SCRIPT), "{page} carries a raw <script>");
}

fn is_sign_in(answer: &crate::support::TestResponse) -> bool {
    answer.status == StatusCode::SEE_OTHER
        && answer
            .header("location")
            .is_some_and(|location| location.starts_with("/login"))
}

/// The fields of a valid profile as the form sends them.
fn valid_form(name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("kind", String::from("sme")),
        ("language", String::from("de")),
        ("name", name.to_owned()),
        ("name_en", String::from("Robotics Ltd")),
        ("description", String::from("Wir bauen Roboter.")),
        ("website", String::from("https://robotik.example.eu/")),
        ("country", String::from("DE")),
        ("nuts", String::from("DE212")),
        ("city", String::from("München")),
        ("latitude", String::from("48.14")),
        ("longitude", String::from("11.58")),
        ("founded", String::from("2010")),
        ("staff", String::from("12")),
        ("turnover", String::from("1250000.50")),
        ("currency", String::from("EUR")),
        ("sectors", String::from("10\n4")),
        ("technologies", String::from("artificial_intelligence")),
        ("target_countries_international", String::from("US; JP")),
        ("offers", String::from("Testing facilities\nTraining")),
        ("requests", String::from("Partners in Asia")),
    ]
}

async fn post_pairs(
    browser: &mut Browser<'_>,
    uri: &str,
    pairs: &[(&'static str, String)],
) -> crate::support::TestResponse {
    let fields: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    browser.post_form(uri, &fields).await
}

#[tokio::test]
async fn an_organisation_admin_edits_every_field_and_errors_name_the_field() {
    let (app, ids) = app_with_organisations().await;
    let edit = format!("/organisations/{}/edit", ids.sme);
    let mut admin = signed_in(&app, "anna@example.eu", "Anna").await;
    grant(&app, "anna@example.eu", ids.sme, "admin").await;
    let mut person = signed_in(&app, "paul@example.eu", "Paul").await;

    // Visitors are sent to sign in; people without the role see nothing.
    let mut visitor = Browser::new(&app);
    assert!(is_sign_in(&visitor.get(&edit).await));
    assert_eq!(person.get(&edit).await.status, StatusCode::NOT_FOUND);
    let refused = post_pairs(&mut person, &edit, &valid_form("Hijacked")).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);

    // The form has a control for every field, the CSRF field, and shows names as text.
    let form = admin.get(&edit).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text());
    let text = form.text();
    assert_inert(&edit, &text);
    assert!(text.contains("name=\"csrf\""));
    for field in [
        "kind",
        "language",
        "name",
        "description",
        "website",
        "email",
        "pic",
        "vat",
        "country",
        "nuts",
        "city",
        "latitude",
        "longitude",
        "founded",
        "staff",
        "turnover",
        "balance_sheet",
        "currency",
        "sectors",
        "nace",
        "technologies",
        "s3_areas",
        "emerging_industries",
        "target_countries_international",
        "target_countries_transnational",
        "escp",
        "label",
        "label_awarded",
        "offers",
        "requests",
        "members_sme",
        "members_large",
        "members_research",
        "members_other",
        "name_fr",
        "description_fr",
    ] {
        assert!(
            text.contains(&format!("name=\"{field}\"")),
            "no control for {field}"
        );
    }

    // A bad field: 422, the error beside it, the typed values kept, nothing saved.
    let revision_before = app
        .storage
        .organisation(ids.sme)
        .await
        .unwrap()
        .unwrap()
        .revision;
    let mut bad = valid_form("Neu GmbH");
    bad.push(("vat", String::from("DE12")));
    bad.push(("staff", String::from("many")));
    let answer = post_pairs(&mut admin, &edit, &bad).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = answer.text();
    assert!(text.contains("id=\"field-vat-error\""), "{text}");
    assert!(text.contains("id=\"field-staff-error\""), "{text}");
    assert!(text.contains("value=\"DE12\""), "the typed value is kept");
    assert!(
        text.contains("value=\"Neu GmbH\""),
        "the typed value is kept"
    );
    let unchanged = app.storage.organisation(ids.sme).await.unwrap().unwrap();
    assert_eq!(unchanged.revision, revision_before);
    assert!(unchanged.profile.name.starts_with("Robotik"));

    // A good form is saved with a new revision; the search index follows.
    let answer = post_pairs(&mut admin, &edit, &valid_form("Neu GmbH")).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    assert_eq!(
        answer.header("location"),
        Some(format!("{edit}?done=saved").as_str())
    );
    let saved = app.storage.organisation(ids.sme).await.unwrap().unwrap();
    assert_eq!(saved.profile.name, "Neu GmbH");
    assert_eq!(saved.profile.names["en"], "Robotics Ltd");
    assert_eq!(saved.profile.staff, Some(12));
    assert_eq!(saved.profile.turnover_cents, Some(125_000_050));
    assert_eq!(saved.profile.offers.len(), 2);
    assert_eq!(saved.profile.external_key, "s-1");
    assert!(saved.revision > revision_before);
    app.reindex().await;
    let hits = app.get("/api/v1/organisations?q=Neu").await.json();
    assert_eq!(hits["hits"][0]["id"], ids.sme, "{hits}");
    let entries = app
        .storage
        .audit_entries(Some(user_id(&app, "anna@example.eu").await), None, 20)
        .await
        .unwrap();
    assert!(
        entries
            .iter()
            .any(|entry| entry.action == "organisation.edit")
    );

    // The profile page links to the form for its admins only.
    let link = format!("href=\"{edit}\"");
    assert!(profile_text(&mut admin, ids.sme).await.contains(&link));
    assert!(!profile_text(&mut person, ids.sme).await.contains(&link));
    assert!(!profile_text(&mut visitor, ids.sme).await.contains(&link));
    // Platform admins may edit any profile.
    let mut platform = signed_in(&app, "root@example.eu", "Root").await;
    make_platform_admin(&app, "root@example.eu").await;
    assert_eq!(
        platform
            .get(&format!("/organisations/{}/edit", ids.other))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_api_replaces_a_profile_with_the_same_validation() {
    let (app, ids) = app_with_organisations().await;
    let uri = format!("/api/v1/organisations/{}", ids.sme);
    let mut admin = signed_in(&app, "anna@example.eu", "Anna").await;
    grant(&app, "anna@example.eu", ids.sme, "admin").await;
    let mut person = signed_in(&app, "paul@example.eu", "Paul").await;
    let body = |vat: &str| {
        serde_json::json!({
            "kind": "sme",
            "name": "API GmbH",
            "country": "DE",
            "vat": vat,
            "other_names": {"fr": "API SARL"},
            "offers": "Testing",
        })
        .to_string()
    };
    async fn put(
        browser: &mut Browser<'_>,
        uri: &str,
        body: String,
    ) -> crate::support::TestResponse {
        let csrf = browser
            .cookies
            .get("clusterhub_csrf")
            .cloned()
            .unwrap_or_default();
        browser
            .request(
                Method::PUT,
                uri,
                Some(("application/json", body)),
                &[("x-csrf-token", csrf.as_str())],
            )
            .await
    }
    let anonymous = Browser::new(&app)
        .request(Method::PUT, &uri, Some(("application/json", body(""))), &[])
        .await;
    assert_problem(&anonymous, StatusCode::UNAUTHORIZED, "sign_in_required");
    let hidden = put(&mut person, &uri, body("")).await;
    assert_problem(&hidden, StatusCode::NOT_FOUND, "not_found");
    // Without the CSRF header a session cookie is not enough.
    let forged = admin
        .request(Method::PUT, &uri, Some(("application/json", body(""))), &[])
        .await;
    assert_problem(&forged, StatusCode::FORBIDDEN, "csrf_token_missing");

    let refused = put(&mut admin, &uri, body("DE12")).await;
    let problem = assert_problem(&refused, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    assert_eq!(problem["parameter"], "vat");
    assert!(
        app.storage
            .organisation(ids.sme)
            .await
            .unwrap()
            .unwrap()
            .profile
            .name
            .starts_with("Robotik")
    );

    let saved = put(&mut admin, &uri, body("DE123456788")).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text());
    assert_eq!(saved.json()["name"], "API GmbH");
    let stored = app.storage.organisation(ids.sme).await.unwrap().unwrap();
    assert_eq!(stored.profile.vat.as_deref(), Some("DE123456788"));
    assert_eq!(stored.profile.names["fr"], "API SARL");
}

#[tokio::test]
async fn admins_invite_colleagues_who_accept_once_with_their_address() {
    let (app, ids) = app_with_organisations().await;
    let people = format!("/organisations/{}/people", ids.sme);
    let invitations = format!("/organisations/{}/invitations", ids.sme);
    let mut admin = signed_in(&app, "anna@example.eu", "Anna").await;
    grant(&app, "anna@example.eu", ids.sme, "admin").await;
    let mut person = signed_in(&app, "paul@example.eu", "Paul").await;

    let page = admin.get(&people).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    assert!(page.text().contains("anna@example.eu"));
    assert_inert(&people, &page.text());
    assert_eq!(person.get(&people).await.status, StatusCode::NOT_FOUND);
    assert!(is_sign_in(&Browser::new(&app).get(&people).await));
    assert_eq!(
        person
            .post_form(
                &invitations,
                &[("email", "x@example.eu"), ("role", "member")]
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Bad input names the problem and sends nothing.
    let mails = app.storage.pending_email_count().await.unwrap();
    let bad = admin
        .post_form(
            &invitations,
            &[("email", "not an address"), ("role", "member")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("not an e-mail address"));
    let bad_role = admin
        .post_form(
            &invitations,
            &[("email", "carl@example.eu"), ("role", "cluster_manager")],
        )
        .await;
    assert_eq!(
        bad_role.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an SME has no cluster manager"
    );
    assert_eq!(app.storage.pending_email_count().await.unwrap(), mails);

    let sent = admin
        .post_form(
            &invitations,
            &[("email", "Carl@Example.eu"), ("role", "member")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text());
    let link = link_in_mail(&app, "carl@example.eu", "/invitations/accept?token=").await;
    let accept_path = &link[link.find("/invitations").unwrap()..];
    assert!(
        admin.get(&people).await.text().contains("carl@example.eu"),
        "listed as pending"
    );

    // Before signing in, the link asks to sign in and comes back.
    let mut carl = registered(&app, "carl@example.eu", "Carl").await;
    let before = carl.get(accept_path).await;
    assert_eq!(before.status, StatusCode::OK);
    assert!(
        before
            .text()
            .contains("/login?next=%2Finvitations%2Faccept")
    );
    sign_in(&mut carl, "carl@example.eu", PASSWORD).await;
    let form = carl.get(accept_path).await;
    assert!(form.text().contains("action=\"/invitations/accept\""));
    // Another account cannot use it.
    let taken = person
        .post_form("/invitations/accept", &[("token", &token_of(&link))])
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    let accepted = carl
        .post_form("/invitations/accept", &[("token", &token_of(&link))])
        .await;
    assert_eq!(
        accepted.status,
        StatusCode::SEE_OTHER,
        "{}",
        accepted.text()
    );
    assert_eq!(
        app.storage
            .roles_of(user_id(&app, "carl@example.eu").await)
            .await
            .unwrap()
            .organisations,
        vec![(ids.sme, String::from("member"))]
    );
    // Once.
    let again = carl
        .post_form("/invitations/accept", &[("token", &token_of(&link))])
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert_eq!(carl.get(accept_path).await.status, StatusCode::NOT_FOUND);

    // Roles are removed, but never the last admin.
    let anna = user_id(&app, "anna@example.eu").await.to_string();
    let carl_id = user_id(&app, "carl@example.eu").await.to_string();
    let remove = format!("/organisations/{}/people/remove", ids.sme);
    let last = admin
        .post_form(&remove, &[("user_id", &anna), ("role", "admin")])
        .await;
    assert_eq!(last.status, StatusCode::CONFLICT);
    assert!(app.storage.organisation_has_admin(ids.sme).await.unwrap());
    let removed = admin
        .post_form(&remove, &[("user_id", &carl_id), ("role", "member")])
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert!(
        app.storage
            .roles_of(carl_id.parse().unwrap())
            .await
            .unwrap()
            .organisations
            .is_empty()
    );
}

#[tokio::test]
async fn a_claim_is_approved_by_a_platform_admin() {
    let (app, ids) = app_with_organisations().await;
    let claim = format!("/organisations/{}/claim", ids.other);
    let mut person = signed_in(&app, "paul@example.eu", "Paul <b>").await;
    let mut platform = signed_in(&app, "root@example.eu", "Root").await;
    make_platform_admin(&app, "root@example.eu").await;
    grant(&app, "root@example.eu", ids.sme, "admin").await;

    // The profile offers the claim only where nobody administers it.
    let link = format!("href=\"{claim}\"");
    assert!(profile_text(&mut person, ids.other).await.contains(&link));
    assert!(
        !profile_text(&mut person, ids.sme)
            .await
            .contains("/claim\"")
    );
    assert!(is_sign_in(&Browser::new(&app).get(&claim).await));
    assert_eq!(person.get(&claim).await.status, StatusCode::OK);
    assert_eq!(
        person
            .get(&format!("/organisations/{}/claim", ids.sme))
            .await
            .status,
        StatusCode::CONFLICT
    );

    let empty = person.post_form(&claim, &[("message", "  ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app.storage.pending_claims().await.unwrap().is_empty());
    let message = format!("I am the director {SCRIPT}");
    let sent = person.post_form(&claim, &[("message", &message)]).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text());
    let claims = app.storage.pending_claims().await.unwrap();
    assert_eq!(claims.len(), 1);

    // Only platform admins see and decide claims.
    assert_eq!(
        person.get("/admin/claims").await.status,
        StatusCode::NOT_FOUND
    );
    let decide = format!("/admin/claims/{}", claims[0].id);
    assert_eq!(
        person
            .post_form(&decide, &[("decision", "approve")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let page = platform.get("/admin/claims").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("paul@example.eu"));
    assert_inert("/admin/claims", &page.text());
    assert!(!page.text().contains("Paul <b>"));
    let bad = platform.post_form(&decide, &[("decision", "maybe")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let approved = platform
        .post_form(&decide, &[("decision", "approve")])
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER);
    let paul = user_id(&app, "paul@example.eu").await;
    assert_eq!(
        app.storage.roles_of(paul).await.unwrap().organisations,
        vec![(ids.other, String::from("admin"))]
    );
    link_in_mail(
        &app,
        "paul@example.eu",
        &format!("/organisations/{}", ids.other),
    )
    .await;
    let actions: Vec<String> = app
        .storage
        .audit_entries(None, None, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|entry| entry.action)
        .collect();
    assert!(actions.contains(&String::from("claim.request")));
    assert!(actions.contains(&String::from("claim.approve")));
    // The new admin may edit now.
    assert_eq!(
        person
            .get(&format!("/organisations/{}/edit", ids.other))
            .await
            .status,
        StatusCode::OK
    );
    // A decided claim cannot be decided again.
    assert_eq!(
        platform
            .post_form(&decide, &[("decision", "reject")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_cluster_manager_keeps_the_member_list() {
    let (app, ids) = app_with_organisations().await;
    let members = format!("/organisations/{}/members", ids.cluster);
    let mut manager = signed_in(&app, "cm@example.eu", "Manager").await;
    grant(&app, "cm@example.eu", ids.cluster, "cluster_manager").await;
    let mut admin = signed_in(&app, "anna@example.eu", "Anna").await;
    grant(&app, "anna@example.eu", ids.sme, "admin").await;
    grant(&app, "anna@example.eu", ids.cluster, "admin").await;

    assert!(is_sign_in(&Browser::new(&app).get(&members).await));
    // An admin of the cluster who is not its manager, and anyone else, see nothing.
    assert_eq!(admin.get(&members).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        admin
            .post_form(&members, &[("member", &ids.sme.to_string())])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let page = manager.get(&members).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    assert_inert(&members, &page.text());
    // Not a cluster: no member list.
    let mut platform = signed_in(&app, "root@example.eu", "Root").await;
    make_platform_admin(&app, "root@example.eu").await;
    assert_eq!(
        platform
            .get(&format!("/organisations/{}/members", ids.sme))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let bad = manager.post_form(&members, &[("member", "robots")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let head = app.storage.feed_head().await.unwrap();
    let added = manager
        .post_form(
            &members,
            &[("member", &format!("https://x.eu/organisations/{}", ids.sme))],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text());
    assert_eq!(
        app.storage.cluster_members(ids.cluster).await.unwrap()[0].0,
        ids.sme
    );
    assert!(app.storage.feed_head().await.unwrap() > head);
    let twice = manager
        .post_form(&members, &[("member", &ids.sme.to_string())])
        .await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.storage.clusters_of(ids.sme).await.unwrap()[0].0,
        ids.cluster
    );
    let removed = manager
        .post_form(
            &format!("{members}/remove"),
            &[("member", &ids.sme.to_string())],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert!(
        app.storage
            .cluster_members(ids.cluster)
            .await
            .unwrap()
            .is_empty()
    );
    // The profile links its managers to the list.
    assert!(
        profile_text(&mut manager, ids.cluster)
            .await
            .contains(&format!("href=\"{members}\""))
    );
}
