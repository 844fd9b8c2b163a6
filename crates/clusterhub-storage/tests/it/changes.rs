//! The change feed on both backends: every write that changes what a view shows of an
//! organisation gives it a revision above the feed's previous head, and deletions leave a record.

use clusterhub_storage::{
    OrganisationIds, ParticipantImport, Project, ProjectImport, Storage, StorageError,
};

use crate::both;
use crate::organisations::profile;

fn project(source_id: &str, programme: &str, participant_keys: &[&str]) -> ProjectImport {
    ProjectImport {
        project: Project {
            source: String::from("cordis"),
            source_id: source_id.to_owned(),
            acronym: format!("ACR{source_id}"),
            title: format!("Project {source_id}"),
            programme: programme.to_owned(),
            call_id: None,
            start_date: Some(String::from("2020-01-01")),
            end_date: None,
            total_cost_cents: None,
            ec_max_contribution_cents: None,
            currency: String::from("EUR"),
        },
        participants: participant_keys
            .iter()
            .map(|key| ParticipantImport {
                organisation: profile(key, "other", "BE"),
                role: String::from("participant"),
                ec_contribution_cents: Some(1_000),
            })
            .collect(),
    }
}

async fn id_of(storage: &Storage, key: &str) -> i64 {
    storage
        .organisation_by_key(key)
        .await
        .expect("read")
        .unwrap_or_else(|| panic!("{key} is stored"))
        .id
}

/// The changes since `after`, as the feed gives them: (changed ids, deleted ids, new head).
async fn changes_since(storage: &Storage, after: i64) -> (Vec<i64>, Vec<i64>, i64) {
    let head = storage.feed_head().await.expect("head");
    let changed = storage
        .changed_organisation_ids(after, head)
        .await
        .expect("changed");
    let deleted = storage
        .deleted_organisation_ids(after, head)
        .await
        .expect("deleted");
    (changed, deleted, head)
}

both!(
    imports_and_edits_reach_the_feed,
    |storage: Storage| async move {
        assert_eq!(storage.feed_head().await.unwrap(), 0);
        let (changed, deleted, head) = changes_since(&storage, 0).await;
        assert!(changed.is_empty() && deleted.is_empty());
        assert_eq!(head, 0);

        storage
            .import_organisations(&[profile("a", "sme", "DE"), profile("b", "sme", "FR")])
            .await
            .unwrap();
        let (a, b) = (id_of(&storage, "a").await, id_of(&storage, "b").await);
        let (changed, deleted, first_head) = changes_since(&storage, head).await;
        assert_eq!(changed, vec![a, b]);
        assert!(deleted.is_empty());
        assert!(first_head > head);

        // Nothing new: the same window is empty.
        let (changed, _, same_head) = changes_since(&storage, first_head).await;
        assert!(changed.is_empty());
        assert_eq!(same_head, first_head);

        let mut edited = storage.organisation(b).await.unwrap().unwrap().profile;
        edited.name = String::from("Renamed");
        let revision = storage
            .update_organisation(b, &edited)
            .await
            .unwrap()
            .expect("b exists");
        assert!(revision > first_head);
        let stored = storage.organisation(b).await.unwrap().unwrap();
        assert_eq!(stored.profile.name, "Renamed");
        assert_eq!(stored.revision, revision);
        let (changed, _, head) = changes_since(&storage, first_head).await;
        assert_eq!(changed, vec![b]);
        assert_eq!(head, revision);

        // An unknown id changes nothing and says so.
        assert_eq!(
            storage
                .update_organisation(9_999, &profile("z", "sme", "DE"))
                .await
                .unwrap(),
            None
        );
        assert_eq!(storage.feed_head().await.unwrap(), head);
    }
);

both!(
    refused_edits_change_nothing,
    |storage: Storage| async move {
        storage
            .import_organisations(&[profile("a", "sme", "DE"), profile("b", "sme", "FR")])
            .await
            .unwrap();
        let a = id_of(&storage, "a").await;
        let before = storage.organisation(a).await.unwrap().unwrap();
        let head = storage.feed_head().await.unwrap();

        let mut unknown_cluster = before.profile.clone();
        unknown_cluster.name = String::from("Changed");
        unknown_cluster.member_of = vec![String::from("no-such-cluster")];
        let error = storage
            .update_organisation(a, &unknown_cluster)
            .await
            .unwrap_err();
        assert!(
            matches!(&error, StorageError::Conflict(message) if message.contains("no-such-cluster")),
            "{error}"
        );

        let mut taken_key = before.profile.clone();
        taken_key.external_key = String::from("b");
        let error = storage
            .update_organisation(a, &taken_key)
            .await
            .unwrap_err();
        assert!(
            matches!(&error, StorageError::Conflict(message) if message.contains("external key b")),
            "{error}"
        );

        assert_eq!(storage.organisation(a).await.unwrap().unwrap(), before);
        assert_eq!(storage.feed_head().await.unwrap(), head);
    }
);

