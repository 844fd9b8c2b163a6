//! The account's security settings through the router: personal API tokens (created on the page
//! after a recent password check, used as `Authorization: Bearer`, revoked, expired, garbled),
//! re-authentication before sensitive actions, changing the password and the e-mail address,
//! consents as new records, and the audit log page with its filters, exports and the throttle
//! of refusal entries.

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use clusterhub_accounts::{Token, TokenKind, TotpSecret};
use clusterhub_storage::{AuditContext, AuditFilter, NewApiToken};

use crate::accounts::{
    Browser, PASSWORD, link_in_mail, registered, sign_in, signed_in, token_of, user_id,
};
use crate::support::{TestApp, TestResponse, assert_problem};

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64
}

/// The `cht_…` token shown on a page.
fn token_in(page: &str) -> String {
    let start = page.find("cht_").expect("a token on the page");
    page[start..start + 47].to_owned()
}

async fn with_bearer(app: &TestApp, method: Method, uri: &str, token: &str) -> TestResponse {
    let mut stranger = Browser::new(app);
    stranger
        .request(
            method,
            uri,
            None,
            &[("authorization", &format!("Bearer {token}"))],
        )
        .await
}

/// Makes the browser's sign-in an hour old.
async fn age_sign_in(app: &TestApp, browser: &Browser<'_>) {
    let cookie = &browser.cookies["clusterhub_session"];
    let digest = Token::parse(TokenKind::Session, cookie).unwrap().digest();
    app.storage
        .complete_second_factor(&digest, now() - 3600)
        .await
        .unwrap();
}

async fn actions(app: &TestApp) -> Vec<String> {
    app.storage
        .audit_entries(None, None, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|entry| entry.action)
        .collect()
}

