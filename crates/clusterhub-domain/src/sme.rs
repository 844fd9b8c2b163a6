//! SME status by Commission Recommendation 2003/361/EC, computed from staff headcount, annual
//! turnover and annual balance sheet total, also when some of them are missing.
//!
//! Article 2 of the Annex defines nested categories: an SME employs fewer than 250 persons and
//! has a turnover of at most EUR 50 million or a balance sheet total of at most EUR 43 million;
//! within the SMEs, a small enterprise employs fewer than 50 and has a turnover or balance sheet
//! total of at most EUR 10 million; within those, a micro enterprise employs fewer than 10 and
//! has a turnover or balance sheet total of at most EUR 2 million.
//!
//! Missing figures are handled with three-valued logic: each ceiling is met, not met, or unknown.
//! The status is the smallest category the known figures prove; a figure that is missing can only
//! leave the category less precise (an enterprise proven "small" may in fact be micro), never
//! make it wrong. When the known figures cannot decide whether the enterprise is an SME at all,
//! the status is [`SmeStatus::Undeclared`] — never "SME" by default.
//!
//! Amounts in a currency other than the euro count as missing: the Recommendation's ceilings are
//! in euro and this crate holds no exchange rates. A caller with a rate converts first and uses
//! [`SmeStatus::from_euro_cents`].

use crate::{Money, labelled_enum, string_form};

labelled_enum! {
    /// The size category of an enterprise.
    pub enum SmeStatus {
        /// Fewer than 10 staff and turnover or balance sheet total of at most EUR 2 million.
        Micro => "micro", "Micro enterprise", "Micro-entreprise", "Kleinstunternehmen";
        /// Fewer than 50 staff and turnover or balance sheet total of at most EUR 10 million.
        Small => "small", "Small enterprise", "Petite entreprise", "Kleines Unternehmen";
        /// Fewer than 250 staff and turnover of at most EUR 50 million or balance sheet total of
        /// at most EUR 43 million.
        Medium => "medium", "Medium-sized enterprise", "Moyenne entreprise", "Mittleres Unternehmen";
        /// Proven to exceed the SME ceilings.
        NotSme => "not_sme", "Not an SME", "Pas une PME", "Kein KMU";
        /// The declared figures do not settle whether the enterprise is an SME.
        Undeclared => "undeclared", "Not declared", "Non déclaré", "Nicht angegeben";
    }
}

/// Why a text is not an SME status slug.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an SME status; use micro, small, medium, not_sme or undeclared")]
pub struct SmeStatusError;

/// The ceilings of one category: staff strictly below, turnover or balance sheet at most.
struct Ceiling {
    staff_below: u32,
    turnover_cents: i64,
    balance_sheet_cents: i64,
}

const MILLION_EURO_IN_CENTS: i64 = 100_000_000;

const MICRO: Ceiling = Ceiling {
    staff_below: 10,
    turnover_cents: 2 * MILLION_EURO_IN_CENTS,
    balance_sheet_cents: 2 * MILLION_EURO_IN_CENTS,
};

const SMALL: Ceiling = Ceiling {
    staff_below: 50,
    turnover_cents: 10 * MILLION_EURO_IN_CENTS,
    balance_sheet_cents: 10 * MILLION_EURO_IN_CENTS,
};

const MEDIUM: Ceiling = Ceiling {
    staff_below: 250,
    turnover_cents: 50 * MILLION_EURO_IN_CENTS,
    balance_sheet_cents: 43 * MILLION_EURO_IN_CENTS,
};

