//! The pages around the directory: home and organisation profile, with the keyboard and in
//! every language.

use fantoccini::key::Key;

use crate::harness::Session;

/// Small: these pages only need some organisations to show.
const DEMO_ORGS: usize = 300;

/// Ids of a cluster organisation and of another organisation in the server's data, read from
/// its database.
async fn profile_ids(session: &Session) -> (i64, i64) {
    let storage =
        clusterhub_storage::Storage::open_sqlite(&session.data_dir().join("clusterhub.db"))
            .await
            .expect("open the server's database");
    let page = storage
        .organisations_page(0, 500)
        .await
        .expect("read organisations");
    storage.close().await;
    let cluster = page
        .iter()
        .find(|organisation| organisation.profile.kind == "cluster")
        .expect("the demo data has a cluster organisation");
    let other = page
        .iter()
        .find(|organisation| organisation.profile.kind != "cluster")
        .expect("the demo data has organisations that are not clusters");
    (cluster.id, other.id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_page_is_accessible_at_desktop_and_phone_widths() {
    let Some(session) = Session::start("home", DEMO_ORGS).await else {
        return;
    };
    session.open("/").await;
    assert_eq!(
        session
            .js("return document.documentElement.lang;", vec![])
            .await,
        "en"
    );
    let headline = session.text("h1").await;
    assert!(!headline.trim().is_empty(), "the home page has a headline");
    session.find("form[role=search] input[name=q]").await;
    session.check_page("home").await;
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profile_pages_are_accessible_at_desktop_and_phone_widths() {
    let Some(session) = Session::start("profile", DEMO_ORGS).await else {
        return;
    };
    let (cluster, other) = profile_ids(&session).await;
    for (name, id) in [("profile-cluster", cluster), ("profile", other)] {
        session.open(&format!("/organisations/{id}")).await;
        let title = session.text("h1#profile-title").await;
        assert!(!title.trim().is_empty(), "profile {id} has a name");
        assert!(
            session.find_all(".error-status").await.is_empty(),
            "profile {id} is shown, not an error"
        );
        session.find("svg[role=img]").await;
        session.check_page(name).await;
    }
    // An unknown organisation gets the not-found page, accessible too.
    session.open("/organisations/999999999").await;
    assert_eq!(session.text(".error-status").await, "404");
    session.check_page("not-found").await;
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_keyboard_reaches_the_skip_link_navigation_and_search_with_visible_focus() {
    let Some(session) = Session::start("keyboard", DEMO_ORGS).await else {
        return;
    };
    session.open("/").await;

    // From the top of the page, Tab walks through the skip link, the header, the language
    // switcher and the search, each with a visible focus.
    let mut seen = Vec::new();
    for _ in 0..30 {
        session.press(Key::Tab).await;
        let focused = session.focused().await;
        assert!(
            focused.is_visible(),
            "the focus must be visible on every control; it is not on <{} id={:?}> {:?}: {focused:?}",
            focused.tag,
            focused.id,
            focused.text
        );
        let done = focused.tag == "button" && focused.kind == "submit";
        seen.push(focused);
        if done {
            break;
        }
    }
    assert!(
        seen[0]
            .classes
            .split_whitespace()
            .any(|class| class == "skip-link"),
        "the first Tab reaches the skip link, not {:?}",
        seen[0]
    );
    let reached = |what: &str, test: &dyn Fn(&crate::harness::Focused) -> bool| {
        assert!(
            seen.iter().any(test),
            "Tab never reached {what}; it went through:\n{seen:#?}"
        );
    };
    reached("the home link", &|f| f.tag == "a" && f.href == "/");
    reached("the language switcher", &|f| {
        f.tag == "a" && f.href.contains("lang=fr")
    });
    reached("the search box", &|f| f.tag == "input" && f.name == "q");
    reached("the search button", &|f| {
        f.tag == "button" && f.kind == "submit"
    });

    // The focused skip link shows itself and moves the focus to the main content.
    session
        .js("document.querySelector('.skip-link').focus();", vec![])
        .await;
    let shown = session
        .js(
            "const r = document.activeElement.getBoundingClientRect(); \
             return r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0;",
            vec![],
        )
        .await;
    assert_eq!(shown, true, "the focused skip link is on screen");
    session.press(Key::Enter).await;
    session
        .wait_until(
            "the focus to move to the main content",
            "return document.activeElement && document.activeElement.id === 'main';",
        )
        .await;
    let url = session.client.current_url().await.expect("url");
    assert_eq!(url.fragment(), Some("main"));
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_switcher_shows_french_and_german_and_remembers_the_choice() {
    let Some(session) = Session::start("languages", DEMO_ORGS).await else {
        return;
    };
    let (_, id) = profile_ids(&session).await;
    session.open("/").await;
    let english = session.text("h1").await;
    let mut headlines = vec![english.clone()];
    for code in ["fr", "de"] {
        session
            .find(&format!(".language-switcher a[hreflang={code}]"))
            .await
            .click()
            .await
            .expect("click the language link");
        session
            .wait_until(
                &format!("the page in {code}"),
                &format!("return document.documentElement.lang === '{code}';"),
            )
            .await;
        let headline = session.text("h1").await;
        assert!(
            !headlines.contains(&headline),
            "the {code} headline {headline:?} is translated, not one of {headlines:?}"
        );
        headlines.push(headline);
        let current = session
            .js(
                "const a = document.querySelector('.language-switcher [aria-current]'); \
                 return a ? a.getAttribute('hreflang') : null;",
                vec![],
            )
            .await;
        assert_eq!(
            current, code,
            "the switcher marks {code} as the current language"
        );
        session.check_page(&format!("home-{code}")).await;

        // The choice is remembered: a page opened without ?lang= is in the same language.
        session.open(&format!("/organisations/{id}")).await;
        let lang = session
            .js("return document.documentElement.lang;", vec![])
            .await;
        assert_eq!(lang, code, "the profile page opens in the chosen language");
        session.check_page(&format!("profile-{code}")).await;
        session.open("/").await;
    }
    session.finish().await;
}
