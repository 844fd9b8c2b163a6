//! The value-chain page in a real browser: a signed-in person builds a three-stage chain with the
//! form (adding stages, typing names and NACE codes), finds consortia, sees the candidates and
//! the gaps on the map, and picks a consortium; axe-clean with screenshots at each step.

use crate::harness::Session;

const PASSWORD: &str = "value chains from ore to car";

/// Signs up, confirms the address from the outbox's link and signs in.
async fn sign_in(session: &Session, email: &str) {
    session.open("/signup").await;
    for (css, text) in [
        ("#signup-name", "Vera Chain"),
        ("#signup-email", email),
        ("#signup-password", PASSWORD),
    ] {
        session.find(css).await.send_keys(text).await.expect("type");
    }
    session
        .find("form.auth-form button[type=submit]")
        .await
        .click()
        .await
        .expect("sign up");
    session
        .wait_until(
            "the confirmation page",
            "return document.querySelector('#message-title') !== null;",
        )
        .await;
    let storage =
        clusterhub_storage::Storage::open_sqlite(&session.data_dir().join("clusterhub.db"))
            .await
            .expect("open the server's database");
    let mails = storage.due_emails(i64::MAX / 4, 100).await.expect("outbox");
    storage.close().await;
    let body = &mails
        .iter()
        .find(|mail| mail.email.recipient == email)
        .expect("a confirmation mail")
        .email
        .body_text;
    let start = body.find("/verify-email?token=").expect("a link");
    let link: String = body[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    session.open(&link).await;
    session
        .find("form.auth-form button[type=submit]")
        .await
        .click()
        .await
        .expect("confirm");
    session
        .wait_until(
            "the confirmed page",
            "return document.querySelector('#message-title') !== null;",
        )
        .await;
    session.open("/login").await;
    session
        .find("#login-email")
        .await
        .send_keys(email)
        .await
        .expect("type");
    session
        .find("#login-password")
        .await
        .send_keys(PASSWORD)
        .await
        .expect("type");
    session
        .find("form.auth-form button[type=submit]")
        .await
        .click()
        .await
        .expect("sign in");
    session
        .wait_until(
            "the account page",
            "return location.pathname === '/account';",
        )
        .await;
}

/// Clears a field and types `text` into it.
async fn fill(session: &Session, css: &str, text: &str) {
    let field = session.find(css).await;
    field.clear().await.expect("clear");
    field.send_keys(text).await.expect("type");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn build_a_chain_find_consortia_and_see_the_gaps() {
    let Some(session) = Session::start("value_chains", 1_500).await else {
        return;
    };
    sign_in(&session, "vera@example.eu").await;

    // One stage to start with; two more added with the form's button, each a round trip.
    session
        .open("/value-chains?s0_name=Materials&s0_nace=20.1+24.4&s0_kw=materials&min_members=3&min_countries=3&min_cohesion=1&min_smes=0")
        .await;
    for count in [2, 3] {
        session
            .find("#add-stage")
            .await
            .click()
            .await
            .expect("add a stage");
        session
            .wait_until(
                "one more stage",
                &format!("return document.querySelectorAll('li.chain-stage').length === {count};"),
            )
            .await;
    }
    fill(&session, "input[name=s1_name]", "Components").await;
    fill(&session, "input[name=s1_nace]", "27.2 27.9").await;
    fill(&session, "input[name=s1_kw]", "components").await;
    fill(&session, "input[name=s2_name]", "Systems").await;
    fill(&session, "input[name=s2_nace]", "29.1 28.1").await;
    fill(&session, "input[name=s2_kw]", "systems").await;
    session
        .find("#find-consortia")
        .await
        .click()
        .await
        .expect("find consortia");
    session
        .wait_until(
            "the consortia",
            "return document.querySelector('#chain-consortia') !== null;",
        )
        .await;
    let candidates = session.text("#chain-candidates").await;
    for stage in ["Materials", "Components", "Systems"] {
        assert!(candidates.contains(stage), "{candidates}");
    }
    let consortia = session.find_all("li.consortium").await;
    assert!(
        !consortia.is_empty(),
        "{}",
        session.text("#chain-consortia").await
    );
    let map_areas = session
        .find_all("svg.chain-svg path.cov-part, svg.chain-svg path.cov-full")
        .await;
    assert!(
        !map_areas.is_empty(),
        "countries with candidates are shaded"
    );
    assert!(!session.find_all("#gap-table tbody tr").await.is_empty());
    session.check_page("value-chains").await;

    // Pick the first consortium: its members appear on the map, with the ways to use it.
    session
        .find("li.consortium .consortium-actions a")
        .await
        .click()
        .await
        .expect("pick");
    session
        .wait_until(
            "the picked consortium",
            "return document.querySelector('.consortium-picked') !== null;",
        )
        .await;
    assert!(
        session
            .text(".consortium-picked")
            .await
            .contains("You picked this consortium.")
    );
    assert!(
        !session.find_all("circle.member-dot").await.is_empty(),
        "members on the map"
    );
    session.check_page("value-chains-picked").await;
    session.finish().await;
}
