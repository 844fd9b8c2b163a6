//! What scoring knows about an organisation (or a free-text need): its offers and requests as
//! analysed statements, its sectors, technologies, countries and size class; and how rare each
//! term is in the directory.

use std::collections::HashMap;

use clusterhub_domain::{OrgType, SmeStatus};

/// One offer or request: the text as written, and its terms as the directory's search analyser
/// makes them (lower case, accents folded, function words dropped), each once, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Statement {
    /// The text as the organisation wrote it.
    pub text: String,
    /// The distinct terms, in order of first appearance.
    pub terms: Vec<String>,
    /// For each term, the word it first came from, as written (to show in reasons).
    pub words: Vec<String>,
}

impl Statement {
    /// Splits `text` into words exactly where the search analyser does (on every character that
    /// is not a letter or a digit) and turns each word into its term with `normalise`, which
    /// returns `None` for a word the analyser drops.
    pub fn new(text: &str, normalise: impl Fn(&str) -> Option<String>) -> Statement {
        let mut terms: Vec<String> = Vec::new();
        let mut words: Vec<String> = Vec::new();
        for word in text
            .split(|character: char| !character.is_alphanumeric())
            .filter(|word| !word.is_empty())
        {
            if let Some(term) = normalise(word)
                && !terms.contains(&term)
            {
                terms.push(term);
                words.push(word.to_owned());
            }
        }
        Statement {
            text: text.to_owned(),
            terms,
            words,
        }
    }

    /// The word as written for one of the statement's terms.
    pub fn word_of(&self, term: &str) -> Option<&str> {
        self.terms
            .iter()
            .position(|known| known == term)
            .map(|index| self.words[index].as_str())
    }
}

/// The broad kind of an organisation for size fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum SizeClass {
    /// A micro, small or medium-sized enterprise.
    Sme,
    /// A large enterprise (or a company proven to exceed the SME ceilings).
    Large,
    /// A university or research and technology organisation.
    Research,
    /// An organisation that supports others: cluster organisation, incubator, investor, public
    /// authority.
    Intermediary,
    /// Not known (a free-text need, or an organisation of type "other" without SME figures).
    #[default]
    Unknown,
}

impl SizeClass {
    /// Every class, in a fixed order.
    pub const ALL: [SizeClass; 5] = [
        SizeClass::Sme,
        SizeClass::Large,
        SizeClass::Research,
        SizeClass::Intermediary,
        SizeClass::Unknown,
    ];

    /// The class of an organisation from its type and SME status. The type decides, except for
    /// type "other", where the SME status does.
    pub fn of(kind: OrgType, sme_status: SmeStatus) -> SizeClass {
        match kind {
            OrgType::Sme => SizeClass::Sme,
            OrgType::LargeEnterprise => SizeClass::Large,
            OrgType::University | OrgType::Rto => SizeClass::Research,
            OrgType::Cluster
            | OrgType::Incubator
            | OrgType::Investor
            | OrgType::PublicAuthority => SizeClass::Intermediary,
            OrgType::Other => match sme_status {
                SmeStatus::Micro | SmeStatus::Small | SmeStatus::Medium => SizeClass::Sme,
                SmeStatus::NotSme => SizeClass::Large,
                SmeStatus::Undeclared => SizeClass::Unknown,
            },
        }
    }

    /// A stable identifier: `sme`, `large`, `research`, `intermediary`, `unknown`.
    pub fn slug(self) -> &'static str {
        match self {
            SizeClass::Sme => "sme",
            SizeClass::Large => "large",
            SizeClass::Research => "research",
            SizeClass::Intermediary => "intermediary",
            SizeClass::Unknown => "unknown",
        }
    }

    /// How well two classes complement each other, in percent of the size-fit weight: 100 for an
    /// SME with a large enterprise (supply chains, market access), an SME with a research
    /// organisation and a large enterprise with one (technology transfer); 50 for an SME with
    /// an intermediary (support, funding, networks); 0 otherwise (peers compete as often as they
    /// cooperate, and nothing is known of an unknown class).
    pub fn fit_percent(self, other: SizeClass) -> u32 {
        use SizeClass::{Intermediary, Large, Research, Sme};
        match (self, other) {
            (Sme, Large) | (Large, Sme) => 100,
            (Sme, Research) | (Research, Sme) => 100,
            (Large, Research) | (Research, Large) => 100,
            (Sme, Intermediary) | (Intermediary, Sme) => 50,
            _ => 0,
        }
    }
}

/// What scoring knows about one side of a match.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Profile {
    /// The ISO 3166-1 alpha-2 country (`None` for a free-text need).
    pub country: Option<String>,
    pub size: SizeClass,
    /// Cluster category ids, 1 to 51.
    pub sectors: Vec<u8>,
    /// Technology field ids.
    pub technologies: Vec<String>,
    /// The countries it targets (international and trans-national together), ISO codes.
    pub target_countries: Vec<String>,
    /// What it can provide.
    pub offers: Vec<Statement>,
    /// What it looks for.
    pub requests: Vec<Statement>,
}

