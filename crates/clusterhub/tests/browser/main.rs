//! Browser tests: the real `clusterhub serve` driven through headless Chromium over WebDriver.
//! Each page is checked with axe-core (no serious or critical WCAG 2.1 AA violation) and
//! photographed at desktop and phone widths into `target/browser-screenshots/`; the flows a
//! visitor follows (keyboard, languages, profile, the observatory) are walked through as a person
//! would.
//!
//! Needs `chromium`, `chromedriver` and `npm ci` in this folder; see `harness.rs` for what happens
//! when they are missing.

mod accounts;
mod administration;
mod directory;
mod harness;
mod observatory;
mod site;
mod value_chains;
