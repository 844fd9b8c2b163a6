//! The frame of every page: the document head, the skip link, the header with the main
//! navigation and the language switcher, and the footer.

use maud::{DOCTYPE, Markup, html};

use crate::assets::asset_url;
use crate::i18n::Locale;

/// What the frame of a page needs: its language, its path (for the language switcher) and the
/// version shown in the footer.
#[derive(Debug, Clone)]
pub struct PageShell<'a> {
    locale: Locale,
    path: &'a str,
    version: Option<&'a str>,
    script: Option<&'static str>,
}

impl<'a> PageShell<'a> {
    /// The frame of the page at `path`, in `locale`.
    pub fn new(locale: Locale, path: &'a str) -> PageShell<'a> {
        PageShell {
            locale,
            path: safe_local_path(path),
            version: None,
            script: None,
        }
    }

    /// Shows the running version in the footer.
    pub fn with_version(mut self, version: &'a str) -> PageShell<'a> {
        self.version = Some(version);
        self
    }

    /// Loads an embedded script (by its logical name, such as `directory.js`) at the end of the
    /// page. Scripts only enhance: every page works without them.
    pub fn with_script(mut self, logical_name: &'static str) -> PageShell<'a> {
        self.script = Some(logical_name);
        self
    }

    /// The whole document around `main`, titled `title`.
    pub fn render(&self, title: &str, main: Markup) -> Markup {
        let locale = self.locale;
        html! {
            (DOCTYPE)
            html lang=(locale.code()) dir="ltr" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) " · Clusterhub" }
                    meta name="description" content=(locale.text("site.description"));
                    meta name="theme-color" content="#0f2461";
                    link rel="icon" type="image/svg+xml" href=(asset_url("icon.svg"));
                    link rel="stylesheet" href=(asset_url("clusterhub.css"));
                    @for other in Locale::all() {
                        link rel="alternate" hreflang=(other.code()) href=(self.language_href(other));
                    }
                }
                body {
                    a.skip-link href="#main" { (locale.text("layout.skip_link")) }
                    (self.header())
                    main #main tabindex="-1" { (main) }
                    (self.footer())
                    @if let Some(script) = self.script {
                        script src=(asset_url(script)) defer {}
                    }
                }
            }
        }
    }

    /// `aria-current="page"` for the navigation link of the page being shown.
    fn current(&self, path: &str) -> Option<&'static str> {
        (self.path == path).then_some("page")
    }

    /// `aria-current="page"` for the navigation link of a section (its page and the pages under
    /// it, such as `/observatory/regions/AT13`).
    fn current_section(&self, path: &str) -> Option<&'static str> {
        (self.path == path || self.path.starts_with(&format!("{path}/"))).then_some("page")
    }

    /// The link to this page in another language.
    fn language_href(&self, other: Locale) -> String {
        format!("{}?lang={}", self.path, other.code())
    }

    fn header(&self) -> Markup {
        let locale = self.locale;
        html! {
            header.site-header {
                div.container.header-inner {
                    a.brand href="/" {
                        (logo_mark())
                        span.brand-name { "Clusterhub" }
                    }
                    nav.primary-nav aria-label=(locale.text("layout.primary_navigation")) {
                        ul {
                            li { a href="/organisations" aria-current=[self.current("/organisations")] { (locale.text("nav.directory")) } }
                            li { a href="/observatory" aria-current=[self.current_section("/observatory")] { (locale.text("nav.observatory")) } }
                            li {
                                a #nav-selected href="/selected" aria-current=[self.current("/selected")] {
                                    (locale.text("nav.selected"))
                                    " " span.nav-count #selected-count hidden { "0" }
                                }
                            }
                            li { a href="/api/v1" { (locale.text("nav.api")) } }
                            @match crate::auth::current_display_name() {
                                Some(name) => {
                                    li { a href="/value-chains" aria-current=[self.current("/value-chains")] { (locale.text("nav.value_chains")) } }
                                    li { a href="/inbox" aria-current=[self.current("/inbox")] { (locale.text("nav.inbox")) } }
                                    li.nav-account { a href="/account" aria-current=[self.current("/account")] { (name) } }
                                },
                                None => li.nav-account { a href="/login" aria-current=[self.current("/login")] { (locale.text("nav.sign_in")) } },
                            }
                        }
                    }
                    (self.language_switcher())
                }
            }
        }
    }

    fn language_switcher(&self) -> Markup {
        let current = self.locale;
        html! {
            nav.language-switcher aria-label=(current.text("layout.language_switcher")) {
                ul {
                    @for other in Locale::all() {
                        li {
                            @if other == current {
                                a href=(self.language_href(other)) hreflang=(other.code()) lang=(other.code()) aria-current="true" {
                                    span aria-hidden="true" { (other.code().to_uppercase()) }
                                    span.visually-hidden { (other.text("language.name")) }
                                }
                            } @else {
                                a href=(self.language_href(other)) hreflang=(other.code()) lang=(other.code()) {
                                    span aria-hidden="true" { (other.code().to_uppercase()) }
                                    span.visually-hidden { (other.text("language.name")) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    fn footer(&self) -> Markup {
        let locale = self.locale;
        html! {
            footer.site-footer {
                div.container.footer-grid {
                    div.footer-about {
                        p.footer-brand {
                            (logo_mark())
                            span { "Clusterhub" }
                        }
                        p { (locale.text("footer.about")) }
                    }
                    nav aria-label=(locale.text("footer.navigation")) {
                        h2.footer-heading { (locale.text("footer.open_data")) }
                        ul {
                            li { a href="/api/v1/taxonomies" { (locale.text("nav.taxonomies")) } }
                            li { a href="/api/v1" { (locale.text("footer.api_index")) } }
                            li { a href="/api/v1/health" { (locale.text("footer.status")) } }
                        }
                    }
                    div.footer-meta {
                        h2.footer-heading { (locale.text("footer.sources_heading")) }
                        p { (locale.text("footer.sources")) }
                        @if let Some(version) = self.version {
                            p.footer-version { (locale.format("footer.version", &[("version", version)])) }
                        }
                    }
                }
            }
        }
    }
}

/// A request path that is safe to put in front of `?lang=`: it must start with exactly one `/`,
/// or `//evil.example/` would become a link to another site.
fn safe_local_path(path: &str) -> &str {
    if is_local_path(path) { path } else { "/" }
}

/// Whether `path` names a page of this site: one leading `/`, no backslash, visible ASCII only.
pub(crate) fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && path.bytes().all(|byte| byte.is_ascii_graphic())
}

/// The Clusterhub mark: organisations linked around a cluster.
fn logo_mark() -> Markup {
    html! {
        svg.logo-mark viewBox="0 0 64 64" width="32" height="32" aria-hidden="true" focusable="false" {
            rect width="64" height="64" rx="14" fill="#1d3a8a" {}
            g stroke="#8fa8e8" stroke-width="3" stroke-linecap="round" {
                path d="M20 22 L32 32 L46 20 M32 32 L24 46 M32 32 L45 43" {}
            }
            circle cx="32" cy="32" r="7" fill="#ffcc00" {}
            circle cx="19" cy="21" r="5" fill="#ffffff" {}
            circle cx="46" cy="19" r="5" fill="#ffffff" {}
            circle cx="23" cy="47" r="5" fill="#ffffff" {}
            circle cx="46" cy="44" r="5" fill="#ffffff" {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_kept_for_the_language_links() {
        assert_eq!(safe_local_path("/directory"), "/directory");
        assert_eq!(safe_local_path("//evil.example/x"), "/");
        assert_eq!(safe_local_path("/\\evil.example"), "/");
        assert_eq!(safe_local_path("https://evil.example"), "/");
        assert_eq!(safe_local_path(""), "/");
    }
}