both!(
    memberships_raise_the_cluster,
    |storage: Storage| async move {
        storage
            .import_organisations(&[profile("cluster", "cluster", "DE")])
            .await
            .unwrap();
        let cluster = id_of(&storage, "cluster").await;
        let head = storage.feed_head().await.unwrap();

        // A later import adds a member: the cluster's member count changes, so it is in the feed.
        let mut member = profile("member", "sme", "DE");
        member.member_of = vec![String::from("cluster")];
        storage.import_organisations(&[member]).await.unwrap();
        let member_id = id_of(&storage, "member").await;
        let (changed, _, head_after_join) = changes_since(&storage, head).await;
        assert_eq!(changed, vec![cluster, member_id]);
        let counts = storage
            .directory_member_counts(OrganisationIds::List(&[cluster, member_id]))
            .await
            .unwrap();
        assert_eq!(counts, vec![(cluster, 1)]);

        // An edit that leaves the cluster takes the cluster along too.
        let mut left = storage
            .organisation(member_id)
            .await
            .unwrap()
            .unwrap()
            .profile;
        left.member_of.clear();
        storage
            .update_organisation(member_id, &left)
            .await
            .unwrap()
            .unwrap();
        let (changed, _, head_after_leave) = changes_since(&storage, head_after_join).await;
        assert_eq!(changed, vec![cluster, member_id]);
        let counts = storage
            .directory_member_counts(OrganisationIds::Range {
                after: 0,
                through: i64::MAX,
            })
            .await
            .unwrap();
        assert!(counts.is_empty(), "{counts:?}");

        // And an import that moves it out again (after it rejoined by edit).
        left.member_of = vec![String::from("cluster")];
        storage
            .update_organisation(member_id, &left)
            .await
            .unwrap()
            .unwrap();
        let head_rejoined = storage.feed_head().await.unwrap();
        assert!(head_rejoined > head_after_leave);
        let mut reimported = left.clone();
        reimported.member_of.clear();
        reimported.name = String::from("Member, re-imported");
        storage.import_organisations(&[reimported]).await.unwrap();
        let (changed, _, _) = changes_since(&storage, head_rejoined).await;
        assert_eq!(changed, vec![cluster, member_id]);
    }
);

both!(deletions_leave_a_record, |storage: Storage| async move {
    storage
        .import_organisations(&[profile("cluster", "cluster", "DE")])
        .await
        .unwrap();
    let mut member = profile("member", "sme", "DE");
    member.member_of = vec![String::from("cluster")];
    storage.import_organisations(&[member]).await.unwrap();
    storage
        .import_projects(&[project("1", "H2020", &["member"])])
        .await
        .unwrap();
    let cluster = id_of(&storage, "cluster").await;
    let member_id = id_of(&storage, "member").await;
    let head = storage.feed_head().await.unwrap();

    assert!(storage.delete_organisation(member_id).await.unwrap());
    assert_eq!(storage.organisation(member_id).await.unwrap(), None);
    let (changed, deleted, new_head) = changes_since(&storage, head).await;
    assert_eq!(deleted, vec![member_id]);
    assert_eq!(changed, vec![cluster], "the cluster lost a member");
    assert_eq!(storage.cluster_member_count(cluster).await.unwrap(), 0);
    assert_eq!(storage.participation_count().await.unwrap(), 0);

    // Deleting it again, or an id that never existed, changes nothing.
    assert!(!storage.delete_organisation(member_id).await.unwrap());
    assert!(!storage.delete_organisation(9_999).await.unwrap());
    assert_eq!(storage.feed_head().await.unwrap(), new_head);

    // A cluster with members can be deleted too; its members stay.
    let mut member = profile("member-2", "sme", "DE");
    member.member_of = vec![String::from("cluster")];
    storage.import_organisations(&[member]).await.unwrap();
    assert!(storage.delete_organisation(cluster).await.unwrap());
    let member_2 = id_of(&storage, "member-2").await;
    assert!(storage.clusters_of(member_2).await.unwrap().is_empty());
    let (_, deleted, _) = changes_since(&storage, new_head).await;
    assert_eq!(deleted, vec![cluster]);
});

