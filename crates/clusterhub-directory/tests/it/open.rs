//! Opening an index from a directory: catch up when it can, rebuild when it must.

use std::path::Path;

use clusterhub_directory::{Directory, DirectoryError, Opened, rebuild};
use clusterhub_search::SearchIndex;
use clusterhub_storage::Storage;

use crate::both;
use crate::support::{find, id_of, profile};

async fn open(storage: &Storage, path: &Path) -> (Directory, Opened) {
    Directory::open(storage.clone(), path).await.expect("open")
}

fn rebuilt_because(opened: &Opened) -> &str {
    match opened {
        Opened::Rebuilt { reason, .. } => reason,
        Opened::CaughtUp(catch_up) => panic!("caught up instead of rebuilding: {catch_up:?}"),
    }
}

async fn sqlite(directory: &Path, name: &str) -> Storage {
    let storage = Storage::open_sqlite(&directory.join(name)).await.unwrap();
    storage.migrate().await.unwrap();
    storage
}

both!(
    reopening_catches_up_instead_of_rebuilding,
    |storage: Storage| async move {
        let scratch = tempfile::tempdir().unwrap();
        let path = scratch.path().join("search-index");
        storage
            .import_organisations(&[
                profile("a", "sme", "Alpha Robotics"),
                profile("b", "sme", "Beta"),
            ])
            .await
            .unwrap();
        let alpha_id = id_of(&storage, "a").await;

        let (directory, opened) = open(&storage, &path).await;
        assert!(rebuilt_because(&opened).contains("no index"), "{opened}");
        let Opened::Rebuilt { report, .. } = &opened else {
            unreachable!()
        };
        assert_eq!(report.organisations, 2);
        assert_eq!(find(&directory.index(), "alpha"), [alpha_id]);
        drop(directory);

        // Written while no server ran: the next start applies it and nothing else.
        let mut alpha = storage
            .organisation(alpha_id)
            .await
            .unwrap()
            .unwrap()
            .profile;
        alpha.name = String::from("Omega Robotics");
        alpha.names.insert(String::from("en"), alpha.name.clone());
        storage.update_organisation(alpha_id, &alpha).await.unwrap();
        let (directory, opened) = open(&storage, &path).await;
        let Opened::CaughtUp(catch_up) = opened else {
            panic!("rebuilt instead of catching up: {opened}");
        };
        assert_eq!((catch_up.changed, catch_up.deleted), (1, 0));
        assert_eq!(find(&directory.index(), "omega"), [alpha_id]);
        assert_eq!(directory.index().num_documents(), 2);
        drop(directory);

        // Nothing written: nothing applied.
        let (_directory, opened) = open(&storage, &path).await;
        assert_eq!(
            opened,
            Opened::CaughtUp(clusterhub_directory::CatchUp {
                from: catch_up.to,
                to: catch_up.to,
                changed: 0,
                deleted: 0
            })
        );
    }
);

#[tokio::test]
async fn an_index_of_another_database_is_rebuilt() {
    let scratch = tempfile::tempdir().unwrap();
    let path = scratch.path().join("search-index");
    let first = sqlite(scratch.path(), "first.db").await;
    first
        .import_organisations(&[profile("a", "sme", "Alpha Robotics")])
        .await
        .unwrap();
    drop(open(&first, &path).await);

    let second = sqlite(scratch.path(), "second.db").await;
    second
        .import_organisations(&[profile("b", "sme", "Beta Optics")])
        .await
        .unwrap();
    let (directory, opened) = open(&second, &path).await;
    assert!(
        rebuilt_because(&opened).contains("another database"),
        "{opened}"
    );
    assert!(find(&directory.index(), "alpha").is_empty());
    assert_eq!(find(&directory.index(), "beta").len(), 1);
}

#[tokio::test]
async fn an_unreadable_or_unfinished_index_is_rebuilt() {
    let scratch = tempfile::tempdir().unwrap();
    let path = scratch.path().join("search-index");
    let storage = sqlite(scratch.path(), "clusterhub.db").await;
    storage
        .import_organisations(&[profile("a", "sme", "Alpha Robotics")])
        .await
        .unwrap();

    // An index without a cursor, as a build killed half-way leaves it.
    drop(SearchIndex::create_in_dir(&path).unwrap());
    let (directory, opened) = open(&storage, &path).await;
    assert!(rebuilt_because(&opened).contains("no cursor"), "{opened}");
    assert_eq!(find(&directory.index(), "alpha").len(), 1);
    drop(directory);

    std::fs::write(path.join("meta.json"), b"{ not json").unwrap();
    let (directory, opened) = open(&storage, &path).await;
    assert!(
        rebuilt_because(&opened).contains("cannot be read"),
        "{opened}"
    );
    assert_eq!(find(&directory.index(), "alpha").len(), 1);
}

#[tokio::test]
async fn other_files_and_a_busy_index_are_left_alone() {
    let scratch = tempfile::tempdir().unwrap();
    let storage = sqlite(scratch.path(), "clusterhub.db").await;

    let foreign = scratch.path().join("photos");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("holiday.jpg"), b"...").unwrap();
    let error = Directory::open(storage.clone(), &foreign)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, DirectoryError::IndexDirectory { reason, .. } if reason.contains("not a search index")),
        "{error}"
    );
    assert!(foreign.join("holiday.jpg").exists());

    // One writer per index: a second server on the same data directory, or a reindex while a
    // server runs, is refused and changes nothing.
    let path = scratch.path().join("search-index");
    let (_running, _) = open(&storage, &path).await;
    let error = Directory::open(storage.clone(), &path).await.unwrap_err();
    assert!(error.to_string().contains("in use"), "{error}");
    let error = rebuild(&storage, &path).await.unwrap_err();
    assert!(error.to_string().contains("in use"), "{error}");
}

#[tokio::test]
async fn rebuild_replaces_the_index_and_leaves_a_cursor() {
    let scratch = tempfile::tempdir().unwrap();
    let path = scratch.path().join("search-index");
    let storage = sqlite(scratch.path(), "clusterhub.db").await;
    let profiles: Vec<_> = (0..2_345)
        .map(|number| {
            profile(
                &format!("org-{number}"),
                "sme",
                &format!("Company {number}"),
            )
        })
        .collect();
    storage.import_organisations(&profiles).await.unwrap();
    drop(open(&storage, &path).await);

    let report = rebuild(&storage, &path).await.unwrap();
    assert_eq!(report.organisations, 2_345);
    assert_eq!(report.cursor, storage.feed_head().await.unwrap());
    let (directory, opened) = open(&storage, &path).await;
    assert!(matches!(opened, Opened::CaughtUp(_)), "{opened}");
    assert_eq!(directory.index().num_documents(), 2_345);
}
