//! Value-chain consortia through the router: a three-stage chain over a small directory gets the
//! consortium the rules allow (with every member's stage, reasons and rules), the gaps when no
//! consortium meets them, a 400 naming the field for bad input; anonymous callers are asked to
//! sign in and a session without the CSRF header is refused. Also the sign-in helpers the
//! matchmaking tests share.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use clusterhub_storage::OrganisationImport;
use serde_json::{Value, json};

use crate::support::{TestApp, TestResponse, assert_problem, organisation};

pub(crate) const PASSWORD: &str = "violet harbour lantern 42";

/// A signed-in person's cookies and CSRF token.
pub(crate) struct Session {
    pub cookie: String,
    pub csrf: String,
}

fn cookie_value(response: &TestResponse, name: &str) -> Option<String> {
    response
        .headers
        .get_all("set-cookie")
        .iter()
        .find_map(|value| {
            let text = value.to_str().ok()?;
            let pair = text.split(';').next()?;
            let (cookie, value) = pair.split_once('=')?;
            (cookie == name).then(|| value.to_owned())
        })
}

fn form(fields: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

/// Signs up with the site's forms, confirms the address from the mail and signs in through the
/// API; `organisations` are given the member role (by the storage layer, as an invitation would).
pub(crate) async fn signed_in(app: &TestApp, email: &str, organisations: &[i64]) -> Session {
    let first = app.get("/login").await;
    let csrf = cookie_value(&first, "clusterhub_csrf").expect("a CSRF cookie");
    let post = |uri: &str, body: String| {
        Request::post(uri)
            .header("cookie", format!("clusterhub_csrf={csrf}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("a request")
    };
    let signup = app
        .send(post(
            "/signup",
            form(&[
                ("csrf", &csrf),
                ("email", email),
                ("display_name", email.split('@').next().unwrap_or("someone")),
                ("password", PASSWORD),
                ("consent_listing", "yes"),
            ]),
        ))
        .await;
    assert_eq!(signup.status, StatusCode::OK, "{}", signup.text());
    let mails = app
        .storage
        .due_emails(i64::MAX / 4, 10_000)
        .await
        .expect("outbox");
    let body = &mails
        .iter()
        .rev()
        .find(|mail| mail.email.recipient == email)
        .expect("a confirmation mail")
        .email
        .body_text;
    let token: String = body[body.find("token=").expect("a link") + 6..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    let confirmed = app
        .send(post(
            "/verify-email",
            form(&[("csrf", &csrf), ("token", &token)]),
        ))
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.text());
    let user = app
        .storage
        .user_by_email(email)
        .await
        .expect("read")
        .expect("the user");
    for &organisation in organisations {
        app.storage
            .grant_organisation_role(
                user.id,
                organisation,
                "member",
                &clusterhub_storage::AuditContext::system(),
            )
            .await
            .expect("grant");
    }
    let login = app
        .send(
            Request::post("/api/v1/auth/login")
                .header("content-type", "application/json")
                .body(Body::from(
                    json!({"email": email, "password": PASSWORD}).to_string(),
                ))
                .expect("a request"),
        )
        .await;
    assert_eq!(login.status, StatusCode::NO_CONTENT, "{}", login.text());
    let session = cookie_value(&login, "clusterhub_session").expect("a session cookie");
    Session {
        cookie: format!("clusterhub_session={session}; clusterhub_csrf={csrf}"),
        csrf,
    }
}

/// Sends a request as the person (with the CSRF header when `csrf`), JSON body if given.
pub(crate) async fn send_as(
    app: &TestApp,
    session: Option<&Session>,
    method: Method,
    uri: &str,
    body: Option<Value>,
    csrf: bool,
) -> TestResponse {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(session) = session {
        request = request.header("cookie", &session.cookie);
        if csrf {
            request = request.header("x-csrf-token", &session.csrf);
        }
    }
    let request = match body {
        Some(body) => request
            .header("content-type", "application/json")
            .body(Body::from(body.to_string())),
        None => request.body(Body::empty()),
    }
    .expect("a request");
    app.send(request).await
}

/// Posts a form as the person, with the CSRF field unless `csrf` is false.
pub(crate) async fn post_form_as(
    app: &TestApp,
    session: &Session,
    uri: &str,
    fields: &[(&str, &str)],
    csrf: bool,
) -> TestResponse {
    let mut all: Vec<(&str, &str)> = Vec::new();
    if csrf {
        all.push(("csrf", &session.csrf));
    }
    all.extend_from_slice(fields);
    app.send(
        Request::post(uri)
            .header("cookie", &session.cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(form(&all)))
            .expect("a request"),
    )
    .await
}

fn company(
    key: &str,
    country: &str,
    nuts: &str,
    nace: &str,
    sme: bool,
    offer: &str,
) -> OrganisationImport {
    let mut row = organisation(key, if sme { "sme" } else { "large_enterprise" }, country);
    row.name = format!("{key} {country}");
    row.nuts = Some(nuts.to_owned());
    row.nace = vec![nace.to_owned()];
    row.sme_status = String::from(if sme { "small" } else { "not_sme" });
    row.offers = vec![offer.to_owned()];
    let (lat, lon) = match country {
        "DE" => (48.8, 9.2),
        "PL" => (50.1, 19.9),
        "FR" => (48.9, 2.3),
        "PT" => (41.1, -8.6),
        _ => (48.2, 16.4),
    };
    row.lat = Some(lat);
    row.lon = Some(lon);
    row
}

/// A small battery value chain: chemicals (20.1), cells (27.2), vehicles (29.1).
pub(crate) fn battery_directory() -> Vec<OrganisationImport> {
    let mut rows = vec![
        company("chem-de", "DE", "DE11", "20.13", false, "Cathode chemicals"),
        company(
            "chem-pl",
            "PL",
            "PL21",
            "20.13",
            true,
            "Lithium salts and cathode chemicals",
        ),
        company("cell-de", "DE", "DE12", "27.20", false, "Battery cells"),
        company(
            "cell-fr",
            "FR",
            "FR10",
            "27.20",
            true,
            "Pouch battery cells",
        ),
        company("car-fr", "FR", "FR10", "29.10", false, "Electric vans"),
        company("car-pt", "PT", "PT11", "29.10", true, "Electric buses"),
        company("opera", "AT", "AT13", "90.01", false, "Opera"),
    ];
    // The Polish chemicals SME looks for battery cells: its profile suggests the cell makers.
    rows[1].requests = vec![String::from("Battery cells")];
    rows
}

pub(crate) fn battery_chain() -> Value {
    json!([
        {"name": "Chemicals", "nace": ["20.1"], "keywords": "cathode"},
        {"name": "Cells", "nace": ["27.2"], "technologies": [], "keywords": "battery cells"},
        {"name": "Vehicles", "nace": ["29.1"]}
    ])
}

#[tokio::test]
async fn a_three_stage_chain_gets_the_consortium_the_rules_allow() {
    let app = TestApp::with_organisations(&battery_directory()).await;
    let uri = "/api/v1/value-chains/consortia";
    let body = json!({
        "stages": battery_chain(),
        "rules": {"min_members": 3, "min_countries": 3, "min_cohesion_regions": 1, "min_smes": 2},
        "limit": 5,
    });
    let anonymous = send_as(&app, None, Method::POST, uri, Some(body.clone()), false).await;
    assert_problem(&anonymous, StatusCode::UNAUTHORIZED, "sign_in_required");

    let session = signed_in(&app, "vera@example.eu", &[]).await;
    let no_csrf = send_as(
        &app,
        Some(&session),
        Method::POST,
        uri,
        Some(body.clone()),
        false,
    )
    .await;
    assert_problem(&no_csrf, StatusCode::FORBIDDEN, "csrf_token_missing");

    let answer = send_as(&app, Some(&session), Method::POST, uri, Some(body), true).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let answer = answer.json();
    assert_eq!(answer["size"], 3);
    assert_eq!(answer["complete"], true);
    assert_eq!(answer["gaps"], json!([]));
    let stages = answer["stages"].as_array().expect("stages");
    assert_eq!(stages[0]["candidates"], 2);
    assert_eq!(stages[1]["countries"], json!({"DE": 1, "FR": 1}));
    let consortia = answer["consortia"].as_array().expect("consortia");
    assert!(!consortia.is_empty());
    for consortium in consortia {
        let members = consortium["members"].as_array().expect("members");
        assert_eq!(members.len(), 3);
        let points: i64 = members
            .iter()
            .map(|m| m["points"].as_i64().expect("points"))
            .sum();
        assert_eq!(consortium["score"].as_i64(), Some(points));
        assert_eq!(consortium["countries"], 3);
        assert!(members.iter().filter(|m| m["sme"] == true).count() >= 2);
        assert!(
            members
                .iter()
                .any(|m| m["region_category"] == "less_developed"
                    || m["region_category"] == "transition")
        );
        for member in members {
            assert!(
                !member["reasons"].as_array().expect("reasons").is_empty(),
                "{member}"
            );
            assert!(
                !member["rules"].as_array().expect("rules").is_empty(),
                "{member}"
            );
        }
    }
    // Every valid consortium scores 130 + 160 + 100; three meet the rules: (chem-de, cell-fr,
    // car-pt), (chem-pl, cell-de, car-pt) and (chem-pl, cell-fr, car-pt).
    assert_eq!(consortia.len(), 3, "{answer}");
    for consortium in consortia {
        assert_eq!(consortium["score"], 390);
        let stages: Vec<i64> = consortium["members"]
            .as_array()
            .expect("members")
            .iter()
            .map(|m| m["stage"].as_i64().expect("stage"))
            .collect();
        assert_eq!(stages, [0, 1, 2]);
    }
    let text = answer.to_string();
    assert!(text.contains("lies within 20.1"), "{text}");
    assert!(text.contains("less-developed region (PL21"), "{text}");
    assert!(text.contains("Offers battery, cells"), "{text}");
    assert!(!text.contains("opera"), "the opera house fits no stage");
}

#[tokio::test]
async fn gaps_and_bad_input_are_answered() {
    let app = TestApp::with_organisations(&battery_directory()).await;
    let session = signed_in(&app, "gap@example.eu", &[]).await;
    let uri = "/api/v1/value-chains/consortia";
    let ask = |body: Value| send_as(&app, Some(&session), Method::POST, uri, Some(body), true);

    let too_many_smes = ask(json!({"stages": battery_chain(), "rules": {"min_smes": 4}})).await;
    assert_eq!(
        too_many_smes.status,
        StatusCode::OK,
        "{}",
        too_many_smes.text()
    );
    let answer = too_many_smes.json();
    assert_eq!(answer["consortia"], json!([]));
    assert_eq!(answer["gaps"][0]["kind"], "rule_unreachable");
    assert_eq!(
        answer["gaps"][0]["facts"],
        json!({"rule": "min_smes", "available": 3, "needed": 4})
    );

    let mut stages = battery_chain();
    stages
        .as_array_mut()
        .expect("stages")
        .push(json!({"name": "Recycling", "nace": ["38.3"], "keywords": "recycling"}));
    let missing = ask(json!({"stages": stages, "lang": "fr"})).await.json();
    assert_eq!(missing["gaps"][0]["kind"], "stage_without_candidates");
    assert_eq!(missing["gaps"][0]["facts"], json!({"stage": 3}));
    assert!(
        missing["gaps"][0]["message"]
            .as_str()
            .is_some_and(|message| message.contains("« Recycling »")),
        "{missing}"
    );

    let mut bad = battery_chain();
    bad[1]["nace"] = json!(["99.99"]);
    let refused = ask(json!({"stages": bad})).await;
    let problem = assert_problem(&refused, StatusCode::BAD_REQUEST, "invalid_parameter");
    assert_eq!(problem["parameter"], "stages[1].nace");

    let empty = ask(json!({"stages": []})).await;
    let problem = assert_problem(&empty, StatusCode::BAD_REQUEST, "invalid_parameter");
    assert_eq!(problem["parameter"], "stages");

    let undescribed = ask(json!({"stages": [{"name": "Something"}]})).await;
    let problem = assert_problem(&undescribed, StatusCode::BAD_REQUEST, "invalid_parameter");
    assert_eq!(problem["parameter"], "stages[0].nace");

    let big = ask(json!({"stages": battery_chain(), "rules": {"min_members": 13}})).await;
    let problem = assert_problem(&big, StatusCode::BAD_REQUEST, "invalid_parameter");
    assert_eq!(problem["parameter"], "rules.min_members");

    let unknown = ask(json!({"stages": battery_chain(), "colour": "red"})).await;
    let problem = assert_problem(&unknown, StatusCode::BAD_REQUEST, "bad_request");
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|detail| detail.contains("colour"))
    );
}

pub(crate) fn page_query(extra: &str) -> String {
    let base = "s0_name=Chemicals&s0_nace=20.1&s0_kw=cathode&s1_name=Cells&s1_nace=27.2&s1_kw=battery+cells\
        &s2_name=Vehicles&s2_nace=29.1&s2_kw=&min_members=3&min_countries=3&min_cohesion=1&min_smes=2";
    format!("/value-chains?{base}{extra}")
}

#[tokio::test]
async fn the_page_builds_a_chain_shows_gaps_and_picks_a_consortium() {
    let app = TestApp::with_organisations(&battery_directory()).await;
    let anonymous = app.get(&page_query("")).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(
        anonymous
            .header("location")
            .is_some_and(|to| to.starts_with("/login?next="))
    );

    let session = signed_in(&app, "paula@example.eu", &[]).await;
    let get = |uri: String| {
        let (app, session) = (&app, &session);
        async move { send_as(app, Some(session), Method::GET, &uri, None, false).await }
    };
    let page = get(page_query("")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let html = page.text();
    assert!(
        html.contains("Consortium 1") && html.contains("Consortium 3"),
        "{html}"
    );
    assert!(!html.contains("Consortium 4"));
    assert!(html.contains("id=\"gap-table\""));
    // No country has candidates for every stage: Germany lacks vehicles, France chemicals.
    assert!(html.contains("class=\"cov-part\""));
    assert!(!html.contains("class=\"cov-full\""));
    assert!(
        html.contains("Germany: no candidate for Vehicles"),
        "{html}"
    );
    assert!(html.contains("lies within 20.1"));
    assert!(html.contains("Pick this consortium"));

    let picked = get(page_query("&pick=1")).await.text();
    assert!(picked.contains("You picked this consortium."));
    assert!(picked.contains("/selected?id="));
    assert_eq!(
        picked.matches("class=\"member-dot\"").count(),
        3,
        "the picked members on the map"
    );
    assert!(
        !html.contains("class=\"member-dot\""),
        "no dots before a pick"
    );

    let added = get(page_query("&action=add")).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let location = added.header("location").expect("a location").to_owned();
    assert!(
        location.contains("s3_name=") && !location.contains("action="),
        "{location}"
    );
    let moved = get(page_query("&action=down%3A0")).await;
    let location = moved.header("location").expect("a location").to_owned();
    assert!(
        location.starts_with("/value-chains?s0_name=Cells"),
        "{location}"
    );

    // A stage nobody fits is named as a gap; the name is escaped.
    let gap = get(page_query(
        "&s3_name=%3Cscript%3Ealert(1)%3C%2Fscript%3E&s3_nace=38.3",
    ))
    .await;
    assert_eq!(gap.status, StatusCode::OK);
    let html = gap.text();
    assert!(html.contains("No consortium meets the rules."), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<script>alert(1)"));

    let bad = get(page_query("&s1_nace=99.99")).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.text().contains("Stage 2, NACE codes:"),
        "{}",
        bad.text()
    );
    let french = get(format!("{}&lang=fr", page_query(""))).await.text();
    assert!(french.contains("Consortiums proposés"));
}
