//! The bulk paths of an organisation import: the index rebuild of a first load, and the
//! benchmark's copy reference.

use clusterhub_storage::{CountGrouping, OrganisationImport, Storage};

use crate::both;
use crate::organisations::profile;

fn many(count: usize) -> Vec<OrganisationImport> {
    (0..count)
        .map(|n| {
            let mut row = profile(
                &format!("bulk-{n:05}"),
                "sme",
                if n % 3 == 0 { "FR" } else { "DE" },
            );
            row.pic = Some(format!("{:09}", 900_000_000 + n));
            row
        })
        .collect()
}

both!(
    first_import_leaves_the_indexes_of_the_migration,
    |storage: Storage| async move {
        let migrated = storage.organisation_indexes().await.expect("indexes");
        let names: Vec<&str> = migrated.iter().map(|(name, _)| name.as_str()).collect();
        for expected in [
            "organisations_country",
            "organisations_pic",
            "organisations_revision",
        ] {
            assert!(
                names.contains(&expected),
                "{expected} missing from {names:?}"
            );
        }
        // The first import goes into an empty table: on SQLite it drops these indexes and
        // builds them again before the commit.
        let summary = storage
            .import_organisations(&many(1_234))
            .await
            .expect("first import");
        assert_eq!(summary.inserted, 1_234);
        assert_eq!(
            storage.organisation_indexes().await.expect("indexes"),
            migrated
        );
        // The rebuilt indexes hold every row: lookups through them find what a scan finds.
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
        // A second import into the now full table keeps the indexes as they are.
        let mut changed = many(1_300);
        changed[7].name = String::from("Renamed");
        let summary = storage
            .import_organisations(&changed)
            .await
            .expect("second import");
        assert_eq!(
            (summary.inserted, summary.updated, summary.unchanged),
            (66, 1, 1_233)
        );
        assert_eq!(
            storage.organisation_indexes().await.expect("indexes"),
            migrated
        );
    }
);

both!(
    abandoned_first_import_keeps_the_indexes,
    |storage: Storage| async move {
        let migrated = storage.organisation_indexes().await.expect("indexes");
        let mut import = storage.begin_organisation_import().await.expect("begin");
        import.write_batch(&many(600)).await.expect("write");
        import.rollback().await.expect("rollback");
        assert_eq!(
            storage.organisation_indexes().await.expect("indexes"),
            migrated
        );
        assert_eq!(storage.organisation_count().await.expect("count"), 0);

        // Dropped without a rollback (an error on the way): the same.
        let mut import = storage.begin_organisation_import().await.expect("begin");
        import.write_batch(&many(600)).await.expect("write");
        drop(import);
        assert_eq!(
            storage.organisation_indexes().await.expect("indexes"),
            migrated
        );
        assert_eq!(storage.organisation_count().await.expect("count"), 0);

        // And the next first import still works and still rebuilds them.
        storage
            .import_organisations(&many(10))
            .await
            .expect("import");
        assert_eq!(
            storage.organisation_indexes().await.expect("indexes"),
            migrated
        );
    }
);

#[tokio::test]
async fn copy_reference_copies_every_row_as_stored() {
    let directory = tempfile::tempdir().expect("temp dir");
    let source_path = directory.path().join("source.db");
    let source = Storage::open_sqlite(&source_path).await.expect("open");
    source.migrate().await.expect("migrate");
    source
        .import_organisations(&many(700))
        .await
        .expect("import");
    source.close().await;

    let copy = Storage::open_sqlite(&directory.path().join("copy.db"))
        .await
        .expect("open");
    copy.migrate().await.expect("migrate");
    let migrated = copy.organisation_indexes().await.expect("indexes");
    copy.copy_organisations_reference(&source_path)
        .await
        .expect("copy");
    assert_eq!(
        copy.organisation_indexes().await.expect("indexes"),
        migrated
    );
    let source = Storage::open_sqlite(&source_path).await.expect("reopen");
    let copied = copy.organisations_page(0, 1_000).await.expect("page");
    assert_eq!(
        copied,
        source.organisations_page(0, 1_000).await.expect("page")
    );
    assert_eq!(copied.len(), 700);
    // The source is detached again: a second copy into a fresh database works too.
    let again = Storage::open_sqlite(&directory.path().join("again.db"))
        .await
        .expect("open");
    again.migrate().await.expect("migrate");
    again
        .copy_organisations_reference(&source_path)
        .await
        .expect("copy again");
    assert_eq!(again.organisation_count().await.expect("count"), 700);
}
