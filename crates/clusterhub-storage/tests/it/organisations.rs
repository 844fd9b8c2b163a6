//! Organisation import, reads and counts on both backends.

use std::collections::BTreeMap;

use clusterhub_storage::{CountGrouping, OrganisationImport, Storage};

use crate::both;

pub fn profile(key: &str, kind: &str, country: &str) -> OrganisationImport {
    let mut names = BTreeMap::new();
    names.insert(String::from("en"), format!("Organisation {key}"));
    OrganisationImport {
        external_key: key.to_owned(),
        kind: kind.to_owned(),
        name: format!("Organisation {key}"),
        names,
        descriptions: BTreeMap::from([(String::from("en"), String::from("Makes things."))]),
        website: Some(format!("https://{key}.example.eu/")),
        email: None,
        pic: Some(String::from("999999999")),
        vat: None,
        country: country.to_owned(),
        nuts: Some(String::from("DE212")),
        city: Some(String::from("München")),
        lat: Some(48.137),
        lon: Some(11.575),
        founded: Some(2001),
        staff: Some(12),
        turnover_cents: Some(150_000_000),
        turnover_currency: Some(String::from("EUR")),
        balance_sheet_cents: None,
        balance_sheet_currency: None,
        sme_status: String::from("small"),
        sectors: vec![String::from("7")],
        nace: vec![String::from("62.01"), String::from("72.19")],
        technologies: vec![String::from("artificial_intelligence")],
        s3_areas: Vec::new(),
        emerging: vec![String::from("digital_industries")],
        target_international: vec![String::from("JP")],
        target_transnational: vec![String::from("FR"), String::from("AT")],
        escp: None,
        label: None,
        label_date: None,
        offers: vec![String::from(
            "Machine-vision inspection for production lines.",
        )],
        requests: vec![String::from("Partners with robot cells to test on.")],
        members_sme: None,
        members_large: None,
        members_research: None,
        members_other: None,
        member_of: Vec::new(),
    }
}

fn cluster_with_members() -> Vec<OrganisationImport> {
    let mut cluster = profile("cluster-1", "cluster", "DE");
    cluster.members_sme = Some(120);
    cluster.members_research = Some(8);
    cluster.label = Some(String::from("gold"));
    cluster.label_date = Some(String::from("2025-03-01"));
    let mut member = profile("sme-1", "sme", "DE");
    member.member_of = vec![String::from("cluster-1")];
    // The member comes before its cluster on purpose: memberships resolve after all rows.
    vec![member, cluster, profile("sme-2", "sme", "AT")]
}

async fn count(storage: &Storage) -> i64 {
    storage.organisation_count().await.expect("count")
}

both!(migrate_twice_and_ping, |storage: Storage| async move {
    storage.migrate().await.expect("second migrate is a no-op");
    storage.ping().await.expect("ping");
    assert_eq!(count(&storage).await, 0);
});

both!(import_round_trip, |storage: Storage| async move {
    let profiles = cluster_with_members();
    let summary = storage
        .import_organisations(&profiles)
        .await
        .expect("import");
    assert_eq!(summary.inserted, 3);
    assert_eq!(summary.memberships_added, 1);
    assert_eq!(count(&storage).await, 3);

    let member = storage
        .organisation_by_key("sme-1")
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(member.profile, profiles[0]);
    let cluster = storage
        .organisation_by_key("cluster-1")
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(cluster.profile.members_sme, Some(120));
    let members = storage.cluster_members(cluster.id).await.expect("members");
    assert_eq!(
        members,
        vec![(member.id, member.profile.name.clone(), String::from("sme"))]
    );
    assert!(
        storage
            .organisation(i64::MAX)
            .await
            .expect("read")
            .is_none()
    );
});

both!(
    import_twice_changes_nothing,
    |storage: Storage| async move {
        let profiles = cluster_with_members();
        storage
            .import_organisations(&profiles)
            .await
            .expect("first import");
        let before = storage.organisations_page(0, 100).await.expect("page");
        let revision = storage.latest_revision().await.expect("revision");

        let summary = storage
            .import_organisations(&profiles)
            .await
            .expect("second import");
        assert_eq!(
            (summary.inserted, summary.updated, summary.unchanged),
            (0, 0, 3)
        );
        assert_eq!(summary.memberships_added, 0);
        assert_eq!(
            storage.organisations_page(0, 100).await.expect("page"),
            before
        );
        assert_eq!(storage.latest_revision().await.expect("revision"), revision);
        assert_eq!(storage.membership_count().await.expect("memberships"), 1);
    }
);

both!(changed_row_is_updated, |storage: Storage| async move {
    let mut profiles = cluster_with_members();
    storage
        .import_organisations(&profiles)
        .await
        .expect("first import");
    profiles[2].staff = Some(40);
    profiles[0].member_of.clear();
    let summary = storage
        .import_organisations(&profiles)
        .await
        .expect("second import");
    assert_eq!(
        (summary.inserted, summary.updated, summary.unchanged),
        (0, 2, 1)
    );
    let changed = storage
        .organisation_by_key("sme-2")
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(changed.profile.staff, Some(40));
    assert!(changed.revision > 1);
    assert_eq!(storage.membership_count().await.expect("memberships"), 0);
});

both!(
    unknown_cluster_rolls_everything_back,
    |storage: Storage| async move {
        storage
            .import_organisations(&cluster_with_members())
            .await
            .expect("first import");
        let mut orphan = profile("sme-3", "sme", "FR");
        orphan.member_of = vec![String::from("no-such-cluster")];
        let batch = vec![profile("sme-4", "sme", "IT"), orphan];
        let error = storage
            .import_organisations(&batch)
            .await
            .expect_err("must fail");
        assert!(error.to_string().contains("no-such-cluster"), "{error}");
        assert_eq!(count(&storage).await, 3);
        assert!(
            storage
                .organisation_by_key("sme-4")
                .await
                .expect("read")
                .is_none()
        );
    }
);

