//! The texts of a profile: the short description in the organisation's own language, the longer
//! English description, and the partnering profile (offers and requests), built from
//! sector-aware phrases so that profiles read like real ones and differ from each other.

use crate::languages::Language;
use crate::profile::{OrganisationType, Profile, SizeClass};
use crate::random::Dice;
use crate::template::{Patterns, Slot, Words};
use crate::text;
use crate::themes::{COMMON_NEEDS, CUSTOMER_SEGMENTS, Theme};
use crate::world::World;

/// What the texts need to know beyond the profile.
pub(crate) struct Context<'a> {
    pub(crate) world: &'a World,
    pub(crate) name: &'a str,
    pub(crate) city: &'a str,
    pub(crate) region: &'a str,
    pub(crate) country: &'a str,
    /// For clusters, the declared members by type (SMEs, large, research, other).
    pub(crate) members: Option<[u32; 4]>,
}

/// The description in the organisation's own language: what it is, where, its sectors and since
/// when, in the terse style of directory entries.
pub(crate) fn write_local_description(
    profile: &Profile,
    context: &Context<'_>,
    language: &Language,
    patterns: &Patterns,
    out: &mut String,
) {
    let year_digits = profile.founded.map_or([b'0'; 4], |founded| {
        let founded = founded.min(9_999) as u16;
        [0, 1, 2, 3].map(|position| b'0' + (founded / 10_u16.pow(3 - position) % 10) as u8)
    });
    let year = std::str::from_utf8(&year_digits).unwrap_or_default();
    let words = Words::default()
        .with(Slot::Type, language.type_words[profile.kind.index()])
        .with(Slot::City, context.city)
        .with(Slot::Region, context.region)
        .with(Slot::Year, year);
    patterns.intro.expand(&words, false, out);
    out.push(' ');
    out.push_str(language.focus_label);
    out.push_str(if language.code == "fr" { " : " } else { ": " });
    let mut themes = [Theme(0); 3];
    let mut theme_count = 0;
    for sector in profile.sectors.as_slice() {
        let theme = Theme::of_category(*sector as u8);
        if theme_count < themes.len() && !themes[..theme_count].contains(&theme) {
            themes[theme_count] = theme;
            theme_count += 1;
        }
    }
    for (position, theme) in themes[..theme_count].iter().enumerate() {
        if position > 0 {
            out.push_str(", ");
        }
        out.push_str(language.sector_words[theme.index()]);
    }
    out.push('.');
    // French and German readers also get the official label of the main activity.
    let label_language = match language.code {
        "fr" => Some((1, "Activité principale : ")),
        "de" => Some((2, "Haupttätigkeit: ")),
        _ => None,
    };
    if let (Some((column, label)), Some((_, labels))) =
        (label_language, main_activity(profile, context.world))
    {
        out.push(' ');
        out.push_str(label);
        out.push_str(labels[column]);
        out.push('.');
    }
    if profile.founded.is_some() {
        out.push(' ');
        patterns.since.expand(&words, false, out);
    }
}

/// The main NACE class the profile lists (its first), with its labels.
fn main_activity<'w>(
    profile: &Profile,
    world: &'w World,
) -> Option<(&'w str, &'w [&'static str; 3])> {
    let category = world.category(profile.main_sector());
    let position = (profile.index as usize) % category.nace_classes.len().max(1);
    Some((
        category.nace_classes.get(position)?,
        category.nace_labels.get(position)?,
    ))
}

/// The NACE class of a category that a profile lists, chosen by its index so that the description
/// and the `nace` column agree.
pub(crate) fn main_nace_class<'w>(profile: &Profile, world: &'w World) -> Option<&'w str> {
    main_activity(profile, world).map(|(code, _)| code)
}

fn push_lowercase_first(text: &str, out: &mut String) {
    let mut characters = text.chars();
    if let Some(first) = characters.next() {
        out.extend(first.to_lowercase());
        out.push_str(characters.as_str());
    }
}

fn push_list(items: &[&str], out: &mut String) {
    for (position, item) in items.iter().enumerate() {
        if position > 0 {
            out.push_str(if position + 1 == items.len() {
                " and "
            } else {
                ", "
            });
        }
        out.push_str(item);
    }
}