both!(
    participations_raise_the_participants,
    |storage: Storage| async move {
        storage
            .import_organisations(&[profile("known", "rto", "BE"), profile("other", "sme", "BE")])
            .await
            .unwrap();
        let known = id_of(&storage, "known").await;
        let other = id_of(&storage, "other").await;
        let head = storage.feed_head().await.unwrap();

        // A project names an organisation the directory holds: its programmes change, so it is in
        // the feed although its row is kept as it was.
        storage
            .import_projects(&[project("1", "H2020", &["known", "new"])])
            .await
            .unwrap();
        let new = id_of(&storage, "new").await;
        let (changed, _, after_import) = changes_since(&storage, head).await;
        assert_eq!(changed, vec![known, new]);
        assert_eq!(
            storage
                .programmes_of(OrganisationIds::List(&[known, other, new]))
                .await
                .unwrap(),
            vec![(known, String::from("H2020")), (new, String::from("H2020"))]
        );

        // The same file again changes nothing.
        storage
            .import_projects(&[project("1", "H2020", &["known", "new"])])
            .await
            .unwrap();
        let (changed, _, after_repeat) = changes_since(&storage, after_import).await;
        assert!(changed.is_empty(), "{changed:?}");

        // The project moves to another programme: every participant's programmes change.
        storage
            .import_projects(&[project("1", "HORIZON", &["known", "new"])])
            .await
            .unwrap();
        let (changed, _, _) = changes_since(&storage, after_repeat).await;
        assert_eq!(changed, vec![known, new]);
        assert_eq!(
            storage
                .programmes_of(OrganisationIds::Range {
                    after: 0,
                    through: known,
                })
                .await
                .unwrap(),
            vec![(known, String::from("HORIZON"))]
        );
    }
);

both!(pages_by_id_list, |storage: Storage| async move {
    let profiles: Vec<_> = (0..1_203)
        .map(|number| profile(&format!("org-{number:04}"), "sme", "DE"))
        .collect();
    storage.import_organisations(&profiles).await.unwrap();
    let all = storage.organisations_page(0, 10_000).await.unwrap();
    let ids: Vec<i64> = all.iter().rev().map(|stored| stored.id).collect();
    let by_ids = storage.organisations_by_ids(&ids).await.unwrap();
    assert_eq!(by_ids, all, "every organisation, in id order");
    assert!(
        storage
            .organisations_by_ids(&[-1, 0])
            .await
            .unwrap()
            .is_empty()
    );
    let descriptions = storage.descriptions_by_ids(&ids).await.unwrap();
    let expected: Vec<_> = all
        .iter()
        .map(|stored| (stored.id, stored.profile.descriptions.clone()))
        .collect();
    assert_eq!(descriptions, expected, "every description, in id order");
    assert!(
        storage
            .descriptions_by_ids(&[-1, 0])
            .await
            .unwrap()
            .is_empty()
    );
});

both!(database_identity_is_stable, |storage: Storage| async move {
    let first = storage.database_id().await.unwrap();
    assert_eq!(first.len(), 32);
    assert!(first.chars().all(|character| character.is_ascii_hexdigit()));
    assert_eq!(storage.database_id().await.unwrap(), first);
});