both!(
    explicit_rollback_leaves_database_as_before,
    |storage: Storage| async move {
        let mut import = storage.begin_organisation_import().await.expect("begin");
        import
            .write_batch(&cluster_with_members())
            .await
            .expect("write");
        assert_eq!(import.summary().inserted, 3);
        import.rollback().await.expect("rollback");
        assert_eq!(count(&storage).await, 0);
        // Ids reserved by the abandoned import are given out again: the sequence rolled back too.
        storage
            .import_organisations(&cluster_with_members())
            .await
            .expect("import");
        let first = storage.organisations_page(0, 1).await.expect("page");
        assert_eq!(first[0].id, 1);
    }
);

both!(many_rows_across_statements, |storage: Storage| async move {
    let profiles: Vec<OrganisationImport> = (0..1_234)
        .map(|n| {
            profile(
                &format!("bulk-{n:05}"),
                "sme",
                if n % 3 == 0 { "FR" } else { "DE" },
            )
        })
        .collect();
    let summary = storage
        .import_organisations(&profiles)
        .await
        .expect("import");
    assert_eq!(summary.inserted, 1_234);
    let mut seen = 0;
    let mut after = 0;
    loop {
        let page = storage.organisations_page(after, 500).await.expect("page");
        let Some(last) = page.last() else { break };
        after = last.id;
        seen += page.len();
    }
    assert_eq!(seen, 1_234);
    let by_country = storage
        .organisation_counts_by(CountGrouping::Country)
        .await
        .expect("counts");
    let pairs: Vec<(String, i64)> = by_country
        .into_iter()
        .map(|row| (row.key, row.count))
        .collect();
    assert_eq!(
        pairs,
        vec![(String::from("DE"), 822), (String::from("FR"), 412)]
    );
});

#[tokio::test]
async fn sqlite_data_survives_reopen() {
    let directory = tempfile::tempdir().expect("temp dir");
    let path = directory.path().join("clusterhub.db");
    let storage = Storage::open_sqlite(&path).await.expect("open");
    storage.migrate().await.expect("migrate");
    storage
        .import_organisations(&cluster_with_members())
        .await
        .expect("import");
    storage.close().await;
    let reopened = Storage::open_sqlite(&path).await.expect("reopen");
    reopened.migrate().await.expect("migrate again");
    assert_eq!(count(&reopened).await, 3);
    reopened.close().await;
}

both!(
    later_batch_updates_a_key_of_an_earlier_batch,
    |storage: Storage| async move {
        // The first import into an empty table skips the lookup of existing keys; a key it wrote
        // itself must still be found and updated, not inserted twice.
        let mut import = storage.begin_organisation_import().await.expect("begin");
        import
            .write_batch(&[profile("a", "sme", "DE"), profile("b", "sme", "DE")])
            .await
            .expect("first batch");
        let mut changed = profile("b", "sme", "DE");
        changed.staff = Some(99);
        import
            .write_batch(&[changed, profile("c", "sme", "AT")])
            .await
            .expect("second batch");
        let summary = import.commit().await.expect("commit");
        assert_eq!((summary.inserted, summary.updated), (3, 1));
        assert_eq!(count(&storage).await, 3);
        let b = storage
            .organisation_by_key("b")
            .await
            .expect("read")
            .expect("exists");
        assert_eq!(b.profile.staff, Some(99));
    }
);

both!(
    members_first_count_and_clusters_of,
    |storage: Storage| async move {
        let mut second_cluster = profile("cluster-2", "cluster", "FR");
        second_cluster.name = String::from("Aardvark cluster");
        let mut members = Vec::new();
        for index in 0..3 {
            let mut member = profile(&format!("member-{index}"), "sme", "DE");
            member.member_of = vec![String::from("cluster-1")];
            members.push(member);
        }
        members[0].member_of.push(String::from("cluster-2"));
        members.push(profile("cluster-1", "cluster", "DE"));
        members.push(second_cluster);
        storage
            .import_organisations(&members)
            .await
            .expect("import");
        let cluster = storage
            .organisation_by_key("cluster-1")
            .await
            .expect("read")
            .expect("exists");
        let first_two = storage
            .cluster_members_first(cluster.id, 2)
            .await
            .expect("members");
        let names: Vec<&str> = first_two.iter().map(|(_, name, _)| name.as_str()).collect();
        assert_eq!(names, ["Organisation member-0", "Organisation member-1"]);
        assert!(first_two.iter().all(|(_, _, kind)| kind == "sme"));
        assert_eq!(
            storage
                .cluster_member_count(cluster.id)
                .await
                .expect("count"),
            3
        );
        assert_eq!(
            storage.cluster_member_count(i64::MAX).await.expect("count"),
            0
        );

        let member = storage
            .organisation_by_key("member-0")
            .await
            .expect("read")
            .expect("exists");
        let clusters = storage.clusters_of(member.id).await.expect("clusters");
        let names: Vec<&str> = clusters.iter().map(|(_, name)| name.as_str()).collect();
        assert_eq!(names, ["Aardvark cluster", "Organisation cluster-1"]);
        assert_eq!(clusters[1].0, cluster.id);
        assert!(
            storage
                .clusters_of(cluster.id)
                .await
                .expect("clusters")
                .is_empty()
        );
    }
);