/// The English names of the profile's sectors, at most three.
fn sector_names<'w>(profile: &Profile, world: &'w World) -> Vec<&'w str> {
    profile
        .sectors
        .as_slice()
        .iter()
        .filter(|sector| {
            !(**sector == 13
                && matches!(
                    profile.kind,
                    OrganisationType::University | OrganisationType::Rto
                ))
        })
        .take(3)
        .map(|sector| world.category(*sector as u8).name_en)
        .collect()
}

/// The English description: a few sentences on what the organisation is, does and offers.
pub(crate) fn write_english_description(
    dice: &mut Dice,
    profile: &Profile,
    context: &Context<'_>,
    out: &mut String,
) {
    let world = context.world;
    let theme = profile.theme().english();
    let sectors = sector_names(profile, world);
    let technologies: Vec<&str> = profile
        .technologies
        .as_slice()
        .iter()
        .map(|index| world.technology_fields.labels_en[*index as usize])
        .collect();
    out.push_str(context.name);
    match profile.kind {
        OrganisationType::Sme | OrganisationType::LargeEnterprise => {
            out.push_str(match profile.size {
                Some(SizeClass::Micro) => " is a small company based in ",
                Some(SizeClass::Small) => " is a growing company based in ",
                Some(SizeClass::Medium) => " is a medium-sized company based in ",
                _ => " is a major company headquartered in ",
            });
            out.push_str(context.city);
            out.push_str(", ");
            out.push_str(context.country);
            if let Some((_, labels)) = main_activity(profile, world) {
                out.push_str(", active in ");
                push_lowercase_first(labels[0], out);
            }
            out.push_str(". ");
            if let Some(founded) = profile.founded {
                out.push_str("Founded in ");
                text::write_number(u64::from(founded), out);
                match profile.staff {
                    Some(0 | 1) => out.push_str(", it is run by its owner. "),
                    Some(staff) => {
                        out.push_str(", it employs ");
                        text::write_number(u64::from(staff), out);
                        out.push_str(" people. ");
                    }
                    None => out.push_str(". "),
                }
            }
            out.push_str("It specialises in ");
            let first = dice.index(theme.capabilities.len());
            let second =
                (first + 1 + dice.index(theme.capabilities.len() - 1)) % theme.capabilities.len();
            push_list(
                &[theme.capabilities[first], theme.capabilities[second]],
                out,
            );
            out.push_str(" for ");
            out.push_str(dice.word(CUSTOMER_SEGMENTS));
            out.push('.');
        }
        OrganisationType::Cluster => {
            out.push_str(" is the cluster organisation for ");
            push_list(&sectors, out);
            out.push_str(" in ");
            out.push_str(context.region);
            out.push_str(", ");
            out.push_str(context.country);
            out.push('.');
            if let Some([sme, large, research, other]) = context.members {
                out.push_str(" It brings together ");
                text::write_number(u64::from(sme + large + research + other), out);
                out.push_str(" members: ");
                text::write_number(u64::from(sme), out);
                out.push_str(" SMEs, ");
                text::write_number(u64::from(large), out);
                out.push_str(" large companies, ");
                text::write_number(u64::from(research), out);
                out.push_str(" research organisations and ");
                text::write_number(u64::from(other), out);
                out.push_str(" other partners.");
            }
            out.push(' ');
            out.push_str(dice.word(&[
                "It helps its members innovate, find partners and enter new markets.",
                "Its mission is to strengthen the competitiveness of the regional value chain.",
                "It runs collaborative projects, training and internationalisation services for its members.",
                "It connects companies, researchers and public authorities around shared challenges.",
            ]));
        }
        OrganisationType::University => {
            out.push_str(" is a university in ");
            out.push_str(context.city);
            out.push_str(", ");
            out.push_str(context.country);
            if let Some(staff) = profile.staff {
                out.push_str(", with about ");
                text::write_number(u64::from(staff), out);
                out.push_str(" staff");
            }
            out.push_str(". Its research and teaching cover ");
            push_list(&sectors, out);
            out.push('.');
        }
        OrganisationType::Rto => {
            out.push_str(" is a research and technology organisation in ");
            out.push_str(context.city);
            out.push_str(", ");
            out.push_str(context.country);
            out.push_str(", working on ");
            push_list(&sectors, out);
            out.push_str(". It offers ");
            out.push_str(dice.word(theme.capabilities));
            out.push_str(" to companies of all sizes.");
        }
        OrganisationType::Incubator => {
            out.push_str(" supports start-ups and young companies in ");
            out.push_str(context.city);
            out.push_str(" with incubation, mentoring and access to finance, with a focus on ");
            push_list(&sectors, out);
            out.push('.');
        }
        OrganisationType::PublicAuthority => {
            out.push_str(" is a public body in ");
            out.push_str(context.region);
            out.push_str(", ");
            out.push_str(context.country);
            out.push_str(", that supports economic development and innovation, in particular in ");
            push_list(&sectors, out);
            out.push('.');
        }
        OrganisationType::Investor => {
            out.push_str(" is an investor based in ");
            out.push_str(context.city);
            out.push_str(", ");
            out.push_str(context.country);
            out.push_str(", financing companies in ");
            push_list(&sectors, out);
            out.push('.');
        }
        OrganisationType::Other => {
            out.push_str(" is an association in ");
            out.push_str(context.city);
            out.push_str(", ");
            out.push_str(context.country);
            out.push_str(", that represents and connects organisations in ");
            push_list(&sectors, out);
            out.push('.');
        }
    }
    if technologies.len() >= 2 {
        out.push_str(" Key technologies: ");
        push_list(&technologies[..technologies.len().min(3)], out);
        out.push('.');
    }
}

