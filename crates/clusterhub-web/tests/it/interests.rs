//! Expressions of interest and the inbox through the router: anonymous callers are asked to sign
//! in, only members send for their organisation and read its inbox (others get 404), CSRF is
//! required, the receiving organisation's members get an e-mail, messages are escaped, read and
//! unread are kept, and sending is rate-limited.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::{TestApp, assert_problem};
use crate::value_chains::{battery_directory, page_query, post_form_as, send_as, signed_in};

/// The ids of the battery directory's organisations, by external key.
async fn ids(app: &TestApp) -> std::collections::BTreeMap<String, i64> {
    app.storage
        .organisations_page(0, 100)
        .await
        .expect("organisations")
        .into_iter()
        .map(|organisation| (organisation.profile.external_key, organisation.id))
        .collect()
}

#[tokio::test]
async fn members_send_interest_and_both_organisations_see_it() {
    let app = TestApp::with_organisations(&battery_directory()).await;
    let ids = ids(&app).await;
    let (chem, cell, car) = (ids["chem-pl"], ids["cell-de"], ids["car-fr"]);
    let to_cell = format!("/api/v1/organisations/{cell}/interests");
    let body = json!({
        "from_organisation": chem,
        "topic": "suggestion",
        "context": "Offers what you request: battery cells",
        "message": "Shall we build <script>alert(1)</script> cells together?",
    });

    let anonymous = send_as(
        &app,
        None,
        Method::POST,
        &to_cell,
        Some(body.clone()),
        false,
    )
    .await;
    assert_problem(&anonymous, StatusCode::UNAUTHORIZED, "sign_in_required");
    let page = app.get("/inbox").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);

    let alice = signed_in(&app, "alice@example.eu", &[chem]).await;
    let bob = signed_in(&app, "bob@example.eu", &[cell]).await;
    let carol = signed_in(&app, "carol@example.eu", &[car]).await;

    let no_csrf = send_as(
        &app,
        Some(&alice),
        Method::POST,
        &to_cell,
        Some(body.clone()),
        false,
    )
    .await;
    assert_problem(&no_csrf, StatusCode::FORBIDDEN, "csrf_token_missing");

    let mails_before = app.storage.pending_email_count().await.expect("count");
    let sent = send_as(
        &app,
        Some(&alice),
        Method::POST,
        &to_cell,
        Some(body.clone()),
        true,
    )
    .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text());
    let sent = sent.json();
    assert_eq!(sent["direction"], "sent");
    assert_eq!(sent["to"]["id"], cell);
    assert_eq!(sent["read"], false);
    let id = sent["id"].as_i64().expect("an id");
    assert_eq!(
        app.storage.pending_email_count().await.expect("count"),
        mails_before + 1
    );
    let mails = app
        .storage
        .due_emails(i64::MAX / 4, 1_000)
        .await
        .expect("outbox");
    let mail = mails.last().expect("a mail");
    assert_eq!(mail.email.recipient, "bob@example.eu");
    assert!(mail.email.subject.contains("chem-pl PL"), "{mail:?}");
    assert!(
        mail.email.body_text.contains("/inbox?organisation="),
        "{mail:?}"
    );

    // Not a member of the sending organisation: as if it did not exist.
    let mut forged = body.clone();
    forged["from_organisation"] = json!(car);
    let hidden = send_as(
        &app,
        Some(&alice),
        Method::POST,
        &to_cell,
        Some(forged),
        true,
    )
    .await;
    assert_problem(&hidden, StatusCode::NOT_FOUND, "not_found");
    let missing = send_as(
        &app,
        Some(&alice),
        Method::POST,
        "/api/v1/organisations/999999/interests",
        Some(body.clone()),
        true,
    )
    .await;
    assert_problem(&missing, StatusCode::NOT_FOUND, "not_found");
    let mut to_self = body.clone();
    to_self["from_organisation"] = json!(chem);
    let itself = send_as(
        &app,
        Some(&alice),
        Method::POST,
        &format!("/api/v1/organisations/{chem}/interests"),
        Some(to_self),
        true,
    )
    .await;
    assert_eq!(
        assert_problem(&itself, StatusCode::BAD_REQUEST, "invalid_parameter")["parameter"],
        "from_organisation"
    );
    let mut empty = body.clone();
    empty["message"] = json!("  ");
    let empty = send_as(
        &app,
        Some(&alice),
        Method::POST,
        &to_cell,
        Some(empty),
        true,
    )
    .await;
    assert_eq!(
        assert_problem(&empty, StatusCode::BAD_REQUEST, "invalid_parameter")["parameter"],
        "message"
    );

    // Both organisations see it; a third one does not, and may not ask.
    let received = send_as(&app, Some(&bob), Method::GET, "/api/v1/inbox", None, false)
        .await
        .json();
    assert_eq!(received["unread"], 1);
    assert_eq!(received["messages"][0]["direction"], "received");
    assert_eq!(received["messages"][0]["from"]["name"], "chem-pl PL");
    let outgoing = send_as(
        &app,
        Some(&alice),
        Method::GET,
        &format!("/api/v1/inbox?organisation={chem}"),
        None,
        false,
    )
    .await
    .json();
    assert_eq!(outgoing["messages"][0]["id"], id);
    assert_eq!(outgoing["unread"], 0);
    let theirs = send_as(
        &app,
        Some(&carol),
        Method::GET,
        &format!("/api/v1/inbox?organisation={cell}"),
        None,
        false,
    )
    .await;
    assert_problem(&theirs, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(
        send_as(
            &app,
            Some(&carol),
            Method::GET,
            "/api/v1/inbox",
            None,
            false
        )
        .await
        .json()["messages"],
        json!([])
    );
    let page = send_as(
        &app,
        Some(&carol),
        Method::GET,
        &format!("/inbox?organisation={cell}"),
        None,
        false,
    )
    .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);

    // The inbox page: escaped, unread, marked read by the receiver only, with CSRF.
    let page = send_as(&app, Some(&bob), Method::GET, "/inbox", None, false).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<script>alert(1)"));
    assert!(html.contains("inbox-unread"));
    let read = format!("/inbox/{id}/read");
    let forged = post_form_as(&app, &bob, &read, &[], false).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let not_theirs = post_form_as(&app, &carol, &read, &[], true).await;
    assert_eq!(not_theirs.status, StatusCode::NOT_FOUND);
    let sender = post_form_as(&app, &alice, &read, &[], true).await;
    assert_eq!(
        sender.status,
        StatusCode::NOT_FOUND,
        "the sender does not mark it read"
    );
    let marked = post_form_as(&app, &bob, &read, &[], true).await;
    assert_eq!(marked.status, StatusCode::SEE_OTHER);
    let after = send_as(&app, Some(&bob), Method::GET, "/api/v1/inbox", None, false)
        .await
        .json();
    assert_eq!(after["unread"], 0);
    assert_eq!(after["messages"][0]["read"], true);

    // The form, as the profile panel and the value-chain page send it.
    let form_path = format!("/organisations/{car}/interests");
    let chem_text = chem.to_string();
    let fields = [
        ("from", chem_text.as_str()),
        ("topic", "consortium"),
        ("context", "Vehicles: car-fr FR"),
        ("message", "Join our consortium?"),
    ];
    let forged = post_form_as(&app, &alice, &form_path, &fields, false).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let by_form = post_form_as(&app, &alice, &form_path, &fields, true).await;
    assert_eq!(by_form.status, StatusCode::SEE_OTHER, "{}", by_form.text());
    assert_eq!(
        by_form.header("location"),
        Some(format!("/inbox?organisation={chem}&sent=1").as_str())
    );
    let not_mine = post_form_as(
        &app,
        &carol,
        &format!("/organisations/{cell}/interests"),
        &fields,
        true,
    )
    .await;
    assert_eq!(not_mine.status, StatusCode::NOT_FOUND);
    let inbox = send_as(&app, Some(&carol), Method::GET, "/inbox", None, false)
        .await
        .text();
    assert!(inbox.contains("Join our consortium?") && inbox.contains("value-chain consortium"));

    // The profile's suggested partners offer the form to the organisation's members only.
    let profile = format!("/organisations/{chem}");
    let form_to_cell = format!("action=\"/organisations/{cell}/interests\"");
    let as_member = send_as(&app, Some(&alice), Method::GET, &profile, None, false)
        .await
        .text();
    assert!(as_member.contains(&form_to_cell), "{as_member}");
    assert!(as_member.contains("Express interest"));
    let as_other = send_as(&app, Some(&carol), Method::GET, &profile, None, false)
        .await
        .text();
    assert!(as_other.contains("id=\"suggested-partners\""));
    assert!(!as_other.contains(&form_to_cell));
    assert!(!app.get(&profile).await.text().contains(&form_to_cell));

    // A picked consortium offers the form to each member the person does not belong to.
    let picked = send_as(
        &app,
        Some(&alice),
        Method::GET,
        &page_query("&pick=0"),
        None,
        false,
    )
    .await
    .text();
    assert!(picked.contains("/interests\""), "{picked}");
}

#[tokio::test]
async fn sending_is_rate_limited_per_person() {
    let app = TestApp::with_organisations(&battery_directory()).await;
    let ids = ids(&app).await;
    let (chem, cell) = (ids["chem-pl"], ids["cell-de"]);
    let alice = signed_in(&app, "limited@example.eu", &[chem]).await;
    let uri = format!("/api/v1/organisations/{cell}/interests");
    let body = json!({"topic": "suggestion", "message": "Hello"});
    for _ in 0..20 {
        let sent = send_as(
            &app,
            Some(&alice),
            Method::POST,
            &uri,
            Some(body.clone()),
            true,
        )
        .await;
        assert_eq!(
            sent.status,
            StatusCode::CREATED,
            "the only organisation is the sender: {}",
            sent.text()
        );
    }
    let refused = send_as(&app, Some(&alice), Method::POST, &uri, Some(body), true).await;
    assert_problem(&refused, StatusCode::TOO_MANY_REQUESTS, "too_many_requests");
    assert!(refused.header("retry-after").is_some());
}