/// Kleene "and": false wins, then unknown.
fn and(left: Option<bool>, right: Option<bool>) -> Option<bool> {
    match (left, right) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

/// Kleene "or": true wins, then unknown.
fn or(left: Option<bool>, right: Option<bool>) -> Option<bool> {
    match (left, right) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

impl Ceiling {
    /// Whether an enterprise with these figures is within the ceiling; `None` when the known
    /// figures do not tell.
    fn admits(
        &self,
        staff: Option<u32>,
        turnover: Option<i64>,
        balance_sheet: Option<i64>,
    ) -> Option<bool> {
        let staff_fits = staff.map(|staff| staff < self.staff_below);
        let turnover_fits = turnover.map(|cents| cents <= self.turnover_cents);
        let balance_sheet_fits = balance_sheet.map(|cents| cents <= self.balance_sheet_cents);
        and(staff_fits, or(turnover_fits, balance_sheet_fits))
    }
}

impl SmeStatus {
    /// The status from staff headcount (annual work units) and the two money figures. Amounts
    /// not in euro count as missing (see the module documentation).
    pub fn compute(
        staff: Option<u32>,
        turnover: Option<&Money>,
        balance_sheet: Option<&Money>,
    ) -> Self {
        Self::from_euro_cents(
            staff,
            turnover.and_then(Money::eur_cents),
            balance_sheet.and_then(Money::eur_cents),
        )
    }

    /// The status from staff headcount and the money figures in euro cents.
    pub fn from_euro_cents(
        staff: Option<u32>,
        turnover_cents: Option<i64>,
        balance_sheet_cents: Option<i64>,
    ) -> Self {
        match MEDIUM.admits(staff, turnover_cents, balance_sheet_cents) {
            Some(false) => SmeStatus::NotSme,
            None => SmeStatus::Undeclared,
            Some(true) => {
                if MICRO.admits(staff, turnover_cents, balance_sheet_cents) == Some(true) {
                    SmeStatus::Micro
                } else if SMALL.admits(staff, turnover_cents, balance_sheet_cents) == Some(true) {
                    SmeStatus::Small
                } else {
                    SmeStatus::Medium
                }
            }
        }
    }

    /// Whether the enterprise is proven to be an SME (micro, small or medium-sized).
    pub fn is_sme(self) -> bool {
        matches!(
            self,
            SmeStatus::Micro | SmeStatus::Small | SmeStatus::Medium
        )
    }

    /// Parses a slug (`micro`, `small`, `medium`, `not_sme`, `undeclared`).
    pub fn parse(text: &str) -> Result<Self, SmeStatusError> {
        Self::from_slug(text.trim()).ok_or(SmeStatusError)
    }
}

string_form!(SmeStatus, SmeStatusError, "an SME status");

#[cfg(test)]
mod tests {
    use super::SmeStatus::{self, *};
    use crate::{Currency, Language, Money};

    const M: i64 = 100_000_000;

    /// One row of the decision table, money in thousands of euros (2_000 is EUR 2 million).
    fn check(
        staff: Option<u32>,
        turnover_thousands: Option<i64>,
        balance_thousands: Option<i64>,
        expected: SmeStatus,
    ) {
        let cents = |thousands: i64| thousands * 100_000;
        assert_eq!(
            SmeStatus::from_euro_cents(
                staff,
                turnover_thousands.map(cents),
                balance_thousands.map(cents)
            ),
            expected,
            "staff {staff:?}, turnover {turnover_thousands:?} k, balance sheet {balance_thousands:?} k"
        );
    }

    /// The decision table: staff, turnover (EUR thousands), balance sheet (EUR thousands) → status.
    #[test]
    fn decision_table_with_every_figure_known() {
        check(Some(5), Some(1_000), Some(1_000), Micro);
        check(Some(9), Some(2_000), Some(50_000), Micro); // Turnover at the ceiling is enough.
        check(Some(9), Some(60_000), Some(2_000), Micro); // So is the balance sheet alone.
        check(Some(9), Some(2_010), Some(2_010), Small);
        check(Some(10), Some(1_000), Some(1_000), Small); // 10 staff is no longer micro.
        check(Some(49), Some(10_000), Some(10_000), Small);
        check(Some(49), Some(10_010), Some(10_010), Medium);
        check(Some(50), Some(1_000), Some(1_000), Medium);
        check(Some(249), Some(50_000), Some(100_000), Medium);
        check(Some(249), Some(80_000), Some(43_000), Medium);
        check(Some(249), Some(50_010), Some(43_010), NotSme);
        check(Some(250), Some(1_000), Some(1_000), NotSme);
        check(Some(0), Some(0), Some(0), Micro);
    }

    #[test]
    fn decision_table_with_figures_missing() {
        // Nothing declared.
        check(None, None, None, Undeclared);
        // Staff alone settles "not an SME" from 250 up, whatever the money.
        check(Some(300), None, None, NotSme);
        check(Some(250), None, Some(1_000), NotSme);
        // Staff alone below 250 settles nothing: the money could exceed both ceilings.
        check(Some(5), None, None, Undeclared);
        check(Some(249), None, None, Undeclared);
        // One money figure within a ceiling is enough for that category.
        check(Some(5), Some(1_000), None, Micro);
        check(Some(5), None, Some(2_000), Micro);
        check(Some(30), Some(8_000), None, Small);
        check(Some(200), None, Some(40_000), Medium);
        // One money figure above a category's ceiling, the other missing: the smallest category
        // proven (the missing figure might have made it smaller).
        check(Some(5), Some(3_000), None, Small);
        check(Some(30), Some(20_000), None, Medium);
        check(Some(5), Some(20_000), None, Medium);
        // One money figure above the SME ceiling, the other missing: undecided.
        check(Some(100), Some(60_000), None, Undeclared);
        check(Some(100), None, Some(45_000), Undeclared);
        // Both money figures above the SME ceilings settle "not an SME" without staff.
        check(None, Some(60_000), Some(45_000), NotSme);
        // Money within the ceilings without staff settles nothing: staff could be 250 or more.
        check(None, Some(1_000), Some(1_000), Undeclared);
        check(None, Some(1_000), None, Undeclared);
    }

    #[test]
    fn ceilings_are_inclusive_to_the_cent() {
        let two_million = 2 * M;
        assert_eq!(
            SmeStatus::from_euro_cents(Some(9), Some(two_million), None),
            Micro
        );
        assert_eq!(
            SmeStatus::from_euro_cents(Some(9), Some(two_million + 1), Some(two_million + 1)),
            Small
        );
        let forty_three_million = 43 * M;
        assert_eq!(
            SmeStatus::from_euro_cents(Some(249), Some(51 * M), Some(forty_three_million)),
            Medium
        );
        assert_eq!(
            SmeStatus::from_euro_cents(Some(249), Some(51 * M), Some(forty_three_million + 1)),
            NotSme
        );
    }

    #[test]
    fn amounts_in_other_currencies_count_as_missing() {
        let francs = Money {
            cents: 100 * M,
            currency: Currency::parse("CHF").unwrap(),
        };
        let euros = Money::eur(100 * M);
        assert_eq!(
            SmeStatus::compute(Some(100), Some(&francs), Some(&francs)),
            Undeclared
        );
        assert_eq!(
            SmeStatus::compute(Some(100), Some(&euros), Some(&francs)),
            Undeclared
        );
        assert_eq!(
            SmeStatus::compute(Some(100), Some(&euros), Some(&euros)),
            NotSme
        );
        assert_eq!(
            SmeStatus::compute(Some(5), Some(&Money::eur(M)), Some(&francs)),
            Micro
        );
        assert_eq!(SmeStatus::compute(Some(300), Some(&francs), None), NotSme);
    }

    #[test]
    fn only_the_three_categories_are_smes() {
        let smes: Vec<_> = SmeStatus::ALL
            .iter()
            .filter(|status| status.is_sme())
            .collect();
        assert_eq!(smes, [&Micro, &Small, &Medium]);
    }

    #[test]
    fn has_slugs_and_labels() {
        assert_eq!(NotSme.slug(), "not_sme");
        assert_eq!(SmeStatus::parse("not_sme"), Ok(NotSme));
        assert_eq!(Micro.label(Language::De), "Kleinstunternehmen");
        assert_eq!(Micro.label(Language::It), "Micro enterprise");
        assert_eq!(serde_json::to_string(&Medium).unwrap(), "\"medium\"");
    }
}