/// What the organisation offers: one to three entries separated by `|`.
pub(crate) fn write_offers(
    dice: &mut Dice,
    profile: &Profile,
    context: &Context<'_>,
    out: &mut String,
) {
    let theme = profile.theme().english();
    let count = dice.between(1, 3);
    let sectors = sector_names(profile, context.world);
    let main_sector = sectors.first().copied().unwrap_or("its sectors");
    let start = dice.below(8);
    for entry in 0..count {
        if entry > 0 {
            out.push('|');
        }
        let variant = (start + entry) % 8;
        let capability = *dice.pick(theme.capabilities);
        match profile.kind {
            OrganisationType::Cluster => match variant % 4 {
                0 => {
                    out.push_str("Access to ");
                    let total = context.members.map_or(0, |members| members.iter().sum::<u32>());
                    text::write_number(u64::from(total), out);
                    out.push_str(" member organisations in ");
                    out.push_str(main_sector);
                    out.push('.');
                }
                1 => {
                    out.push_str("Matchmaking and B2B events with companies from ");
                    out.push_str(context.region);
                    out.push('.');
                }
                2 => {
                    out.push_str("Members who can provide ");
                    out.push_str(capability);
                    out.push('.');
                }
                _ => {
                    out.push_str("Support for internationalisation, joint trade-fair stands and EU project proposals in ");
                    out.push_str(main_sector);
                    out.push('.');
                }
            },
            OrganisationType::University | OrganisationType::Rto => match variant % 4 {
                0 => {
                    out.push_str("Contract research and testing in ");
                    out.push_str(main_sector);
                    out.push('.');
                }
                1 => {
                    out.push_str("Laboratories and pilot facilities for ");
                    out.push_str(capability);
                    out.push('.');
                }
                2 => out.push_str("Student projects, internships and joint PhD supervision with industry."),
                _ => {
                    out.push_str("Technology transfer and licensing");
                    if let Some(technology) = profile.technologies.first() {
                        out.push_str(" in ");
                        push_lowercase_first(context.world.technology_fields.labels_en[technology as usize], out);
                    }
                    out.push('.');
                }
            },
            OrganisationType::Incubator => out.push_str(dice.word(&[
                "Incubation programme with office space, mentoring and demo days.",
                "Access to a network of business angels and venture investors.",
                "Soft-landing support for foreign start-ups entering the regional market.",
                "Prototyping workshops and access to shared labs.",
            ])),
            OrganisationType::PublicAuthority => match variant % 3 {
                0 => {
                    out.push_str("Regional funding programmes for innovation in ");
                    out.push_str(main_sector);
                    out.push('.');
                }
                1 => {
                    out.push_str("Support for companies that settle in ");
                    out.push_str(context.region);
                    out.push('.');
                }
                _ => out.push_str("Contacts with the region's smart-specialisation stakeholders and infrastructure."),
            },
            OrganisationType::Investor => match variant % 3 {
                0 => {
                    let minimum = [50, 100, 250, 500][dice.index(4)];
                    out.push_str("Equity investments from EUR ");
                    text::write_number(minimum, out);
                    out.push_str(" thousand to EUR ");
                    text::write_number(u64::from(dice.between(1, 10)), out);
                    out.push_str(" million in ");
                    out.push_str(main_sector);
                    out.push('.');
                }
                1 => out.push_str("Co-investment alongside regional and EU funds."),
                _ => out.push_str("Board-level support and networks for scaling up."),
            },
            OrganisationType::Other => match variant % 3 {
                0 => {
                    out.push_str("Networking events and market intelligence for companies in ");
                    out.push_str(context.region);
                    out.push('.');
                }
                1 => out.push_str("Training and advice for members on export, funding and regulation."),
                _ => {
                    out.push_str("Representation of ");
                    out.push_str(main_sector);
                    out.push_str(" interests towards public authorities.");
                }
            },
            OrganisationType::Sme | OrganisationType::LargeEnterprise => match variant % 6 {
                0 => {
                    out.push_str("We offer ");
                    out.push_str(capability);
                    out.push_str(" for ");
                    out.push_str(dice.word(CUSTOMER_SEGMENTS));
                    out.push('.');
                }
                1 => {
                    out.push_str("Our team provides ");
                    out.push_str(capability);
                    if let Some(founded) = profile.founded {
                        out.push_str(", with ");
                        text::write_number(u64::from(crate::profile::REFERENCE_YEAR.saturating_sub(founded).max(1)), out);
                        out.push_str(" years of experience");
                    }
                    out.push('.');
                }
                2 => {
                    out.push_str("Available for subcontracting: ");
                    out.push_str(capability);
                    out.push('.');
                }
                3 => {
                    out.push_str("Expertise in ");
                    out.push_str(capability);
                    out.push_str(", certified to ISO 9001.");
                }
                4 => {
                    out.push_str("We can supply ");
                    out.push_str(capability);
                    out.push_str(" to partners in ");
                    out.push_str(context.country);
                    out.push_str(" and abroad.");
                }
                _ => {
                    out.push_str("Know-how in ");
                    out.push_str(capability);
                    if let Some(technology) = profile.technologies.first() {
                        out.push_str(", using ");
                        push_lowercase_first(context.world.technology_fields.labels_en[technology as usize], out);
                    }
                    out.push('.');
                }
            },
        }
    }
}

