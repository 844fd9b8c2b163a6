//! The account pages in a real browser: sign up, confirm the address from the e-mail's link,
//! sign in and see the account page; axe-clean at every step, screenshots of each.

use crate::harness::Session;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_confirm_and_sign_in_in_the_browser() {
    let Some(session) = Session::start("accounts", 50).await else {
        return;
    };
    session.open("/signup").await;
    session.check_page("signup").await;
    session
        .find("#signup-name")
        .await
        .send_keys("Ada Lovelace")
        .await
        .expect("type the name");
    session
        .find("#signup-email")
        .await
        .send_keys("ada@example.eu")
        .await
        .expect("type the address");
    session
        .find("#signup-password")
        .await
        .send_keys("analytical engine notes 1843")
        .await
        .expect("type the password");
    session
        .find("form.auth-form button[type=submit]")
        .await
        .click()
        .await
        .expect("send the form");
    session
        .wait_until(
            "the confirmation page",
            "return document.querySelector('#message-title') !== null;",
        )
        .await;
    session.check_page("signup-sent").await;

    // The link from the e-mail waiting in the outbox (no SMTP server in this test).
    let storage =
        clusterhub_storage::Storage::open_sqlite(&session.data_dir().join("clusterhub.db"))
            .await
            .expect("open the server's database");
    let mails = storage.due_emails(i64::MAX / 4, 10).await.expect("outbox");
    storage.close().await;
    let body = &mails
        .iter()
        .find(|mail| mail.email.recipient == "ada@example.eu")
        .expect("a confirmation mail")
        .email
        .body_text;
    let start = body.find("/verify-email?token=").expect("a link");
    let link: String = body[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    session.open(&link).await;
    session.check_page("verify-email").await;
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
    session.check_page("login").await;
    session
        .find("#login-email")
        .await
        .send_keys("ada@example.eu")
        .await
        .expect("type the address");
    session
        .find("#login-password")
        .await
        .send_keys("analytical engine notes 1843")
        .await
        .expect("type the password");
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
    assert!(session.text("main").await.contains("Ada Lovelace"));
    assert!(
        session.text("header").await.contains("Ada Lovelace"),
        "the header shows who is signed in"
    );
    session.check_page("account").await;
    session.finish().await;
}
