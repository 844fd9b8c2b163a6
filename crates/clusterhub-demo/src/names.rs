//! Organisation names in the language of their place: companies with surnames, sector words,
//! invented brands and the country's legal forms; clusters, universities, agencies and
//! associations named after their city or region, as real ones are.

use crate::countries::LegalForms;
use crate::languages::Language;
use crate::profile::{OrganisationType, Profile, SizeClass};
use crate::random::Dice;
use crate::text::{self, Words};
use crate::themes::Theme;
use crate::world::{WorldCity, WorldRegion};

/// Where an organisation is and what it does, as names need it.
pub(crate) struct Place<'a> {
    pub(crate) city: &'a WorldCity,
    pub(crate) region: &'a WorldRegion,
    pub(crate) theme: Theme,
}

/// Reusable buffers for names.
#[derive(Debug, Default)]
pub(crate) struct NameBuffers {
    /// The full name.
    pub(crate) name: String,
    /// The name without its legal form, from which the web domain is made.
    pub(crate) basis: String,
    brand: String,
}

/// Writes the primary name of an organisation into `buffers`.
pub(crate) fn write_name(
    dice: &mut Dice,
    profile: &Profile,
    place: &Place<'_>,
    language: &Language,
    forms: LegalForms,
    buffers: &mut NameBuffers,
) {
    buffers.name.clear();
    buffers.basis.clear();
    buffers.brand.clear();
    text::write_brand(dice.below(text::BRAND_COUNT), &mut buffers.brand);
    let surname = *dice.pick(language.surnames);
    let mut surname2 = *dice.pick(language.surnames);
    if surname2 == surname {
        surname2 = language.surnames[(language
            .surnames
            .iter()
            .position(|name| *name == surname)
            .unwrap_or(0)
            + 1)
            % language.surnames.len()];
    }
    let words = Words {
        surname,
        surname2,
        given: dice.word(language.given_names),
        sector: language.sector_words[place.theme.index()],
        theme: language.theme_words[place.theme.index()],
        city: place.city.name,
        region: place.region.name,
        district: place.city.district,
        brand: &buffers.brand,
        ..Words::default()
    };
    match profile.kind {
        OrganisationType::Sme | OrganisationType::LargeEnterprise => {
            let sole_trader = profile.size == Some(SizeClass::Micro)
                && profile.staff.is_some_and(|staff| staff <= 1)
                && dice.percent(35);
            if sole_trader {
                text::expand(
                    language.sole_trader_pattern,
                    &words,
                    language.elides_de,
                    &mut buffers.basis,
                );
                buffers.name.push_str(&buffers.basis);
                return;
            }
            // In big cities a name of the city and a sector word would repeat too often.
            let pattern = choose_pattern(dice, language.company_patterns, |pattern| {
                !place.city.big || !pattern.contains("{city}")
            });
            text::expand(pattern, &words, language.elides_de, &mut buffers.basis);
            let form = if profile.kind == OrganisationType::LargeEnterprise {
                dice.pick(forms.large)
            } else {
                dice.pick(forms.small)
            };
            if forms.before_name {
                buffers.name.push_str(form);
                buffers.name.push(' ');
                buffers.name.push_str(&buffers.basis);
            } else {
                buffers.name.push_str(&buffers.basis);
                buffers.name.push_str(forms.separator);
                buffers.name.push_str(form);
            }
        }
        kind => {
            // A big city has many institutions: prefer patterns that name a field or a person.
            let pattern = choose_pattern(dice, institution_patterns(language, kind), |pattern| {
                !place.city.big
                    || ["{theme}", "{sector}", "{surname}", "{brand}"]
                        .iter()
                        .any(|word| pattern.contains(word))
            });
            text::expand(pattern, &words, language.elides_de, &mut buffers.name);
            buffers.basis.push_str(&buffers.name);
        }
    }
}

/// Writes the name of a non-company organisation in another language (a cluster's English name,
/// a Swiss university's French one), from that language's patterns.
pub(crate) fn write_translated_name(
    dice: &mut Dice,
    kind: OrganisationType,
    place: &Place<'_>,
    language: &Language,
    out: &mut String,
) {
    let words = Words {
        sector: language.sector_words[place.theme.index()],
        theme: language.theme_words[place.theme.index()],
        city: place.city.name,
        region: place.region.name,
        district: place.city.district,
        ..Words::default()
    };
    // Translations exist for types whose patterns need no surname or brand.
    let patterns = institution_patterns(language, kind);
    let usable: Vec<&str> = patterns
        .iter()
        .copied()
        .filter(|pattern| !pattern.contains("{surname}") && !pattern.contains("{brand}"))
        .collect();
    if usable.is_empty() {
        return;
    }
    text::expand(dice.word(&usable), &words, language.elides_de, out);
}

/// A pattern that passes `fits`, if one does within a few draws; otherwise the last one drawn.
fn choose_pattern(
    dice: &mut Dice,
    patterns: &[&'static str],
    fits: impl Fn(&str) -> bool,
) -> &'static str {
    let mut pattern = dice.word(patterns);
    for _ in 0..4 {
        if fits(pattern) {
            break;
        }
        pattern = dice.word(patterns);
    }
    pattern
}

fn institution_patterns(language: &Language, kind: OrganisationType) -> &'static [&'static str] {
    match kind {
        OrganisationType::Cluster => language.cluster_patterns,
        OrganisationType::University => language.university_patterns,
        OrganisationType::Rto => language.research_patterns,
        OrganisationType::Incubator => language.incubator_patterns,
        OrganisationType::PublicAuthority => language.authority_patterns,
        OrganisationType::Investor => language.investor_patterns,
        OrganisationType::Other => language.association_patterns,
        OrganisationType::Sme | OrganisationType::LargeEnterprise => language.company_patterns,
    }
}

/// Names of strategic cluster partnerships: a few per theme, shared by the clusters that belong to
/// them (as partnerships join clusters from several countries).
pub(crate) fn write_partnership_name(theme: Theme, variant: u32, out: &mut String) {
    let short = theme.english().short;
    match variant % 4 {
        0 => {
            out.push_str("ESCP-4i ");
            out.push_str(short);
            out.push_str(" Going International");
        }
        1 => {
            out.push_str("Euro");
            out.push_str(short);
            out.push_str(" Alliance");
        }
        2 => {
            out.push_str(short);
            out.push_str(" S3 Partnership");
        }
        _ => {
            out.push_str(short);
            out.push_str("Excellence ESCP");
        }
    }
}