#[tokio::test]
async fn api_tokens_sign_in_until_revoked_and_are_never_stored_in_plain_text() {
    let app = TestApp::new().await;
    let mut browser = signed_in(&app, "ada@example.eu", "Ada Lovelace").await;

    assert_eq!(
        browser.get("/account/tokens/new").await.status,
        StatusCode::OK
    );
    // The form needs its CSRF token, a name and a lifetime from the list.
    let forged = browser
        .post_raw(
            "/account/tokens",
            &[("name", "CI"), ("expires_in_days", "30")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let unnamed = browser
        .post_form(
            "/account/tokens",
            &[("name", " "), ("expires_in_days", "30")],
        )
        .await;
    assert_eq!(unnamed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unnamed.text().contains("name of 1 to 100"));
    let odd = browser
        .post_form(
            "/account/tokens",
            &[("name", "CI"), ("expires_in_days", "7")],
        )
        .await;
    assert_eq!(odd.status, StatusCode::UNPROCESSABLE_ENTITY);

    let name = "CI <script>alert(1)</script>";
    let created = browser
        .post_form(
            "/account/tokens",
            &[("name", name), ("expires_in_days", "30")],
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text());
    assert_eq!(created.header("cache-control"), Some("no-store"));
    let token = token_in(&created.text());
    assert!(!created.text().contains("<script>alert(1)"));

    // The token signs API requests in as its owner, without a cookie or CSRF token.
    let me = with_bearer(&app, Method::GET, "/api/v1/me", &token).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text());
    assert_eq!(me.json()["email"], "ada@example.eu");
    let listed = with_bearer(&app, Method::GET, "/api/v1/me/tokens", &token).await;
    assert_eq!(listed.status, StatusCode::OK);
    let list = listed.json();
    assert_eq!(list[0]["name"], name);
    assert_eq!(list[0]["live"], true);
    assert!(list[0]["last_used_at"].is_string(), "{list}");
    assert!(list[0]["expires_at"].is_string());
    assert!(!listed.text().contains(&token[4..]));
    // A token cannot make more tokens: that needs a password sign-in.
    let mut stranger = Browser::new(&app);
    let minted = stranger
        .request(
            Method::POST,
            "/api/v1/me/tokens",
            Some(("application/json", String::from(r#"{"name":"more"}"#))),
            &[("authorization", &format!("Bearer {token}"))],
        )
        .await;
    assert_problem(&minted, StatusCode::UNAUTHORIZED, "sign_in_required");
    // Pages ignore the header: the token is for the API.
    assert_eq!(
        with_bearer(&app, Method::GET, "/account", &token)
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // The account page lists it, escaped.
    let account = browser.get("/account").await.text();
    assert!(account.contains("CI &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!account.contains(&token));

    // Never in the database in plain text.
    let secret = &token[4..];
    for file in [
        app.database_path(),
        app.database_path().with_extension("db-wal"),
    ] {
        if let Ok(bytes) = std::fs::read(&file) {
            assert!(
                !bytes
                    .windows(secret.len())
                    .any(|window| window == secret.as_bytes()),
                "{} holds the token",
                file.display()
            );
        }
    }

    // Revoked (here by itself, with no CSRF token): refused from then on.
    let id = list[0]["id"].as_i64().unwrap();
    let revoked = with_bearer(
        &app,
        Method::DELETE,
        &format!("/api/v1/me/tokens/{id}"),
        &token,
    )
    .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT, "{}", revoked.text());
    let refused = with_bearer(&app, Method::GET, "/api/v1/me", &token).await;
    assert_problem(&refused, StatusCode::UNAUTHORIZED, "invalid_token");
    assert_eq!(
        refused.header("www-authenticate"),
        Some("Bearer error=\"invalid_token\"")
    );
    // Even on a public route: a bad token is never ignored.
    assert_problem(
        &with_bearer(&app, Method::GET, "/api/v1/health", &token).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    );

    // Garbled, of another kind, another scheme, or expired: 401 with a problem body.
    let session = browser.cookies["clusterhub_session"].clone();
    for garbled in ["cht_abc", "x", session.as_str(), &token.replace('A', "B")] {
        assert_problem(
            &with_bearer(&app, Method::GET, "/api/v1/me", garbled).await,
            StatusCode::UNAUTHORIZED,
            "invalid_token",
        );
    }
    let mut basic = Browser::new(&app);
    let answer = basic
        .request(
            Method::GET,
            "/api/v1/me",
            None,
            &[("authorization", "Basic YWRhOnBhc3N3b3Jk")],
        )
        .await;
    assert_problem(&answer, StatusCode::UNAUTHORIZED, "invalid_token");
    let expired = Token::new(TokenKind::Api, &[5; 32]);
    let owner = user_id(&app, "ada@example.eu").await;
    app.storage
        .create_api_token(
            &NewApiToken {
                user_id: owner,
                name: String::from("old"),
                token_digest: expired.digest(),
                expires_unix: now() - 5,
            },
            now() - 100,
            &AuditContext::system(),
        )
        .await
        .unwrap();
    assert_problem(
        &with_bearer(&app, Method::GET, "/api/v1/me", expired.expose()).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    );

    // Revoking another person's token, or a token twice: 404, nothing changes.
    let mut other = signed_in(&app, "eve@example.eu", "Eve").await;
    let answer = other
        .post_form(&format!("/account/tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);

    let actions = actions(&app).await;
    for action in ["api_token.create", "api_token.revoke", "access.bad_token"] {
        assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
    }
}

#[tokio::test]
async fn tokens_through_the_api_need_a_recent_sign_in_and_valid_fields() {
    let app = TestApp::new().await;
    let mut browser = signed_in(&app, "grace@example.eu", "Grace Hopper").await;
    let csrf = browser.cookies["clusterhub_csrf"].clone();
    let post = |body: &'static str| (String::from("application/json"), String::from(body));
    let (content_type, body) = post(r#"{"name":"Sync","expires_in_days":400}"#);
    let answer = browser
        .request(
            Method::POST,
            "/api/v1/me/tokens",
            Some((&content_type, body)),
            &[("x-csrf-token", &csrf)],
        )
        .await;
    let problem = assert_problem(&answer, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    assert_eq!(problem["parameter"], "expires_in_days");
    let (content_type, body) = post(r#"{"name":"Sync","expires_in_days":10}"#);
    // Without the CSRF header a session cookie is not enough.
    let answer = browser
        .request(
            Method::POST,
            "/api/v1/me/tokens",
            Some((&content_type, body.clone())),
            &[],
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    let answer = browser
        .request(
            Method::POST,
            "/api/v1/me/tokens",
            Some((&content_type, body.clone())),
            &[("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text());
    let secret = answer.json()["secret"].as_str().unwrap().to_owned();
    assert_eq!(
        with_bearer(&app, Method::GET, "/api/v1/me", &secret)
            .await
            .status,
        StatusCode::OK
    );
    // An hour after the sign-in, creating one needs the password again.
    age_sign_in(&app, &browser).await;
    let answer = browser
        .request(
            Method::POST,
            "/api/v1/me/tokens",
            Some((&content_type, body)),
            &[("x-csrf-token", &csrf)],
        )
        .await;
    let problem = assert_problem(&answer, StatusCode::UNAUTHORIZED, "sign_in_required");
    assert!(problem["detail"].as_str().unwrap().contains("recent"));
    // Listing and revoking do not.
    assert_eq!(
        browser.get("/api/v1/me/tokens").await.status,
        StatusCode::OK
    );
    let answer = browser
        .request(
            Method::DELETE,
            "/api/v1/me/tokens/999",
            None,
            &[("x-csrf-token", &csrf)],
        )
        .await;
    assert_problem(&answer, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn sensitive_actions_ask_for_the_password_again_then_come_back() {
    let app = TestApp::new().await;
    let mut browser = signed_in(&app, "lise@example.eu", "Lise Meitner").await;
    age_sign_in(&app, &browser).await;

    for page in [
        "/account/tokens/new",
        "/account/second-factor",
        "/account/password",
        "/account/email",
    ] {
        let answer = browser.get(page).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{page}");
        let encoded: String = url::form_urlencoded::byte_serialize(page.as_bytes()).collect();
        assert_eq!(
            answer.header("location"),
            Some(format!("/account/confirm?next={encoded}").as_str()),
            "{page}"
        );
    }
    // A form sent with a stale sign-in goes to the confirmation, then back to the account page.
    let answer = browser
        .post_form("/account/erase", &[("confirm", "yes")])
        .await;
    assert_eq!(
        answer.header("location"),
        Some("/account/confirm?next=%2Faccount")
    );
    assert!(
        app.storage
            .user_by_email("lise@example.eu")
            .await
            .unwrap()
            .is_some()
    );
    // The account page itself needs no fresh password.
    assert_eq!(browser.get("/account").await.status, StatusCode::OK);

    let form = browser
        .get("/account/confirm?next=%2Faccount%2Ftokens%2Fnew")
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text().contains("name=\"csrf\""));
    assert!(
        !form.text().contains("name=\"code\""),
        "no second factor yet"
    );
    let wrong = browser
        .post_form(
            "/account/confirm",
            &[
                ("password", "not my password at all"),
                ("next", "/account/tokens/new"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    // Another site is never the destination.
    let right = browser
        .post_form(
            "/account/confirm",
            &[("password", PASSWORD), ("next", "https://evil.example/")],
        )
        .await;
    assert_eq!(right.header("location"), Some("/account"));
    let right = browser
        .post_form(
            "/account/confirm",
            &[("password", PASSWORD), ("next", "/account/tokens/new")],
        )
        .await;
    assert_eq!(right.status, StatusCode::SEE_OTHER);
    assert_eq!(right.header("location"), Some("/account/tokens/new"));
    assert_eq!(
        browser.get("/account/tokens/new").await.status,
        StatusCode::OK
    );

    // With the second factor on, the confirmation asks for its code too.
    let user = user_id(&app, "lise@example.eu").await;
    let secret = TotpSecret::new([3; 20]);
    app.storage
        .enable_totp(user, &secret.to_base32(), 0, &[], &AuditContext::system())
        .await
        .unwrap();
    age_sign_in(&app, &browser).await;
    let form = browser.get("/account/confirm?next=%2Faccount").await;
    assert!(form.text().contains("name=\"code\""));
    let without_code = browser
        .post_form("/account/confirm", &[("password", PASSWORD)])
        .await;
    assert_eq!(without_code.status, StatusCode::UNAUTHORIZED);
    let code = secret.code_at(now() as u64);
    let with_code = browser
        .post_form(
            "/account/confirm",
            &[
                ("password", PASSWORD),
                ("code", &code),
                ("next", "/account/email"),
            ],
        )
        .await;
    assert_eq!(with_code.header("location"), Some("/account/email"));
    assert_eq!(browser.get("/account/email").await.status, StatusCode::OK);

    let actions = actions(&app).await;
    assert!(actions.iter().any(|a| a == "session.reauthenticate"));
    assert!(actions.iter().any(|a| a == "session.reauthenticate_failed"));
}

#[tokio::test]
async fn the_password_and_the_e_mail_address_change_on_the_account_page() {
    let app = TestApp::new().await;
    let mut browser = signed_in(&app, "emmy@example.eu", "Emmy Noether").await;
    let mut elsewhere = Browser::new(&app);
    sign_in(&mut elsewhere, "emmy@example.eu", PASSWORD).await;

    let new_password = "ring theory invariant 1918";
    let wrong = browser
        .post_form(
            "/account/password",
            &[("current", "not the password"), ("password", new_password)],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.text().contains("current password is wrong"));
    let weak = browser
        .post_form(
            "/account/password",
            &[("current", PASSWORD), ("password", "short")],
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.text().contains("at least 12"));
    let done = browser
        .post_form(
            "/account/password",
            &[("current", PASSWORD), ("password", new_password)],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text());
    // This session stays, the other one ends; a notice goes out.
    assert_eq!(browser.get("/api/v1/me").await.status, StatusCode::OK);
    assert_eq!(
        elsewhere.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    link_in_mail(&app, "emmy@example.eu", "/password/forgot").await;
    let mut fresh = Browser::new(&app);
    assert_eq!(
        sign_in(&mut fresh, "emmy@example.eu", PASSWORD)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in(&mut fresh, "emmy@example.eu", new_password)
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // The e-mail address: the new address confirms by a link.
    let bad = browser
        .post_form(
            "/account/email",
            &[("email", "not an address"), ("password", new_password)],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let wrong = browser
        .post_form(
            "/account/email",
            &[("email", "noether@example.eu"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let sent = browser
        .post_form(
            "/account/email",
            &[("email", "Noether@Example.eu"), ("password", new_password)],
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text());
    // Nothing changes until the link is opened.
    assert!(
        app.storage
            .user_by_email("emmy@example.eu")
            .await
            .unwrap()
            .is_some()
    );
    let link = link_in_mail(&app, "noether@example.eu", "/account/email/confirm?token=").await;
    let token = token_of(&link);
    let mut phone = Browser::new(&app);
    assert_eq!(
        phone
            .get(&format!("/account/email/confirm?token={token}"))
            .await
            .status,
        StatusCode::OK
    );
    let confirmed = phone
        .post_form("/account/email/confirm", &[("token", &token)])
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.text());
    let user = app
        .storage
        .user_by_email("noether@example.eu")
        .await
        .unwrap()
        .expect("the new address");
    assert!(user.email_verified);
    assert!(
        app.storage
            .user_by_email("emmy@example.eu")
            .await
            .unwrap()
            .is_none()
    );
    link_in_mail(&app, "emmy@example.eu", "noether@example.eu").await;
    // Once only.
    let again = phone
        .post_form("/account/email/confirm", &[("token", &token)])
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);

    // An address another account uses: the same answer, and no link is sent to it.
    registered(&app, "taken@example.eu", "Taken").await;
    let before = app
        .storage
        .due_emails(i64::MAX / 4, 1_000)
        .await
        .unwrap()
        .len();
    let answer = browser
        .post_form(
            "/account/email",
            &[("email", "taken@example.eu"), ("password", new_password)],
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        app.storage
            .due_emails(i64::MAX / 4, 1_000)
            .await
            .unwrap()
            .len(),
        before
    );

    let actions = actions(&app).await;
    for action in [
        "user.password_change",
        "user.email_change",
        "token.issue_change_email",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
    }
}

#[tokio::test]
async fn consents_are_shown_and_each_change_is_a_new_record() {
    let app = TestApp::new().await;
    let mut browser = signed_in(&app, "rosalind@example.eu", "Rosalind Franklin").await;
    let user = user_id(&app, "rosalind@example.eu").await;
    let page = browser.get("/account").await.text();
    assert!(page.contains(
        "id=\"consent-listing\" type=\"checkbox\" name=\"listing\" value=\"yes\" checked"
    ));
    assert!(page.contains("id=\"consent-email\" type=\"checkbox\" name=\"email\" value=\"yes\">"));

    let forged = browser
        .post_raw("/account/consents", &[("email", "yes")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // Listing withdrawn (unticked), e-mails given.
    let saved = browser
        .post_form("/account/consents", &[("email", "yes"), ("shown", "yes")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let records = app.storage.consents_of(user).await.unwrap();
    assert_eq!(records.len(), 4, "{records:?}");
    let latest = |purpose: &str| {
        records
            .iter()
            .rev()
            .find(|record| record.purpose == purpose)
            .unwrap()
            .clone()
    };
    assert!(!latest("listing").granted);
    assert!(latest("email").granted);
    assert!(!latest("email").text_version.is_empty());
    assert!(latest("email").at >= records[0].at);
    // The same choices again: nothing new.
    browser
        .post_form("/account/consents", &[("email", "yes"), ("shown", "yes")])
        .await;
    assert_eq!(app.storage.consents_of(user).await.unwrap().len(), 4);
    let page = browser.get("/account").await.text();
    assert!(page.contains("withdrawn"));
    assert!(
        actions(&app)
            .await
            .iter()
            .any(|a| a == "user.consent_change")
    );
}

#[tokio::test]
async fn the_audit_log_page_filters_exports_and_throttles_refusals() {
    let app = TestApp::new().await;
    let mut person = registered(&app, "mallory@example.eu", "<script>alert('m')</script>").await;
    sign_in(&mut person, "mallory@example.eu", "a wrong password here").await;
    sign_in(&mut person, "mallory@example.eu", PASSWORD).await;
    let mut admin = registered(&app, "admin@example.eu", "Admin").await;
    let admin_id = user_id(&app, "admin@example.eu").await;
    app.storage
        .grant_platform_role(admin_id, "platform_admin", &AuditContext::system())
        .await
        .unwrap();
    sign_in(&mut admin, "admin@example.eu", PASSWORD).await;

    // Hidden from others, and the attempt is recorded, at most 20 a minute per address.
    for _ in 0..40 {
        assert_eq!(
            person.get("/admin/audit").await.status,
            StatusCode::NOT_FOUND
        );
    }
    let denied = app
        .storage
        .audit_search(
            &AuditFilter {
                action: Some(String::from("access.denied")),
                ..AuditFilter::default()
            },
            None,
            1_000,
        )
        .await
        .unwrap();
    assert!(!denied.is_empty());
    assert!(denied.len() < 40, "{} entries: not throttled", denied.len());
    assert_eq!(
        person.get("/admin/audit/export.csv").await.status,
        StatusCode::NOT_FOUND
    );

    let page = admin.get("/admin/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains("session.sign_in_failed"));
    assert!(text.contains("access.denied"));
    assert!(!text.contains("<script>alert('m')"));
    assert!(text.contains("&lt;script&gt;"));

    let filtered = admin
        .get("/admin/audit?action=session.sign_in_failed&outcome=failed")
        .await
        .text();
    assert!(filtered.contains("session.sign_in_failed"));
    assert!(!filtered.contains("access.denied"));
    let by_area = admin.get("/admin/audit?action=session").await.text();
    assert!(by_area.contains("session.sign_in<"));
    assert!(!by_area.contains("user.register"));
    let today = &now_date();
    let dated = admin
        .get(&format!(
            "/admin/audit?from={today}&to={today}&record_type=user"
        ))
        .await;
    assert_eq!(dated.status, StatusCode::OK);
    assert!(dated.text().contains("user.register"));
    let future = admin.get("/admin/audit?from=2999-01-01").await.text();
    assert!(future.contains("No entry matches"));
    for bad in [
        "/admin/audit?from=yesterday",
        "/admin/audit?actor=-1",
        "/admin/audit?action=DROP%20TABLE",
        "/admin/audit?outcome=maybe",
        "/admin/audit?colour=red",
    ] {
        assert_eq!(
            admin.get(bad).await.status,
            StatusCode::BAD_REQUEST,
            "{bad}"
        );
    }

    let csv = admin
        .get("/admin/audit/export.csv?action=session.sign_in_failed")
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    let csv_text = csv.text();
    let mut lines = csv_text.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("id,at,actor_user_id,action")
    );
    let rows: Vec<&str> = lines.collect();
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|row| row.contains("session.sign_in_failed"))
    );

    let json = admin.get("/admin/audit/export.json?outcome=denied").await;
    assert_eq!(json.status, StatusCode::OK);
    let entries = json.json()["entries"].as_array().unwrap().clone();
    assert!(!entries.is_empty());
    assert!(entries.iter().all(|entry| entry["outcome"] == "denied"));

    // The API takes the same filters.
    let api = admin
        .get(&format!(
            "/api/v1/admin/audit?action=user&from={today}&limit=500"
        ))
        .await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.text());
    let kinds: BTreeSet<String> = api.json()["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["action"].as_str().unwrap().to_owned())
        .collect();
    assert!(kinds.contains("user.register"));
    assert!(
        kinds.iter().all(|kind| kind.starts_with("user.")),
        "{kinds:?}"
    );
    assert_problem(
        &admin.get("/api/v1/admin/audit?to=2026-13-01").await,
        StatusCode::BAD_REQUEST,
        "invalid_parameter",
    );
    // Exports are themselves in the log.
    assert!(actions(&app).await.iter().any(|a| a == "audit.export"));
}

fn now_date() -> String {
    let today = time::OffsetDateTime::now_utc().date();
    format!(
        "{:04}-{:02}-{:02}",
        today.year(),
        u8::from(today.month()),
        today.day()
    )
}