both!(
    a_rebuild_page_reads_every_value_as_stored,
    |storage: Storage| async move {
        // On SQLite a rebuild reads its pages as one JSON value each; every kind of value must
        // come back as the row-by-row reader returns it: texts needing escapes, every plane of Unicode,
        // coordinates needing 17 digits, empty and absent values, the largest amounts.
        let mut awkward = profile("awkward", "cluster", "FR");
        awkward.name = String::from("Quote \" backslash \\ slash / tab \t line\nend \u{1} ☃ 𝄞 é");
        awkward
            .names
            .insert(String::from("fr"), String::from("L'« Éclat » \\u0000"));
        awkward.descriptions = std::collections::BTreeMap::from([
            (String::from("de"), String::from("Straße\r\n\"zitiert\"")),
            (String::from("en"), String::new()),
        ]);
        awkward.lat = Some(48.123_456_789_012_344);
        awkward.lon = Some(-0.1 - 0.2);
        awkward.founded = Some(-44);
        awkward.turnover_cents = Some(i64::MAX);
        awkward.balance_sheet_cents = Some(i64::MIN + 1);
        awkward.email = Some(String::from("a+b@example.eu"));
        awkward.vat = Some(String::new());
        awkward.offers = vec![String::from("[not json]"), String::from("{}")];
        awkward.requests = Vec::new();
        awkward.escp = Some(String::from("true"));
        awkward.label = Some(String::from("gold"));
        awkward.label_date = Some(String::from("2024-02-29"));
        awkward.members_sme = Some(0);
        let mut bare = profile("bare", "sme", "DE");
        bare.names.clear();
        bare.descriptions.clear();
        bare.website = None;
        bare.pic = None;
        bare.nuts = None;
        bare.city = None;
        bare.lat = None;
        bare.lon = None;
        bare.founded = None;
        bare.staff = None;
        bare.turnover_cents = None;
        bare.turnover_currency = None;
        bare.sectors.clear();
        bare.nace.clear();
        bare.technologies.clear();
        bare.emerging.clear();
        bare.target_international.clear();
        let mut tiny = profile("tiny", "sme", "IS");
        tiny.lat = Some(5e-324);
        tiny.lon = Some(179.999_999_999_999_97);
        storage
            .import_organisations(&[awkward, bare, tiny])
            .await
            .unwrap();
        let rows = storage.organisations_page(0, 10).await.unwrap();
        assert_eq!(rows.len(), 3);
        let page = storage
            .organisations_in_range(i64::MIN, i64::MAX)
            .await
            .unwrap();
        assert_eq!(page, rows, "the page reader and the row reader agree");
        let awkward = &page[0].profile;
        assert_eq!(awkward.lat, Some(48.123_456_789_012_344));
        assert_eq!(awkward.lon, Some(-0.1 - 0.2));
        assert_eq!(awkward.turnover_cents, Some(i64::MAX));
        assert!(awkward.name.contains("𝄞") && awkward.name.contains('\u{1}'));
        assert_eq!(page[1].profile.lat, None);
        assert_eq!(page[2].profile.lat, Some(5e-324));
    }
);

both!(
    page_ends_and_ranges_cover_every_organisation_once,
    |storage: Storage| async move {
        assert_eq!(
            storage.organisation_page_end(i64::MIN, 10).await.unwrap(),
            None
        );
        let profiles: Vec<_> = (0..1_203)
            .map(|number| profile(&format!("org-{number:04}"), "sme", "DE"))
            .collect();
        storage.import_organisations(&profiles).await.unwrap();
        let all = storage.organisations_page(0, 10_000).await.unwrap();
        // Pages of 500 by their ends, as a rebuild walks them: 500, 500, then the last 203.
        let mut after = i64::MIN;
        let mut pages = Vec::new();
        loop {
            let end = storage.organisation_page_end(after, 500).await.unwrap();
            let through = end.unwrap_or(i64::MAX);
            pages.push(
                storage
                    .organisations_in_range(after, through)
                    .await
                    .unwrap(),
            );
            match end {
                Some(end) => after = end,
                None => break,
            }
        }
        let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
        assert_eq!(sizes, [500, 500, 203]);
        assert_eq!(pages.concat(), all, "every organisation once, in id order");
        assert_eq!(pages[1].last().map(|stored| stored.id), Some(all[999].id));
        // The last full page ends at the last id; the range after it is empty.
        let last = all[1_202].id;
        assert_eq!(
            storage
                .organisation_page_end(all[999].id, 203)
                .await
                .unwrap(),
            Some(last)
        );
        assert!(
            storage
                .organisations_in_range(last, i64::MAX)
                .await
                .unwrap()
                .is_empty()
        );
    }
);

#[tokio::test]
async fn databases_have_distinct_identities() {
    let directory = tempfile::tempdir().unwrap();
    let mut ids = Vec::new();
    for name in ["one.db", "two.db"] {
        let storage = Storage::open_sqlite(&directory.path().join(name))
            .await
            .unwrap();
        storage.migrate().await.unwrap();
        ids.push(storage.database_id().await.unwrap());
        storage.close().await;
    }
    assert_ne!(ids[0], ids[1]);
}