/// What the organisation looks for: one to three entries separated by `|`.
pub(crate) fn write_requests(
    dice: &mut Dice,
    profile: &Profile,
    context: &Context<'_>,
    out: &mut String,
) {
    const OPENINGS: [&str; 5] = [
        "We are looking for ",
        "Seeking ",
        "Interested in ",
        "Searching for ",
        "Looking for ",
    ];
    let theme = profile.theme().english();
    let count = dice.between(1, 3);
    let first_opening = dice.index(OPENINGS.len());
    let mut used = [usize::MAX; 3];
    for entry in 0..count as usize {
        if entry > 0 {
            out.push('|');
        }
        out.push_str(OPENINGS[(first_opening + entry) % OPENINGS.len()]);
        // Alternate between the theme's own needs and needs every organisation has.
        let need = if entry % 2 == 0 {
            let mut choice = dice.index(theme.needs.len());
            if used.contains(&choice) {
                choice = (choice + 1) % theme.needs.len();
            }
            used[entry] = choice;
            theme.needs[choice]
        } else {
            dice.pick(COMMON_NEEDS)
        };
        // The only placeholder of needs is `{country}`.
        match need
            .find('{')
            .map(|open| (&need[..open], &need[open + "{country}".len()..]))
        {
            Some((before, after)) => {
                out.push_str(before);
                out.push_str(target_country_name(dice, profile, context.world));
                out.push_str(after);
            }
            None => out.push_str(need),
        }
        out.push('.');
    }
}

/// The English name of one of the profile's target countries, or of a large market when it has
/// none.
fn target_country_name(dice: &mut Dice, profile: &Profile, world: &World) -> &'static str {
    if !profile.international_targets.is_empty() && dice.percent(50) {
        world.international_target_names
            [*dice.pick(profile.international_targets.as_slice()) as usize]
    } else if !profile.transnational_targets.is_empty() {
        world.countries[*dice.pick(profile.transnational_targets.as_slice()) as usize].name
    } else {
        dice.word(&[
            "Germany",
            "France",
            "Italy",
            "Spain",
            "the Netherlands",
            "Poland",
            "Sweden",
            "the United States",
            "Japan",
        ])
    }
}
