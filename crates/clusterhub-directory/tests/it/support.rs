//! Profiles and searches the tests share.

use std::collections::BTreeMap;

use clusterhub_search::{FacetGroup, SearchIndex, SearchQuery};
use clusterhub_storage::{OrganisationImport, ParticipantImport, Project, ProjectImport, Storage};

pub fn profile(key: &str, kind: &str, name: &str) -> OrganisationImport {
    OrganisationImport {
        external_key: key.to_owned(),
        kind: kind.to_owned(),
        name: name.to_owned(),
        names: BTreeMap::from([(String::from("en"), name.to_owned())]),
        descriptions: BTreeMap::from([(String::from("en"), String::from("Makes things."))]),
        country: String::from("DE"),
        nuts: Some(String::from("DE212")),
        city: Some(String::from("München")),
        lat: Some(48.137),
        lon: Some(11.575),
        sme_status: String::from("small"),
        ..OrganisationImport::default()
    }
}

pub fn project(source_id: &str, programme: &str, participant_keys: &[&str]) -> ProjectImport {
    ProjectImport {
        project: Project {
            source: String::from("cordis"),
            source_id: source_id.to_owned(),
            acronym: format!("ACR{source_id}"),
            title: format!("Project {source_id}"),
            programme: programme.to_owned(),
            call_id: None,
            start_date: None,
            end_date: None,
            total_cost_cents: None,
            ec_max_contribution_cents: None,
            currency: String::from("EUR"),
        },
        participants: participant_keys
            .iter()
            .map(|key| ParticipantImport {
                organisation: profile(key, "other", &format!("Participant {key}")),
                role: String::from("participant"),
                ec_contribution_cents: None,
            })
            .collect(),
    }
}

/// The ids of the organisations a keyword search finds, in id order.
pub fn find(index: &SearchIndex, text: &str) -> Vec<i64> {
    let query = SearchQuery {
        text: Some(text.to_owned()),
        per_page: 100,
        ..SearchQuery::default()
    };
    let mut ids: Vec<i64> = index
        .search(&query)
        .expect("search")
        .hits
        .iter()
        .map(|hit| hit.id)
        .collect();
    ids.sort_unstable();
    ids
}

/// The counts of one facet group over the whole index.
pub fn facet(index: &SearchIndex, group: FacetGroup) -> BTreeMap<String, u64> {
    let results = index.search(&SearchQuery::default()).expect("search");
    results.facets.get(&group).cloned().unwrap_or_default()
}

pub async fn id_of(storage: &Storage, key: &str) -> i64 {
    storage
        .organisation_by_key(key)
        .await
        .expect("read")
        .unwrap_or_else(|| panic!("{key} is stored"))
        .id
}
