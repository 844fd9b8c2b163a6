//! Organisation names in the language of their place: companies with surnames, sector words,
//! invented brands and the country's legal forms; clusters, universities, agencies and
//! associations named after their city or region, as real ones are.

use crate::countries::LegalForms;
use crate::languages::Language;
use crate::profile::{OrganisationType, Profile, SizeClass};
use crate::random::Dice;
use crate::template::{Patterns, Slot, Template, Words};
use crate::text;
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
    /// Whether the name chosen names the region rather than the city, so that its translation
    /// names the same place.
    names_region: bool,
}

/// The words of a place in a language, and the others that `template` asks for, drawn only when
/// it asks for them.
fn words_for<'a>(
    dice: &mut Dice,
    template: &Template,
    place: &Place<'a>,
    language: &'a Language,
    brand: &'a mut String,
) -> Words<'a> {
    let theme = place.theme.index();
    let mut words = Words::default()
        .with(Slot::Sector, language.sector_words[theme])
        .with(Slot::Theme, language.theme_words[theme])
        .with(Slot::City, place.city.name)
        .with(Slot::Region, place.region.name)
        .with(Slot::District, place.city.district);
    if template.uses_any(&[Slot::Surname, Slot::Surname2]) {
        let first = dice.index(language.surnames.len());
        // The second surname differs from the first.
        let second =
            (first + 1 + dice.index(language.surnames.len() - 1)) % language.surnames.len();
        words.set(Slot::Surname, language.surnames[first]);
        words.set(Slot::Surname2, language.surnames[second]);
    }
    if template.uses(Slot::Given) {
        words.set(Slot::Given, dice.word(language.given_names));
    }
    if template.uses(Slot::Brand) {
        text::write_brand(dice.below(text::BRAND_COUNT), brand);
        words.set(Slot::Brand, brand);
    }
    words
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
    let patterns = place.city.patterns;
    match profile.kind {
        OrganisationType::Sme | OrganisationType::LargeEnterprise => {
            let sole_trader = profile.size == Some(SizeClass::Micro)
                && profile.staff.is_some_and(|staff| staff <= 1)
                && dice.percent(35);
            if sole_trader {
                let template = &patterns.sole_trader;
                let words = words_for(dice, template, place, language, &mut buffers.brand);
                template.expand(&words, language.elides_de, &mut buffers.basis);
                buffers.name.push_str(&buffers.basis);
                return;
            }
            // In big cities a name of the city and a sector word would repeat too often.
            let template = choose(dice, &patterns.company, |template| {
                !place.city.big || !template.uses(Slot::City)
            });
            let words = words_for(dice, template, place, language, &mut buffers.brand);
            template.expand(&words, language.elides_de, &mut buffers.basis);
            // Small firms in smaller towns often carry the town in their name.
            if !place.city.big && !template.uses(Slot::City) && dice.percent(25) {
                buffers.basis.push(' ');
                buffers.basis.push_str(place.city.name);
            }
            let form = if profile.kind == OrganisationType::LargeEnterprise {
                dice.word(forms.large)
            } else {
                dice.word(forms.small)
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
            // A region or a big city has many institutions: prefer patterns that name a field or
            // a person, or else a smaller place.
            let template = choose(dice, patterns.of_type(kind), |template| {
                let varied =
                    template.uses_any(&[Slot::Theme, Slot::Sector, Slot::Surname, Slot::Brand]);
                let local = template.uses_any(&[Slot::City, Slot::District]);
                varied || (local && !place.city.big)
            });
            let words = words_for(dice, template, place, language, &mut buffers.brand);
            template.expand(&words, language.elides_de, &mut buffers.name);
            buffers.basis.push_str(&buffers.name);
            buffers.names_region = template.uses(Slot::Region) && !template.uses(Slot::City);
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
    original: &NameBuffers,
    out: &mut String,
) {
    // Translations exist for types whose patterns need no surname or brand, and name the place
    // the original names.
    let personal = [Slot::Surname, Slot::Brand];
    let template = choose(dice, Patterns::of(language).of_type(kind), |template| {
        let names_region = template.uses(Slot::Region) && !template.uses(Slot::City);
        !template.uses_any(&personal) && names_region == original.names_region
    });
    if template.uses_any(&personal) {
        return;
    }
    let mut no_brand = String::new();
    let words = words_for(dice, template, place, language, &mut no_brand);
    template.expand(&words, language.elides_de, out);
}

/// A template that passes `fits`, drawn among those that do; any template when none does.
fn choose<'t>(
    dice: &mut Dice,
    templates: &'t [Template],
    fits: impl Fn(&Template) -> bool,
) -> &'t Template {
    let fitting = templates.iter().filter(|template| fits(template)).count();
    if fitting == 0 {
        return dice.pick(templates);
    }
    let chosen = dice.index(fitting);
    templates
        .iter()
        .filter(|template| fits(template))
        .nth(chosen)
        .unwrap_or(&templates[0])
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
