//! The storage form of a validated domain profile.

use clusterhub_domain::Organisation;

use crate::OrganisationImport;

impl OrganisationImport {
    /// Every column an import writes for `organisation`, with its SME status computed.
    pub fn from_domain(organisation: &Organisation) -> OrganisationImport {
        let names = organisation
            .names
            .iter()
            .map(|(language, text)| (language.as_str().to_owned(), text.to_owned()))
            .collect();
        let descriptions = organisation
            .description
            .as_ref()
            .map(|description| {
                description
                    .iter()
                    .map(|(language, text)| (language.as_str().to_owned(), text.to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        let strings = |values: &mut dyn Iterator<Item = String>| values.collect::<Vec<String>>();
        OrganisationImport {
            external_key: organisation.external_key.as_str().to_owned(),
            kind: organisation.kind.slug().to_owned(),
            name: organisation.names.primary().to_owned(),
            names,
            descriptions,
            website: organisation
                .website
                .as_ref()
                .map(|url| url.as_str().to_owned()),
            email: organisation
                .email
                .as_ref()
                .map(|email| email.as_str().to_owned()),
            pic: organisation.pic.as_ref().map(|pic| pic.as_str().to_owned()),
            vat: organisation.vat.as_ref().map(|vat| vat.as_str().to_owned()),
            country: organisation.country.as_str().to_owned(),
            nuts: organisation
                .nuts
                .as_ref()
                .map(|nuts| nuts.as_str().to_owned()),
            city: organisation.city.clone(),
            lat: organisation.location.map(|point| point.lat()),
            lon: organisation.location.map(|point| point.lon()),
            founded: organisation.founded.map(i64::from),
            staff: organisation.staff.map(i64::from),
            turnover_cents: organisation.turnover.map(|money| money.cents),
            turnover_currency: organisation
                .turnover
                .map(|money| money.currency.as_str().to_owned()),
            balance_sheet_cents: organisation.balance_sheet.map(|money| money.cents),
            balance_sheet_currency: organisation
                .balance_sheet
                .map(|money| money.currency.as_str().to_owned()),
            sme_status: organisation.sme_status().slug().to_owned(),
            sectors: strings(
                &mut organisation
                    .sectors
                    .iter()
                    .map(|sector| sector.id().to_string()),
            ),
            nace: strings(
                &mut organisation
                    .nace
                    .iter()
                    .map(|code| code.as_str().to_owned()),
            ),
            technologies: strings(
                &mut organisation
                    .technologies
                    .iter()
                    .map(|term| term.as_str().to_owned()),
            ),
            s3_areas: strings(
                &mut organisation
                    .s3_areas
                    .iter()
                    .map(|term| term.as_str().to_owned()),
            ),
            emerging: strings(
                &mut organisation
                    .emerging_industries
                    .iter()
                    .map(|term| term.as_str().to_owned()),
            ),
            target_international: strings(
                &mut organisation
                    .target_countries_international
                    .iter()
                    .map(|country| country.as_str().to_owned()),
            ),
            target_transnational: strings(
                &mut organisation
                    .target_countries_transnational
                    .iter()
                    .map(|country| country.as_str().to_owned()),
            ),
            escp: organisation.escp.clone(),
            label: organisation
                .label
                .map(|label| label.level.slug().to_owned()),
            label_date: organisation.label.map(|label| label.awarded.to_string()),
            offers: organisation.offers.clone(),
            requests: organisation.requests.clone(),
            members_sme: organisation.member_counts.sme.map(i64::from),
            members_large: organisation.member_counts.large.map(i64::from),
            members_research: organisation.member_counts.research.map(i64::from),
            members_other: organisation.member_counts.other.map(i64::from),
            member_of: organisation
                .member_of
                .iter()
                .map(|key| key.as_str().to_owned())
                .collect(),
        }
    }
}
