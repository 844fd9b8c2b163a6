//! Accounts and organisation administration in a real browser: two people made with
//! `clusterhub user add` (one a platform admin), a claim of a cluster sent from its claim page
//! and approved on `/admin/claims`, then the claimant's account page, the password check at
//! `/account/confirm`, the profile edit form, the people page with an invitation and the member
//! list, and the audit log as the platform admin. Every page is axe-clean at desktop and phone
//! widths and photographed; each form is used with the keyboard alone, with the focus visible.

use std::io::Write as _;
use std::process::{Command, Stdio};

use fantoccini::key::Key;

use crate::harness::Session;

const PASSWORD: &str = "lamp harbour violet 1815";

/// Creates a confirmed account with `clusterhub user add` on the server's data directory.
fn add_user(session: &Session, email: &str, name: &str, platform_role: Option<&str>) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_clusterhub"));
    command
        .env_remove("CLUSTERHUB_DATABASE_URL")
        .arg("--data-dir")
        .arg(session.data_dir())
        .args(["user", "add", "--email", email, "--name", name])
        .stdin(Stdio::piped())
        .stdout(Stdio::null());
    if let Some(role) = platform_role {
        command.args(["--platform-role", role]);
    }
    let mut child = command.spawn().expect("run clusterhub user add");
    writeln!(child.stdin.take().expect("stdin"), "{PASSWORD}").expect("send the password");
    let status = child.wait().expect("clusterhub user add ends");
    assert!(status.success(), "clusterhub user add {email}: {status}");
}

/// Tabs from the top of the page until the focus reaches an element `wanted` describes (by id
/// or name), checking that every stop on the way shows the focus.
async fn tab_to(session: &Session, wanted: &str) {
    session
        .js(
            "document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);",
            vec![],
        )
        .await;
    let mut seen = Vec::new();
    for _ in 0..120 {
        session.press(Key::Tab).await;
        let focused = session.focused().await;
        assert!(
            focused.is_visible(),
            "the focus is not visible on <{} id={:?} name={:?}> on {}",
            focused.tag,
            focused.id,
            focused.name,
            session.path().await
        );
        if focused.id == wanted || focused.name == wanted {
            return;
        }
        seen.push(format!("{}#{}[{}]", focused.tag, focused.id, focused.name));
    }
    panic!(
        "{wanted} is not reachable with Tab on {}: {seen:?}",
        session.path().await
    );
}

/// Types into the focused element.
async fn type_here(session: &Session, text: &str) {
    session
        .client
        .active_element()
        .await
        .expect("the focused element")
        .send_keys(text)
        .await
        .expect("type");
}

async fn sign_in(session: &Session, email: &str) {
    session.client.delete_all_cookies().await.expect("sign out");
    session.open("/login").await;
    tab_to(session, "email").await;
    type_here(session, email).await;
    session.press(Key::Tab).await;
    type_here(session, PASSWORD).await;
    session.press(Key::Enter).await;
    session
        .wait_until(
            "the page after signing in",
            "return location.pathname !== '/login';",
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claim_approve_and_administer_an_organisation_in_the_browser() {
    let Some(session) = Session::start("administration", 60).await else {
        return;
    };
    add_user(
        &session,
        "grace@example.eu",
        "Grace Hopper",
        Some("platform_admin"),
    );
    add_user(&session, "ada@example.eu", "Ada Lovelace", None);
    let storage =
        clusterhub_storage::Storage::open_sqlite(&session.data_dir().join("clusterhub.db"))
            .await
            .expect("open the server's database");
    let cluster = storage
        .organisations_page(0, 100)
        .await
        .expect("the demo organisations")
        .into_iter()
        .find(|organisation| organisation.profile.kind == "cluster")
        .expect("a demo cluster")
        .id;
    storage.close().await;

    // Ada claims the cluster from its claim page.
    sign_in(&session, "ada@example.eu").await;
    session
        .open(&format!("/organisations/{cluster}/claim"))
        .await;
    session.check_page("claim").await;
    tab_to(&session, "claim-message").await;
    type_here(&session, "I run this cluster's office in Lyon.").await;
    session.press(Key::Tab).await;
    session.press(Key::Enter).await;
    session
        .wait_until(
            "the claim's confirmation",
            "return document.querySelector('#message-title') !== null;",
        )
        .await;

    // Grace approves it, and reads the audit log.
    sign_in(&session, "grace@example.eu").await;
    session.open("/admin/claims").await;
    assert!(session.text("main").await.contains("Ada Lovelace"));
    session.check_page("admin-claims").await;
    tab_to(&session, "decision").await;
    session.press(Key::Enter).await;
    session
        .wait_until(
            "the claim's decision",
            "return !document.body.innerText.includes('Lyon');",
        )
        .await;
    session.open("/admin/audit").await;
    assert!(session.text("main").await.contains("claim"));
    session.check_page("admin-audit").await;
    session.open("/admin/audit?action=claim").await;
    session.check_page("admin-audit-filtered").await;

    // Ada administers the cluster now.
    sign_in(&session, "ada@example.eu").await;
    session.open("/account").await;
    assert!(session.text("main").await.contains("Ada Lovelace"));
    session.check_page("account-settings").await;
    session
        .open("/account/confirm?next=%2Faccount%2Ftokens%2Fnew")
        .await;
    session.check_page("account-confirm").await;
    tab_to(&session, "password").await;
    type_here(&session, PASSWORD).await;
    session.press(Key::Enter).await;
    session
        .wait_until(
            "the token form after the password check",
            "return location.pathname === '/account/tokens/new';",
        )
        .await;
    session.check_page("account-token-new").await;
    tab_to(&session, "name").await;
    type_here(&session, "Nightly export to our CRM").await;
    session.press(Key::Enter).await;
    session
        .wait_until(
            "the new token, shown once",
            "return document.querySelector('code.api-token') !== null;",
        )
        .await;
    session.check_page("account-token-created").await;
    session.open("/account").await;
    assert!(
        session
            .text("main")
            .await
            .contains("Nightly export to our CRM")
    );
    session.check_page("account-with-token").await;

    session
        .open(&format!("/organisations/{cluster}/edit"))
        .await;
    session.check_page("profile-edit").await;
    tab_to(&session, "name").await;

    session
        .open(&format!("/organisations/{cluster}/people"))
        .await;
    assert!(session.text("main").await.contains("Ada Lovelace"));
    session.check_page("people").await;
    tab_to(&session, "email").await;
    type_here(&session, "charles@example.eu").await;
    session.press(Key::Enter).await;
    session
        .wait_until(
            "the invitation in the list",
            "return document.body.innerText.includes('charles@example.eu');",
        )
        .await;
    session.check_page("people-invited").await;

    session
        .open(&format!("/organisations/{cluster}/members"))
        .await;
    session.check_page("members").await;
    session.finish().await;
}