/// The organisation (or need) partners are sought for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Seeker {
    /// The organisation's id, never suggested to itself; `None` for a free-text need.
    pub id: Option<i64>,
    pub profile: Profile,
}

impl Seeker {
    /// A free-text need: what is looked for, with optional sectors, technologies and the
    /// countries where partners are wanted. The need is the seeker's one request; it offers
    /// nothing, has no country (so no cross-border bonus) and no size.
    pub fn need(
        need: Statement,
        sectors: Vec<u8>,
        technologies: Vec<String>,
        countries: Vec<String>,
    ) -> Seeker {
        Seeker {
            id: None,
            profile: Profile {
                country: None,
                size: SizeClass::Unknown,
                sectors,
                technologies,
                target_countries: countries,
                offers: Vec::new(),
                requests: vec![need],
            },
        }
    }
}

/// An organisation that may be suggested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The organisation's id.
    pub id: i64,
    pub profile: Profile,
}

/// How rare each term is among the directory's profiles, so that a shared rare word ("hydrogen")
/// counts more than a shared common one ("partners"). Terms not listed count as unseen (rarest).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TermRarity {
    /// How many profiles the frequencies were counted over; 0 gives every term the same weight.
    documents: u64,
    /// In how many profiles each term occurs.
    frequencies: HashMap<String, u64>,
}

impl TermRarity {
    /// Every term weighs the same.
    pub fn uniform() -> TermRarity {
        TermRarity::default()
    }

    /// Rarity from document frequencies: `documents` profiles in all, each term in
    /// `frequencies[term]` of them.
    pub fn from_frequencies(documents: u64, frequencies: HashMap<String, u64>) -> TermRarity {
        TermRarity {
            documents,
            frequencies,
        }
    }

    /// A term's weight in thousandths: the BM25 inverse document frequency
    /// `ln(1 + (N − n + 0.5) / (n + 0.5))`, at least 1; 1,000 for every term when no frequencies
    /// are known.
    pub fn weight(&self, term: &str) -> u64 {
        if self.documents == 0 {
            return 1_000;
        }
        let total = self.documents as f64;
        let found = self
            .frequencies
            .get(term)
            .copied()
            .unwrap_or(0)
            .min(self.documents) as f64;
        let idf = (1.0 + (total - found + 0.5) / (found + 0.5)).ln();
        ((idf * 1_000.0).round() as u64).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lower(word: &str) -> Option<String> {
        let word = word.to_lowercase();
        (!["a", "and", "of", "for", "we", "are", "the"].contains(&word.as_str())).then_some(word)
    }

    #[test]
    fn statements_keep_each_term_once_with_its_first_spelling() {
        let statement = Statement::new("Hydrogen storage, and HYDROGEN-ready tanks", lower);
        assert_eq!(statement.terms, ["hydrogen", "storage", "ready", "tanks"]);
        assert_eq!(statement.word_of("hydrogen"), Some("Hydrogen"));
        assert_eq!(statement.word_of("absent"), None);
    }

    #[test]
    fn size_classes_follow_the_type_then_the_sme_status() {
        assert_eq!(
            SizeClass::of(OrgType::Sme, SmeStatus::Undeclared),
            SizeClass::Sme
        );
        assert_eq!(
            SizeClass::of(OrgType::LargeEnterprise, SmeStatus::NotSme),
            SizeClass::Large
        );
        assert_eq!(
            SizeClass::of(OrgType::University, SmeStatus::NotSme),
            SizeClass::Research
        );
        assert_eq!(
            SizeClass::of(OrgType::Cluster, SmeStatus::Small),
            SizeClass::Intermediary
        );
        assert_eq!(
            SizeClass::of(OrgType::Other, SmeStatus::Micro),
            SizeClass::Sme
        );
        assert_eq!(
            SizeClass::of(OrgType::Other, SmeStatus::Undeclared),
            SizeClass::Unknown
        );
    }

    #[test]
    fn size_fit_is_symmetric_and_nothing_fits_an_unknown_class() {
        for a in SizeClass::ALL {
            for b in SizeClass::ALL {
                assert_eq!(a.fit_percent(b), b.fit_percent(a), "{a:?} {b:?}");
            }
            assert_eq!(a.fit_percent(SizeClass::Unknown), 0);
            assert_eq!(a.fit_percent(a), 0, "peers get no size bonus");
        }
        assert_eq!(SizeClass::Sme.fit_percent(SizeClass::Large), 100);
        assert_eq!(SizeClass::Sme.fit_percent(SizeClass::Intermediary), 50);
    }

    #[test]
    fn rare_terms_weigh_more() {
        let rarity = TermRarity::from_frequencies(
            1_000,
            HashMap::from([
                (String::from("partners"), 600),
                (String::from("hydrogen"), 5),
            ]),
        );
        assert!(rarity.weight("hydrogen") > 4 * rarity.weight("partners"));
        assert!(rarity.weight("unseen") > rarity.weight("hydrogen"));
        assert!(rarity.weight("partners") >= 1);
        assert_eq!(TermRarity::uniform().weight("anything"), 1_000);
    }
}
