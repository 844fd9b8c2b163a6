//! The kinds of organisation the directory lists.

use crate::{labelled_enum, string_form};

labelled_enum! {
    /// The kind of an organisation, as the directory's "organisation type" facet shows it.
    pub enum OrgType {
        Cluster => "cluster", "Cluster organisation", "Organisation de cluster", "Clusterorganisation";
        Sme => "sme", "SME", "PME", "KMU";
        LargeEnterprise => "large_enterprise", "Large enterprise", "Grande entreprise", "Großunternehmen";
        Rto => "rto", "Research and technology organisation", "Organisme de recherche et de technologie", "Forschungs- und Technologieorganisation";
        University => "university", "University", "Université", "Hochschule";
        Incubator => "incubator", "Incubator or accelerator", "Incubateur ou accélérateur", "Inkubator oder Accelerator";
        PublicAuthority => "public_authority", "Public authority", "Autorité publique", "Öffentliche Behörde";
        Investor => "investor", "Investor", "Investisseur", "Investor";
        Other => "other", "Other", "Autre", "Sonstige";
    }
}

/// Why a text is not an organisation type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrgTypeError {
    #[error("an organisation type cannot be empty")]
    Empty,
    #[error(
        "CORDIS's PRC (private for-profit company) is either an SME or a large enterprise: say which"
    )]
    PrivateCompanyOfUnknownSize,
    #[error(
        "not an organisation type; use cluster, sme, large_enterprise, rto, university, incubator, public_authority, investor or other"
    )]
    Unknown,
}

/// Other ways files and people name the types, compared after lower-casing and turning every run
/// of punctuation into one space. CORDIS's activity types are included (HES, REC, PUB, OTH).
const ALIASES: &[(&str, OrgType)] = &[
    ("cluster organisation", OrgType::Cluster),
    ("cluster organization", OrgType::Cluster),
    ("cluster management organisation", OrgType::Cluster),
    ("small and medium sized enterprise", OrgType::Sme),
    ("small or medium sized enterprise", OrgType::Sme),
    ("large company", OrgType::LargeEnterprise),
    ("large enterprise", OrgType::LargeEnterprise),
    ("research and technology organisation", OrgType::Rto),
    ("research and technology organization", OrgType::Rto),
    ("research technology organisation", OrgType::Rto),
    ("research organisation", OrgType::Rto),
    ("research organization", OrgType::Rto),
    ("rec", OrgType::Rto),
    ("higher education", OrgType::University),
    ("higher education institution", OrgType::University),
    ("hes", OrgType::University),
    ("incubator accelerator", OrgType::Incubator),
    ("incubator or accelerator", OrgType::Incubator),
    ("accelerator", OrgType::Incubator),
    ("public authority", OrgType::PublicAuthority),
    ("public body", OrgType::PublicAuthority),
    ("pub", OrgType::PublicAuthority),
    ("oth", OrgType::Other),
];

impl OrgType {
    /// Parses a slug, an English label or a common alias, in any letter case.
    pub fn parse(text: &str) -> Result<Self, OrgTypeError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(OrgTypeError::Empty);
        }
        if let Some(kind) = Self::from_slug(trimmed) {
            return Ok(kind);
        }
        let normalised = normalise(trimmed);
        if normalised == "prc" {
            return Err(OrgTypeError::PrivateCompanyOfUnknownSize);
        }
        Self::ALL
            .iter()
            .copied()
            .find(|kind| {
                normalise(kind.slug()) == normalised
                    || normalise(kind.label(crate::Language::En)) == normalised
            })
            .or_else(|| {
                ALIASES
                    .iter()
                    .find(|(alias, _)| *alias == normalised)
                    .map(|(_, kind)| *kind)
            })
            .ok_or(OrgTypeError::Unknown)
    }
}

/// Lower case, with every run of characters other than letters and digits turned into one space.
fn normalise(text: &str) -> String {
    let mut normalised = String::with_capacity(text.len());
    for word in text
        .split(|character: char| !character.is_alphanumeric())
        .filter(|word| !word.is_empty())
    {
        if !normalised.is_empty() {
            normalised.push(' ');
        }
        normalised.extend(word.chars().flat_map(char::to_lowercase));
    }
    normalised
}

string_form!(OrgType, OrgTypeError, "an organisation type");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Language;

    fn check(input: &str, expected: Result<OrgType, OrgTypeError>) {
        assert_eq!(OrgType::parse(input), expected, "input {input:?}");
    }

    #[test]
    fn parses_slugs_labels_and_aliases() {
        check("cluster", Ok(OrgType::Cluster));
        check("large_enterprise", Ok(OrgType::LargeEnterprise));
        check("Large enterprise", Ok(OrgType::LargeEnterprise));
        check("LARGE-ENTERPRISE", Ok(OrgType::LargeEnterprise));
        check("SME", Ok(OrgType::Sme));
        check("Cluster organization", Ok(OrgType::Cluster));
        check("Incubator/Accelerator", Ok(OrgType::Incubator));
        check("Research & Technology Organisation", Ok(OrgType::Rto));
        check("HES", Ok(OrgType::University));
        check("public_authority", Ok(OrgType::PublicAuthority));
        check("", Err(OrgTypeError::Empty));
        check("PRC", Err(OrgTypeError::PrivateCompanyOfUnknownSize));
        check("bakery", Err(OrgTypeError::Unknown));
    }

    #[test]
    fn slugs_are_stable_and_labels_translated() {
        let slugs: Vec<_> = OrgType::ALL.iter().map(|kind| kind.slug()).collect();
        assert_eq!(
            slugs,
            [
                "cluster",
                "sme",
                "large_enterprise",
                "rto",
                "university",
                "incubator",
                "public_authority",
                "investor",
                "other"
            ]
        );
        assert_eq!(OrgType::Sme.label(Language::Fr), "PME");
        assert_eq!(OrgType::University.label(Language::De), "Hochschule");
        assert_eq!(serde_json::to_string(&OrgType::Rto).unwrap(), "\"rto\"");
        assert_eq!(
            serde_json::from_str::<OrgType>("\"Investor\"").unwrap(),
            OrgType::Investor
        );
    }
}
