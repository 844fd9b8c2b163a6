//! Catching up with the change feed, by hand and by the follower, on both backends.

use std::time::{Duration, Instant};

use clusterhub_directory::Directory;
use clusterhub_search::FacetGroup;
use clusterhub_storage::Storage;

use crate::both;
use crate::support::{facet, find, id_of, profile, project};

both!(
    catch_up_applies_every_kind_of_change,
    |storage: Storage| async move {
        let cluster = profile("cluster", "cluster", "Hydrogen Valley");
        let mut alpha = profile("alpha", "sme", "Alpha Robotics");
        alpha.member_of = vec![String::from("cluster")];
        storage
            .import_organisations(&[cluster, alpha, profile("beta", "sme", "Beta Optics")])
            .await
            .unwrap();
        let (cluster_id, alpha_id, beta_id) = (
            id_of(&storage, "cluster").await,
            id_of(&storage, "alpha").await,
            id_of(&storage, "beta").await,
        );
        let directory = Directory::in_memory(storage.clone()).await.unwrap();
        let index = directory.index();
        assert_eq!(find(&index, "hydrogen"), [cluster_id]);
        assert_eq!(find(&index, "alpha"), [alpha_id]);
        assert_eq!(
            facet(&index, FacetGroup::Members).get("1_24"),
            Some(&1),
            "the cluster has one member in the directory"
        );
        assert_eq!(directory.cursor().await, storage.feed_head().await.unwrap());

        // An edit: not visible until the catch-up, then visible under the new name only.
        let mut beta = storage
            .organisation(beta_id)
            .await
            .unwrap()
            .unwrap()
            .profile;
        beta.name = String::from("Gamma Optics");
        beta.names.insert(String::from("en"), beta.name.clone());
        storage.update_organisation(beta_id, &beta).await.unwrap();
        assert!(find(&index, "gamma").is_empty());
        let catch_up = directory.catch_up().await.unwrap();
        assert_eq!((catch_up.changed, catch_up.deleted), (1, 0));
        assert_eq!(find(&index, "gamma"), [beta_id]);
        assert!(find(&index, "beta").is_empty());
        assert_eq!(
            index.revision(beta_id).unwrap(),
            Some(
                storage
                    .organisation(beta_id)
                    .await
                    .unwrap()
                    .unwrap()
                    .revision
            )
        );

        // An insert and a CORDIS import that gives an existing organisation a programme.
        storage
            .import_organisations(&[profile("delta", "sme", "Delta Lasers")])
            .await
            .unwrap();
        storage
            .import_projects(&[project("1", "H2020", &["delta"])])
            .await
            .unwrap();
        let delta_id = id_of(&storage, "delta").await;
        directory.catch_up().await.unwrap();
        assert_eq!(find(&index, "lasers"), [delta_id]);
        assert_eq!(facet(&index, FacetGroup::Programme).get("H2020"), Some(&1));

        // A deletion, which also leaves the cluster without members.
        assert!(storage.delete_organisation(alpha_id).await.unwrap());
        let catch_up = directory.catch_up().await.unwrap();
        assert_eq!((catch_up.changed, catch_up.deleted), (1, 1));
        assert!(find(&index, "alpha").is_empty());
        assert_eq!(facet(&index, FacetGroup::Members).get("1_24"), None);
        assert_eq!(index.num_documents(), 3);

        // Nothing new: nothing applied.
        let catch_up = directory.catch_up().await.unwrap();
        assert_eq!(catch_up.from, catch_up.to);
        assert_eq!((catch_up.changed, catch_up.deleted), (0, 0));
    }
);

/// Polls until `found` holds, failing after a generous bound; returns how long it took.
async fn wait_until(what: &str, mut found: impl FnMut() -> bool) -> Duration {
    let started = Instant::now();
    while !found() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{what}: not visible in search after 10 s"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    started.elapsed()
}

both!(
    follower_picks_up_edits_inserts_and_deletes,
    |storage: Storage| async move {
        storage
            .import_organisations(&[profile("a", "sme", "Alpha Robotics")])
            .await
            .unwrap();
        let alpha_id = id_of(&storage, "a").await;
        let directory = Directory::in_memory(storage.clone()).await.unwrap();
        let index = directory.index();
        let follower = directory.follow(Duration::from_millis(200));

        let mut alpha = storage
            .organisation(alpha_id)
            .await
            .unwrap()
            .unwrap()
            .profile;
        alpha.name = String::from("Omega Robotics");
        alpha.names.insert(String::from("en"), alpha.name.clone());
        storage.update_organisation(alpha_id, &alpha).await.unwrap();
        let edit = wait_until("an edit", || find(&index, "omega") == [alpha_id]).await;

        storage
            .import_organisations(&[profile("b", "sme", "Beta Optics")])
            .await
            .unwrap();
        let beta_id = id_of(&storage, "b").await;
        let insert = wait_until("an insert", || find(&index, "beta") == [beta_id]).await;

        storage.delete_organisation(alpha_id).await.unwrap();
        let delete = wait_until("a deletion", || find(&index, "omega").is_empty()).await;
        follower.stop().await;
        eprintln!(
            "{}: write to search with a 200 ms poll: edit {:?}, insert {:?}, delete {:?}",
            storage.backend().name(),
            edit,
            insert,
            delete
        );
    }
);
