//! The one mapping from a stored profile to the search document that represents it.

use clusterhub_domain::{MembersBand, StaffBand};
use clusterhub_reference::Reference;
use clusterhub_search::OrganisationDocument;
use clusterhub_storage::StoredOrganisation;

/// Bumped whenever [`document_from`] maps a profile differently: an index written with another
/// version is rebuilt when it is opened, so every document follows one mapping.
pub const DOCUMENT_VERSION: u32 = 1;

/// What a search document needs beyond the organisation's own row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelatedFacts {
    /// The EU programmes of the projects the organisation took part in (`H2020`, ...), each once.
    pub programmes: Vec<String>,
    /// How many members the organisation has in the directory (clusters; 0 for others).
    pub directory_members: i64,
}

/// The search document of a stored organisation.
///
/// The total number of members is what the profile declares (SMEs, large companies, research,
/// others), or, if it declares none of them, how many members it has in the directory. A NUTS
/// code of an older version is translated to NUTS 2021, the version the search filters use.
/// Target countries of international and trans-national activities are merged.
pub fn document_from(stored: &StoredOrganisation, related: &RelatedFacts) -> OrganisationDocument {
    let profile = &stored.profile;
    let mut document = OrganisationDocument::new(
        stored.id,
        stored.revision,
        &profile.name,
        &profile.kind,
        &profile.country,
    );
    document.names = profile.names.values().cloned().collect();
    document.descriptions = profile.descriptions.values().cloned().collect();
    document.offers = profile.offers.clone();
    document.requests = profile.requests.clone();
    document.nuts = profile.nuts.as_deref().map(|code| {
        Reference::get()
            .translate_nuts_to_2021(code)
            .unwrap_or_else(|| code.to_owned())
    });
    document.city = profile.city.clone();
    document.location = profile.lat.zip(profile.lon);
    document.sectors = profile.sectors.clone();
    document.nace = profile.nace.clone();
    document.technologies = profile.technologies.clone();
    document.s3_areas = profile.s3_areas.clone();
    document.emerging = profile.emerging.clone();
    document.staff_band = profile
        .staff
        .and_then(|staff| u32::try_from(staff).ok())
        .and_then(StaffBand::for_count)
        .map(|band| band.slug().to_owned());
    let declared = [
        profile.members_sme,
        profile.members_large,
        profile.members_research,
        profile.members_other,
    ]
    .into_iter()
    .flatten()
    .reduce(i64::saturating_add);
    let members = declared.unwrap_or(related.directory_members);
    document.members_band = u32::try_from(members)
        .ok()
        .and_then(MembersBand::for_count)
        .map(|band| band.slug().to_owned());
    document.label = profile.label.clone();
    document.escp = profile.escp.as_deref().is_some_and(|escp| !escp.is_empty());
    document.programmes = related.programmes.clone();
    let mut targets: Vec<String> = profile
        .target_international
        .iter()
        .chain(&profile.target_transnational)
        .cloned()
        .collect();
    targets.sort_unstable();
    targets.dedup();
    document.target_countries = targets;
    document.sme_status = Some(profile.sme_status.clone());
    document
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use clusterhub_reference::NutsVersion;
    use clusterhub_storage::OrganisationImport;

    use super::*;

    fn stored(profile: OrganisationImport) -> StoredOrganisation {
        StoredOrganisation {
            id: 7,
            revision: 42,
            created_at: String::from("2026-01-01T00:00:00Z"),
            updated_at: String::from("2026-01-01T00:00:00Z"),
            profile,
        }
    }

    fn cluster() -> OrganisationImport {
        OrganisationImport {
            external_key: String::from("c"),
            kind: String::from("cluster"),
            name: String::from("Hydrogen Valley"),
            names: BTreeMap::from([
                (String::from("en"), String::from("Hydrogen Valley")),
                (String::from("de"), String::from("Wasserstofftal")),
            ]),
            descriptions: BTreeMap::from([(String::from("en"), String::from("Electrolysers."))]),
            country: String::from("DE"),
            nuts: Some(String::from("DE212")),
            city: Some(String::from("München")),
            lat: Some(48.1),
            lon: Some(11.5),
            staff: Some(12),
            sme_status: String::from("not_sme"),
            sectors: vec![String::from("17")],
            target_international: vec![String::from("JP"), String::from("US")],
            target_transnational: vec![String::from("FR"), String::from("JP")],
            escp: Some(String::from("ESCP-4i Hydrogen")),
            label: Some(String::from("gold")),
            offers: vec![String::from("Test benches")],
            ..OrganisationImport::default()
        }
    }

    #[test]
    fn maps_every_field() {
        let related = RelatedFacts {
            programmes: vec![String::from("H2020"), String::from("HORIZON")],
            directory_members: 3,
        };
        let document = document_from(&stored(cluster()), &related);
        assert_eq!(document.id, 7);
        assert_eq!(document.revision, 42);
        assert_eq!(document.name, "Hydrogen Valley");
        assert_eq!(document.names, ["Wasserstofftal", "Hydrogen Valley"]);
        assert_eq!(document.descriptions, ["Electrolysers."]);
        assert_eq!(document.offers, ["Test benches"]);
        assert_eq!(document.kind, "cluster");
        assert_eq!(document.country, "DE");
        assert_eq!(document.nuts.as_deref(), Some("DE212"));
        assert_eq!(document.location, Some((48.1, 11.5)));
        assert_eq!(document.staff_band.as_deref(), Some("10_49"));
        assert_eq!(document.members_band.as_deref(), Some("1_24"));
        assert_eq!(document.label.as_deref(), Some("gold"));
        assert!(document.escp);
        assert_eq!(document.programmes, ["H2020", "HORIZON"]);
        assert_eq!(document.target_countries, ["FR", "JP", "US"]);
        assert_eq!(document.sme_status.as_deref(), Some("not_sme"));
    }

    #[test]
    fn declared_members_win_over_the_directory_count() {
        let mut profile = cluster();
        profile.members_sme = Some(120);
        profile.members_research = Some(8);
        let related = RelatedFacts {
            programmes: Vec::new(),
            directory_members: 3,
        };
        let document = document_from(&stored(profile), &related);
        assert_eq!(document.members_band.as_deref(), Some("100_249"));

        let document = document_from(&stored(cluster()), &RelatedFacts::default());
        assert_eq!(document.members_band, None, "no members declared or known");
    }

    #[test]
    fn old_nuts_codes_are_translated() {
        let reference = Reference::get();
        let (old, new) = reference
            .nuts(NutsVersion::V2016)
            .iter()
            .filter(|region| !reference.nuts(NutsVersion::V2021).contains(&region.code))
            .find_map(|region| {
                let new = reference.translate_nuts_to_2021(&region.code)?;
                Some((region.code.clone(), new))
            })
            .expect("NUTS 2021 recoded some 2016 regions");
        assert_ne!(old, new);
        let mut profile = cluster();
        profile.nuts = Some(old);
        let document = document_from(&stored(profile), &RelatedFacts::default());
        assert_eq!(document.nuts, Some(new));
    }
}
