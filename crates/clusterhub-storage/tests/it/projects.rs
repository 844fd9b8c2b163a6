//! EU projects and participations on both backends.

use clusterhub_storage::{ParticipantImport, Project, ProjectImport, Storage};

use crate::both;
use crate::organisations::profile;

fn project(source_id: &str, participants: &[(&str, &str, i64)]) -> ProjectImport {
    ProjectImport {
        project: Project {
            source: String::from("cordis"),
            source_id: source_id.to_owned(),
            acronym: format!("ACR{source_id}"),
            title: format!("Project {source_id}"),
            programme: String::from("H2020"),
            call_id: Some(String::from("H2020-INNOSUP-2018-01")),
            start_date: Some(String::from("2018-09-01")),
            end_date: Some(String::from("2021-02-28")),
            total_cost_cents: Some(500_000_000),
            ec_max_contribution_cents: Some(499_987_500),
            currency: String::from("EUR"),
        },
        participants: participants
            .iter()
            .map(|(key, role, cents)| ParticipantImport {
                organisation: profile(key, "other", "BE"),
                role: (*role).to_owned(),
                ec_contribution_cents: Some(*cents),
            })
            .collect(),
    }
}

both!(projects_import_idempotent, |storage: Storage| async move {
    // One participant is already in the directory with a richer profile: it must be kept.
    let mut existing = profile("pic:999888777", "cluster", "BE");
    existing.name = String::from("Existing Cluster");
    storage
        .import_organisations(&[existing.clone()])
        .await
        .expect("seed");

    let projects = vec![
        project(
            "101",
            &[
                ("pic:999888777", "coordinator", 10_000_000),
                ("pic:111", "participant", 5_000),
            ],
        ),
        project("102", &[("pic:111", "coordinator", 7_000)]),
    ];
    let summary = storage.import_projects(&projects).await.expect("import");
    assert_eq!(summary.projects_inserted, 2);
    assert_eq!(summary.organisations_added, 1);
    assert_eq!(summary.participations_written, 3);

    let again = storage.import_projects(&projects).await.expect("again");
    assert_eq!(again.projects_unchanged, 2);
    assert_eq!(
        (
            again.projects_inserted,
            again.organisations_added,
            again.participations_written
        ),
        (0, 0, 0)
    );
    assert_eq!(storage.project_count().await.expect("projects"), 2);
    assert_eq!(
        storage.participation_count().await.expect("participations"),
        3
    );

    let kept = storage
        .organisation_by_key("pic:999888777")
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(kept.profile.name, "Existing Cluster");
    let participations = storage
        .participations(kept.id)
        .await
        .expect("participations");
    assert_eq!(participations.len(), 1);
    assert_eq!(participations[0].role, "coordinator");
    assert_eq!(participations[0].project.acronym, "ACR101");
});
