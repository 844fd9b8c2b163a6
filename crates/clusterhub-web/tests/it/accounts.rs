//! Accounts end to end through the router: sign-up, e-mail confirmation, sign-in and out, the
//! password reset, CSRF, rate limits, session renewal, escaping of what people type, and the
//! access rule of every route for every role.

use std::collections::{BTreeMap, BTreeSet};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use clusterhub_storage::{AuditContext, NewOneTimeToken, OutgoingEmail};

use crate::support::{TestApp, TestResponse};

pub(crate) const PASSWORD: &str = "violet harbour lantern 42";

/// A browser: keeps cookies and sends the CSRF token with its forms.
pub(crate) struct Browser<'a> {
    pub(crate) app: &'a TestApp,
    pub(crate) cookies: BTreeMap<String, String>,
}

impl<'a> Browser<'a> {
    pub(crate) fn new(app: &'a TestApp) -> Browser<'a> {
        Browser {
            app,
            cookies: BTreeMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn remember(&mut self, response: &TestResponse) {
        for value in response.headers.get_all("set-cookie") {
            let text = value.to_str().expect("ASCII cookie");
            let pair = text.split(';').next().expect("name=value");
            let (name, value) = pair.split_once('=').expect("name=value");
            if text.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    pub(crate) async fn request(
        &mut self,
        method: Method,
        uri: &str,
        body: Option<(&str, String)>,
        extra: &[(&str, &str)],
    ) -> TestResponse {
        let mut request = Request::builder().method(method).uri(uri);
        if !self.cookies.is_empty() {
            request = request.header("cookie", self.cookie_header());
        }
        for (name, value) in extra {
            request = request.header(*name, *value);
        }
        let request = match body {
            Some((content_type, body)) => request
                .header("content-type", content_type)
                .body(Body::from(body)),
            None => request.body(Body::empty()),
        }
        .expect("a request");
        let response = self.app.send(request).await;
        self.remember(&response);
        response
    }

    pub(crate) async fn get(&mut self, uri: &str) -> TestResponse {
        self.request(Method::GET, uri, None, &[]).await
    }

    /// Posts a form with the CSRF token, as the site's own pages do.
    pub(crate) async fn post_form(&mut self, uri: &str, fields: &[(&str, &str)]) -> TestResponse {
        if !self.cookies.contains_key("clusterhub_csrf") {
            self.get("/login").await;
        }
        let csrf = self.cookies["clusterhub_csrf"].clone();
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(uri, &all).await
    }

    /// Posts a form exactly as given (no CSRF token added).
    pub(crate) async fn post_raw(&mut self, uri: &str, fields: &[(&str, &str)]) -> TestResponse {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.request(
            Method::POST,
            uri,
            Some(("application/x-www-form-urlencoded", body)),
            &[],
        )
        .await
    }
}

/// The link of the newest queued message to `recipient` that contains `path`.
pub(crate) async fn link_in_mail(app: &TestApp, recipient: &str, path: &str) -> String {
    let mails = app
        .storage
        .due_emails(i64::MAX / 4, 1_000)
        .await
        .expect("outbox");
    let mail = mails
        .iter()
        .rev()
        .find(|mail| mail.email.recipient == recipient && mail.email.body_text.contains(path))
        .unwrap_or_else(|| panic!("no mail to {recipient} with {path}: {mails:?}"));
    let start = mail.email.body_text.find(path).expect("the path");
    let link: String = mail.email.body_text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    link
}

pub(crate) fn token_of(link: &str) -> String {
    link.split("token=").nth(1).expect("a token").to_owned()
}

/// Signs up and confirms the address; returns the browser, not signed in.
pub(crate) async fn registered<'a>(app: &'a TestApp, email: &str, name: &str) -> Browser<'a> {
    let mut browser = Browser::new(app);
    let answer = browser
        .post_form(
            "/signup",
            &[
                ("email", email),
                ("display_name", name),
                ("password", PASSWORD),
                ("consent_listing", "yes"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let link = link_in_mail(app, email, "/verify-email?token=").await;
    let token = token_of(&link);
    let confirmed = browser
        .post_form("/verify-email", &[("token", &token)])
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.text());
    browser
}

pub(crate) async fn sign_in(
    browser: &mut Browser<'_>,
    email: &str,
    password: &str,
) -> TestResponse {
    browser
        .post_form("/login", &[("email", email), ("password", password)])
        .await
}

/// A signed-in browser of a new account.
pub(crate) async fn signed_in<'a>(app: &'a TestApp, email: &str, name: &str) -> Browser<'a> {
    let mut browser = registered(app, email, name).await;
    let answer = sign_in(&mut browser, email, PASSWORD).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    browser
}

/// The id of the account of `email`.
pub(crate) async fn user_id(app: &TestApp, email: &str) -> i64 {
    app.storage
        .user_by_email(email)
        .await
        .unwrap()
        .expect("the account")
        .id
}

#[tokio::test]
async fn sign_up_confirm_sign_in_and_out() {
    let app = TestApp::new().await;
    let mut browser = registered(&app, "marie@example.eu", "Marie Curie").await;
    // The consent is recorded with its text version.
    let user = app
        .storage
        .user_by_email("marie@example.eu")
        .await
        .unwrap()
        .unwrap();
    let consents = app.storage.consents_of(user.id).await.unwrap();
    assert!(consents.iter().any(|c| c.purpose == "listing" && c.granted));
    assert!(consents.iter().any(|c| c.purpose == "email" && !c.granted));

    let anonymous = browser.get("/account").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(anonymous.header("location"), Some("/login?next=%2Faccount"));

    let wrong = sign_in(&mut browser, "marie@example.eu", "not the password at all").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.text().contains("Wrong e-mail address or password"));

    let signed_in = sign_in(&mut browser, "marie@example.eu", PASSWORD).await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.text()
    );
    let cookie = signed_in.header("set-cookie").expect("a session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let account = browser.get("/account").await;
    assert_eq!(account.status, StatusCode::OK);
    assert!(account.text().contains("Marie Curie"));
    let me = browser.get("/api/v1/me").await;
    assert_eq!(me.json()["email"], "marie@example.eu");

    let out = browser.post_form("/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(
        browser.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );

    // Failed and successful sign-ins are in the audit log.
    let audit = app.storage.audit_entries(None, None, 100).await.unwrap();
    let actions: BTreeSet<&str> = audit.iter().map(|entry| entry.action.as_str()).collect();
    for action in [
        "user.register",
        "user.verify_email",
        "session.sign_in_failed",
        "session.sign_in",
        "session.sign_out",
    ] {
        assert!(
            actions.contains(action),
            "{action} missing from {actions:?}"
        );
    }
}

#[tokio::test]
async fn an_unconfirmed_address_cannot_sign_in() {
    let app = TestApp::new().await;
    let mut browser = Browser::new(&app);
    browser
        .post_form(
            "/signup",
            &[
                ("email", "ada@example.eu"),
                ("display_name", "Ada"),
                ("password", PASSWORD),
            ],
        )
        .await;
    let answer = sign_in(&mut browser, "ada@example.eu", PASSWORD).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert!(answer.text().contains("Confirm your e-mail address first"));
}

#[tokio::test]
async fn bad_sign_up_input_is_refused_with_the_reason_and_writes_nothing() {
    let app = TestApp::new().await;
    let mut browser = Browser::new(&app);
    for (email, name, password, reason) in [
        ("not-an-address", "Ada", PASSWORD, "not an e-mail address"),
        ("ada@example.eu", "", PASSWORD, "Give your name"),
        ("ada@example.eu", "Ada", "short", "at least 12"),
        (
            "ada@example.eu",
            "Ada",
            "football2024!!",
            "most common passwords",
        ),
    ] {
        let answer = browser
            .post_form(
                "/signup",
                &[
                    ("email", email),
                    ("display_name", name),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{email} {name} {password}"
        );
        assert!(
            answer.text().contains(reason),
            "{reason}: {}",
            answer.text()
        );
    }
    assert!(
        app.storage
            .user_by_email("ada@example.eu")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn state_changing_requests_without_the_csrf_token_are_refused() {
    let app = TestApp::new().await;
    let mut browser = registered(&app, "lise@example.eu", "Lise Meitner").await;
    // No token at all.
    let answer = browser
        .post_raw(
            "/login",
            &[("email", "lise@example.eu"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    // A wrong token.
    let answer = browser
        .post_raw(
            "/login",
            &[
                ("csrf", "x".repeat(43).as_str()),
                ("email", "lise@example.eu"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    // The right token, but the cookie is missing (another site cannot read or set it).
    let csrf = browser.cookies["clusterhub_csrf"].clone();
    let mut stranger = Browser::new(&app);
    let answer = stranger
        .post_raw(
            "/login",
            &[
                ("csrf", csrf.as_str()),
                ("email", "lise@example.eu"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    // Signed in, an API call that changes state needs the header.
    assert_eq!(
        sign_in(&mut browser, "lise@example.eu", PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let answer = browser
        .request(Method::POST, "/api/v1/auth/logout", None, &[])
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(answer.json()["code"], "csrf_token_missing");
    assert_eq!(
        browser.get("/api/v1/me").await.status,
        StatusCode::OK,
        "still signed in"
    );
    let answer = browser
        .request(
            Method::POST,
            "/api/v1/auth/logout",
            None,
            &[("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert_eq!(
        browser.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_eleventh_wrong_password_in_a_minute_gets_429() {
    let app = TestApp::new().await;
    let mut browser = registered(&app, "emmy@example.eu", "Emmy Noether").await;
    for attempt in 1..=10 {
        let answer = sign_in(&mut browser, "emmy@example.eu", "wrong password number x").await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    let answer = sign_in(&mut browser, "emmy@example.eu", "wrong password number x").await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = answer
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry));
    // The right password is refused too until the minute is over.
    assert_eq!(
        sign_in(&mut browser, "emmy@example.eu", PASSWORD)
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another account is not locked by it.
    let mut other = registered(&app, "rosalind@example.eu", "Rosalind Franklin").await;
    assert_eq!(
        sign_in(&mut other, "rosalind@example.eu", PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // Through the API as well.
    let answer = browser
        .request(
            Method::POST,
            "/api/v1/auth/login",
            Some((
                "application/json",
                serde_json::json!({"email": "emmy@example.eu", "password": "x"}).to_string(),
            )),
            &[],
        )
        .await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(answer.header("retry-after").is_some());
}

#[tokio::test]
async fn a_reset_link_works_once_and_expires() {
    let app = TestApp::new().await;
    let mut browser = registered(&app, "grace@example.eu", "Grace Hopper").await;
    let answer = browser
        .post_form("/password/forgot", &[("email", "grace@example.eu")])
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    // An unknown address gets the same answer and no mail.
    let unknown = browser
        .post_form("/password/forgot", &[("email", "nobody@example.eu")])
        .await;
    assert_eq!(unknown.status, StatusCode::OK);
    assert_eq!(
        unknown.text().replace("nobody", "grace"),
        answer.text().replace("nobody", "grace")
    );

    let link = link_in_mail(&app, "grace@example.eu", "/password/reset?token=").await;
    let token = token_of(&link);
    assert_eq!(
        browser
            .get(&format!("/password/reset?token={token}"))
            .await
            .status,
        StatusCode::OK
    );
    let new_password = "cobol compiler nanosecond wire";
    let done = browser
        .post_form(
            "/password/reset",
            &[("token", &token), ("password", new_password)],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text());
    // Used once: the same link no longer works, for the form or the post.
    assert_eq!(
        browser
            .get(&format!("/password/reset?token={token}"))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    let again = browser
        .post_form(
            "/password/reset",
            &[
                ("token", &token),
                ("password", "another long passphrase here"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        sign_in(&mut browser, "grace@example.eu", PASSWORD)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in(&mut browser, "grace@example.eu", new_password)
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // An expired link is refused.
    let user = app
        .storage
        .user_by_email("grace@example.eu")
        .await
        .unwrap()
        .unwrap();
    let expired =
        clusterhub_accounts::Token::new(clusterhub_accounts::TokenKind::OneTime, &[9; 32]);
    app.storage
        .issue_one_time_token(
            &NewOneTimeToken {
                token_digest: expired.digest(),
                user_id: user.id,
                purpose: String::from("reset_password"),
                expires_unix: 1,
                payload: String::from("{}"),
            },
            &OutgoingEmail {
                recipient: user.email.clone(),
                subject: String::from("s"),
                body_text: String::from("b"),
            },
            &AuditContext::system(),
        )
        .await
        .unwrap();
    let answer = browser
        .post_form(
            "/password/reset",
            &[
                ("token", expired.expose()),
                ("password", "yet another long passphrase"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.text().contains("expired"));
}

#[tokio::test]
async fn the_session_id_changes_at_sign_in() {
    let app = TestApp::new().await;
    let mut victim = registered(&app, "hedy@example.eu", "Hedy Lamarr").await;
    // An attacker signs in and plants their own session id in the victim's browser.
    let mut attacker = registered(&app, "eve@example.eu", "Eve").await;
    sign_in(&mut attacker, "eve@example.eu", PASSWORD).await;
    let planted = attacker.cookies["clusterhub_session"].clone();
    victim
        .cookies
        .insert(String::from("clusterhub_session"), planted.clone());
    let answer = sign_in(&mut victim, "hedy@example.eu", PASSWORD).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let after = victim.cookies["clusterhub_session"].clone();
    assert_ne!(after, planted);
    assert_eq!(
        victim.get("/api/v1/me").await.json()["email"],
        "hedy@example.eu"
    );
    // The planted session is over for the attacker too.
    assert_eq!(
        attacker.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_script_in_a_user_name_is_shown_as_text() {
    let app = TestApp::new().await;
    let name = "<script>alert('x')</script><img src=x onerror=alert(1)>";
    let mut browser = registered(&app, "mallory@example.eu", name).await;
    sign_in(&mut browser, "mallory@example.eu", PASSWORD).await;
    for page in ["/account", "/", "/organisations"] {
        let text = browser.get(page).await.text();
        assert!(!text.contains("<script>alert"), "{page} has the raw script");
        assert!(!text.contains("<img src=x"), "{page} has the raw tag");
        assert!(
            text.contains("&lt;script&gt;alert"),
            "{page} does not show the name"
        );
    }
    let me = browser.get("/api/v1/me").await;
    assert_eq!(me.header("content-type"), Some("application/json"));
}

/// Every route of the router has an access rule, every rule names a route, and each role gets
/// the answer its rule says.
#[tokio::test]
async fn every_route_answers_every_role_as_its_rule_says() {
    let app = TestApp::new().await;
    let routes = router_paths(&format!("{:?}", app.router()));
    assert!(
        routes.len() > 20,
        "the router's routes could not be read: {routes:?}"
    );

    // 1. Anonymous probe of every path with every method: none is a route without a rule.
    for path in &routes {
        let uri = concrete(path);
        for method in [
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ] {
            let mut browser = Browser::new(&app);
            let answer = browser.request(method.clone(), &uri, None, &[]).await;
            assert_ne!(
                answer.status,
                StatusCode::INTERNAL_SERVER_ERROR,
                "{method} {path}: {}",
                answer.text()
            );
        }
    }

    // 2. Every rule names a route the router has.
    for (method, path, _) in clusterhub_web::auth::policy_rules() {
        assert!(
            routes.contains(*path),
            "the rule {method} {path} names no route"
        );
    }

    // 3. Roles: anonymous, a signed-in person without roles, a platform admin.
    let mut person = registered(&app, "person@example.eu", "Person").await;
    sign_in(&mut person, "person@example.eu", PASSWORD).await;
    let mut admin = registered(&app, "admin@example.eu", "Admin").await;
    let admin_id = app
        .storage
        .user_by_email("admin@example.eu")
        .await
        .unwrap()
        .unwrap()
        .id;
    app.storage
        .grant_platform_role(admin_id, "platform_admin", &AuditContext::system())
        .await
        .unwrap();
    sign_in(&mut admin, "admin@example.eu", PASSWORD).await;
    for (method, path, access) in clusterhub_web::auth::policy_rules() {
        if *method != "GET" {
            continue;
        }
        let uri = concrete(path);
        let mut anonymous = Browser::new(&app);
        let anon = anonymous.get(&uri).await;
        let as_person = person.get(&uri).await;
        let as_admin = admin.get(&uri).await;
        use clusterhub_accounts::Access;
        match access {
            Access::Public => {
                // A public page may still send a visitor on (the second-factor page without a
                // pending sign-in goes to the sign-in page); it is never refused.
                assert!(
                    anon.status != StatusCode::UNAUTHORIZED && anon.status != StatusCode::FORBIDDEN,
                    "{path} is public, anonymous got {}",
                    anon.status
                );
            }
            Access::SignedIn | Access::RecentlyAuthenticated => {
                assert!(
                    is_sign_in(&anon, path),
                    "{path}: anonymous got {}",
                    anon.status
                );
                assert!(
                    !is_refusal(&as_person),
                    "{path}: a signed-in person got {}",
                    as_person.status
                );
            }
            Access::Platform(_) | Access::Organisation(_) => {
                assert!(
                    is_sign_in(&anon, path),
                    "{path}: anonymous got {}",
                    anon.status
                );
                assert_eq!(
                    as_person.status,
                    StatusCode::NOT_FOUND,
                    "{path}: hidden from a person without the role"
                );
                assert!(
                    !is_refusal(&as_admin),
                    "{path}: a platform admin got {}",
                    as_admin.status
                );
            }
        }
    }
}

fn is_sign_in(answer: &TestResponse, path: &str) -> bool {
    if path.starts_with("/api/") {
        answer.status == StatusCode::UNAUTHORIZED
    } else {
        answer.status == StatusCode::SEE_OTHER
            && answer
                .header("location")
                .is_some_and(|location| location.starts_with("/login"))
    }
}

fn is_refusal(answer: &TestResponse) -> bool {
    answer.status == StatusCode::UNAUTHORIZED
        || answer.status == StatusCode::FORBIDDEN
        || (answer.status == StatusCode::SEE_OTHER
            && answer
                .header("location")
                .is_some_and(|location| location.starts_with("/login")))
}

/// A path with its parameters filled in with plausible values.
fn concrete(pattern: &str) -> String {
    pattern
        .split('/')
        .map(|segment| match segment {
            "{id}" => "1",
            "{code}" => "C",
            "{nuts}" => "DE1",
            "{sector}" => "C",
            "{file}" => "clusterhub.css",
            "{old_code}" => "UKI1",
            other if other.starts_with('{') => "x",
            other => other,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The route paths in the router's debug output (every string that starts with `/`).
fn router_paths(debug: &str) -> BTreeSet<String> {
    let mut paths = BTreeSet::new();
    let mut rest = debug;
    while let Some(start) = rest.find("\"/") {
        let after = &rest[start + 1..];
        let Some(end) = after.find('"') else { break };
        let path = &after[..end];
        if !path.contains(' ') {
            paths.insert(path.to_owned());
        }
        rest = &after[end + 1..];
    }
    paths
}

#[tokio::test]
async fn a_person_downloads_their_data_and_erases_their_account() {
    let app =
        TestApp::with_organisations(&[crate::support::organisation("nasa", "research", "FR")])
            .await;
    let organisation = app
        .storage
        .organisation_by_key("nasa")
        .await
        .unwrap()
        .unwrap()
        .id;
    let mut browser = registered(&app, "katherine@example.eu", "Katherine Johnson").await;
    sign_in(&mut browser, "katherine@example.eu", PASSWORD).await;
    // A token, a claim and an invitation to her address, for the export and the erasure.
    let created = browser
        .post_form(
            "/account/tokens",
            &[("name", "orbit scripts"), ("expires_in_days", "30")],
        )
        .await
        .text();
    let start = created.find("cht_").expect("the new token is shown once");
    let token: String = created[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    let bearer = format!("Bearer {token}");
    assert_eq!(
        browser
            .request(
                Method::GET,
                "/api/v1/me",
                None,
                &[("authorization", &bearer)]
            )
            .await
            .status,
        StatusCode::OK
    );
    let claimed = browser
        .post_form(
            &format!("/organisations/{organisation}/claim"),
            &[("message", "I compute trajectories here")],
        )
        .await;
    assert!(claimed.status.is_success() || claimed.status.is_redirection());
    let export = browser.get("/api/v1/me/export").await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(
        export
            .header("content-disposition")
            .is_some_and(|d| d.starts_with("attachment"))
    );
    let data = export.json();
    assert_eq!(data["account"]["email"], "katherine@example.eu");
    assert!(
        !export.text().contains("argon2"),
        "the password hash is not exported"
    );
    assert!(data["consents"].as_array().is_some_and(|c| c.len() == 2));
    assert!(data["audit_log"].as_array().is_some_and(|a| !a.is_empty()));
    assert_eq!(data["api_tokens"][0]["name"], "orbit scripts");
    assert!(data["api_tokens"][0]["created_at"].is_string());
    assert!(
        !export.text().contains(&token),
        "the token itself is not exported"
    );
    assert_eq!(
        data["organisation_claims"][0]["organisation_id"],
        organisation
    );
    assert_eq!(
        data["organisation_claims"][0]["message"],
        "I compute trajectories here"
    );
    assert_eq!(data["roles"]["platform"], serde_json::json!([]));

    let unconfirmed = browser.post_form("/account/erase", &[]).await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    let erased = browser
        .post_form("/account/erase", &[("confirm", "yes")])
        .await;
    assert_eq!(erased.status, StatusCode::OK, "{}", erased.text());
    assert_eq!(
        browser.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in(&mut browser, "katherine@example.eu", PASSWORD)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        browser
            .request(
                Method::GET,
                "/api/v1/me",
                None,
                &[("authorization", &bearer)]
            )
            .await
            .status,
        StatusCode::UNAUTHORIZED,
        "the token ends with the account"
    );
    assert!(
        app.storage.pending_claims().await.unwrap().is_empty(),
        "the claim is withdrawn"
    );
    let audit = app.storage.audit_entries(None, None, 1_000).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|entry| entry.action == "session.sign_in_failed")
    );
    assert!(audit.iter().any(|entry| entry.action == "user.erase"));
    assert!(
        !serde_json::to_string(&audit)
            .unwrap()
            .contains("katherine@example.eu")
    );
}
