//! Organisation administration on both backends: a hand edit with its revision and audit
//! entry, roles removed but never the last admin, invitations (token, mail and acceptance in
//! one transaction each), claims and their decision, and a cluster's member list.

use clusterhub_storage::{
    AuditContext, ClaimRequest, InvitationAcceptance, MembershipChange, NewInvitation, NewUser,
    OutgoingEmail, Storage,
};

use crate::both;
use crate::organisations::profile;

fn context(actor: Option<i64>) -> AuditContext {
    AuditContext {
        actor_user_id: actor,
        address: String::from("192.0.2.9"),
    }
}

async fn person(storage: &Storage, email: &str) -> i64 {
    storage
        .register_user(
            &NewUser {
                email: email.to_owned(),
                display_name: format!("Person {email}"),
                password_hash: String::from("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"),
                language: String::from("de"),
            },
            &[],
            None,
            &context(None),
        )
        .await
        .expect("register")
}

async fn organisations(storage: &Storage) -> (i64, i64, i64) {
    storage
        .import_organisations(&[
            profile("cluster-1", "cluster", "DE"),
            profile("sme-1", "sme", "DE"),
            profile("sme-2", "sme", "FR"),
        ])
        .await
        .expect("import");
    let id = |key: &'static str| async move {
        storage
            .organisation_by_key(key)
            .await
            .expect("read")
            .expect("stored")
            .id
    };
    (id("cluster-1").await, id("sme-1").await, id("sme-2").await)
}

fn mail(to: &str) -> OutgoingEmail {
    OutgoingEmail {
        recipient: to.to_owned(),
        subject: String::from("Invitation"),
        body_text: String::from("Open https://example.eu/invitations/accept?token=…"),
    }
}

/// The actions of the newest 50 audit entries (by `actor`, when given), newest first.
async fn actions(storage: &Storage, actor: Option<i64>) -> Vec<String> {
    storage
        .audit_entries(actor, None, 50)
        .await
        .unwrap()
        .into_iter()
        .map(|entry| entry.action)
        .collect()
}

/// `user`, signed in with `email`, accepts the invitation `digest-1` at `now_unix`.
async fn accept(storage: &Storage, user: i64, email: &str, now_unix: i64) -> InvitationAcceptance {
    storage
        .accept_invitation("digest-1", user, email, now_unix, &context(Some(user)))
        .await
        .unwrap()
}

both!(
    a_hand_edit_writes_row_revision_and_audit_together,
    |storage: Storage| async move {
        let (cluster, sme, _) = organisations(&storage).await;
        assert_eq!(
            storage
                .add_cluster_member(cluster, sme, &context(None))
                .await
                .unwrap(),
            MembershipChange::Done(storage.feed_head().await.unwrap())
        );
        let head = storage.feed_head().await.unwrap();
        let mut edited = storage.organisation(sme).await.unwrap().unwrap().profile;
        edited.name = String::from("Renamed GmbH");
        edited.email = Some(String::from("jane.doe@example.eu"));
        edited.external_key = String::from("ignored");
        edited.member_of = Vec::new();
        let revision = storage
            .edit_organisation(sme, &edited, &context(Some(7)))
            .await
            .unwrap()
            .expect("the organisation exists");
        assert!(revision > head);
        let stored = storage.organisation(sme).await.unwrap().unwrap();
        assert_eq!(stored.profile.name, "Renamed GmbH");
        assert_eq!(stored.revision, revision);
        // The external key and the memberships stay as they were.
        assert_eq!(stored.profile.external_key, "sme-1");
        assert_eq!(stored.profile.member_of, vec![String::from("cluster-1")]);
        // The cluster's document changes too (its members by type).
        let changed = storage
            .changed_organisation_ids(head, revision)
            .await
            .unwrap();
        assert_eq!(changed, {
            let mut ids = vec![cluster, sme];
            ids.sort_unstable();
            ids
        });
        let entry = storage
            .audit_entries(Some(7), None, 10)
            .await
            .unwrap()
            .into_iter()
            .find(|entry| entry.action == "organisation.edit")
            .expect("an audit entry");
        assert_eq!(entry.record_id, sme.to_string());
        let after = entry.after.expect("after").to_string();
        assert!(after.contains("Renamed GmbH"), "{after}");
        assert!(!after.contains("jane.doe"), "no personal data: {after}");
        assert!(
            entry
                .before
                .expect("before")
                .to_string()
                .contains("Organisation sme-1")
        );
        assert_eq!(
            storage
                .edit_organisation(999_999, &edited, &context(Some(7)))
                .await
                .unwrap(),
            None
        );
    }
);

both!(
    the_last_admin_keeps_the_role,
    |storage: Storage| async move {
        let (_, sme, _) = organisations(&storage).await;
        let anna = person(&storage, "anna@example.eu").await;
        let ben = person(&storage, "ben@example.eu").await;
        assert!(!storage.organisation_has_admin(sme).await.unwrap());
        storage
            .grant_organisation_role(anna, sme, "admin", &context(None))
            .await
            .unwrap();
        storage
            .grant_organisation_role(ben, sme, "member", &context(None))
            .await
            .unwrap();
        assert!(storage.organisation_has_admin(sme).await.unwrap());
        assert!(
            !storage
                .remove_organisation_role(anna, sme, "admin", &context(Some(anna)))
                .await
                .unwrap(),
            "the last admin stays"
        );
        assert!(
            !storage
                .remove_organisation_role(ben, sme, "admin", &context(Some(anna)))
                .await
                .unwrap(),
            "a role not held is not removed"
        );
        assert!(
            storage
                .remove_organisation_role(ben, sme, "member", &context(Some(anna)))
                .await
                .unwrap()
        );
        let people = storage.organisation_people(sme).await.unwrap();
        assert_eq!(people.len(), 1);
        assert_eq!(people[0].3, "admin");
    }
);

both!(
    an_invitation_is_used_once_by_its_address,
    |storage: Storage| async move {
        let (_, sme, other) = organisations(&storage).await;
        let anna = person(&storage, "anna@example.eu").await;
        let carl = person(&storage, "carl@example.eu").await;
        let mallory = person(&storage, "mallory@example.eu").await;
        let pending_mail = storage.pending_email_count().await.unwrap();
        let invitation = NewInvitation {
            token_digest: String::from("digest-1"),
            inviter_user_id: anna,
            organisation_id: sme,
            email: String::from("carl@example.eu"),
            role: String::from("admin"),
            expires_unix: 5_000,
        };
        storage
            .invite_to_organisation(&invitation, &mail("carl@example.eu"), &context(Some(anna)))
            .await
            .unwrap();
        // A second invitation by the same person does not replace the first.
        storage
            .invite_to_organisation(
                &NewInvitation {
                    token_digest: String::from("digest-2"),
                    organisation_id: other,
                    ..invitation.clone()
                },
                &mail("carl@example.eu"),
                &context(Some(anna)),
            )
            .await
            .unwrap();
        assert_eq!(
            storage.pending_email_count().await.unwrap(),
            pending_mail + 2
        );
        let pending = storage.pending_invitations(sme, 1_000).await.unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].email, "carl@example.eu");
        assert_eq!(pending[0].role, "admin");
        assert!(
            storage
                .pending_invitations(sme, 5_000)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            storage
                .invitation("digest-1", 1_000)
                .await
                .unwrap()
                .is_some()
        );

        // Another account cannot use it, and its attempt leaves it usable.
        assert_eq!(
            accept(&storage, mallory, "mallory@example.eu", 1_000).await,
            InvitationAcceptance::OtherAddress
        );
        assert!(
            storage
                .roles_of(mallory)
                .await
                .unwrap()
                .organisations
                .is_empty()
        );
        // After expiry it does nothing.
        assert_eq!(
            accept(&storage, carl, "carl@example.eu", 5_000).await,
            InvitationAcceptance::Unusable
        );
        assert_eq!(
            accept(&storage, carl, "Carl@Example.eu", 1_000).await,
            InvitationAcceptance::Accepted {
                organisation_id: sme,
                role: String::from("admin")
            }
        );
        assert_eq!(
            storage.roles_of(carl).await.unwrap().organisations,
            vec![(sme, String::from("admin"))]
        );
        // Once.
        assert_eq!(
            accept(&storage, carl, "carl@example.eu", 1_000).await,
            InvitationAcceptance::Unusable
        );
        assert!(
            storage
                .pending_invitations(sme, 1_000)
                .await
                .unwrap()
                .is_empty()
        );
        let actions = actions(&storage, None).await;
        assert!(actions.contains(&String::from("invitation.create")));
        assert!(actions.contains(&String::from("invitation.accept")));
        let logged =
            serde_json::to_string(&storage.audit_entries(None, None, 50).await.unwrap()).unwrap();
        assert!(!logged.contains("carl@example.eu"), "no address in the log");
    }
);

both!(
    a_claim_is_decided_once_with_role_mail_and_audit,
    |storage: Storage| async move {
        let (cluster, sme, other) = organisations(&storage).await;
        let dana = person(&storage, "dana@example.eu").await;
        let erik = person(&storage, "erik@example.eu").await;
        let admin = person(&storage, "admin@example.eu").await;
        assert!(matches!(
            storage
                .request_claim(dana, cluster, "I run this cluster.", &context(Some(dana)))
                .await
                .unwrap(),
            ClaimRequest::Created(_)
        ));
        assert_eq!(
            storage
                .request_claim(dana, cluster, "Again", &context(Some(dana)))
                .await
                .unwrap(),
            ClaimRequest::AlreadyPending
        );
        let ClaimRequest::Created(rejected_id) = storage
            .request_claim(erik, sme, "Me too", &context(Some(erik)))
            .await
            .unwrap()
        else {
            panic!("a claim");
        };
        assert_eq!(
            storage
                .request_claim(erik, 999_999, "Nothing", &context(Some(erik)))
                .await
                .unwrap(),
            ClaimRequest::NoSuchOrganisation
        );
        let pending = storage.pending_claims().await.unwrap();
        assert_eq!(pending.len(), 2);
        assert_eq!(pending[0].organisation_id, cluster);
        assert_eq!(pending[0].email, "dana@example.eu");
        assert_eq!(pending[0].message, "I run this cluster.");
        let mails_before = storage.pending_email_count().await.unwrap();
        let decided = storage
            .decide_claim(
                pending[0].id,
                true,
                |claim, role| {
                    assert_eq!(role, Some("cluster_manager"));
                    mail(&claim.email)
                },
                &context(Some(admin)),
            )
            .await
            .unwrap()
            .expect("decided");
        assert_eq!(decided.user_id, dana);
        assert_eq!(
            storage.roles_of(dana).await.unwrap().organisations,
            vec![(cluster, String::from("cluster_manager"))]
        );
        // Decided once only.
        assert!(
            storage
                .decide_claim(
                    pending[0].id,
                    false,
                    |claim, _| mail(&claim.email),
                    &context(Some(admin))
                )
                .await
                .unwrap()
                .is_none()
        );
        storage
            .decide_claim(
                rejected_id,
                false,
                |claim, role| {
                    assert_eq!(role, None);
                    mail(&claim.email)
                },
                &context(Some(admin)),
            )
            .await
            .unwrap()
            .expect("decided");
        assert!(
            storage
                .roles_of(erik)
                .await
                .unwrap()
                .organisations
                .is_empty()
        );
        assert_eq!(
            storage.pending_email_count().await.unwrap(),
            mails_before + 2
        );
        assert!(storage.pending_claims().await.unwrap().is_empty());
        assert_eq!(storage.claims_of(erik).await.unwrap()[0].status, "rejected");
        // An organisation with an admin takes no claims.
        assert_eq!(
            storage
                .request_claim(erik, cluster, "Mine", &context(Some(erik)))
                .await
                .unwrap(),
            ClaimRequest::HasAdmin
        );
        let actions = actions(&storage, Some(admin)).await;
        assert!(
            actions.contains(&String::from("claim.approve")),
            "{actions:?}"
        );
        assert!(
            actions.contains(&String::from("claim.reject")),
            "{actions:?}"
        );
        let _ = other;
    }
);

both!(
    a_cluster_member_list_changes_with_revisions,
    |storage: Storage| async move {
        let (cluster, sme, other) = organisations(&storage).await;
        let head = storage.feed_head().await.unwrap();
        let MembershipChange::Done(revision) = storage
            .add_cluster_member(cluster, sme, &context(Some(1)))
            .await
            .unwrap()
        else {
            panic!("added");
        };
        assert!(revision > head);
        assert_eq!(
            storage
                .changed_organisation_ids(head, revision)
                .await
                .unwrap(),
            {
                let mut ids = vec![cluster, sme];
                ids.sort_unstable();
                ids
            }
        );
        assert_eq!(storage.cluster_member_count(cluster).await.unwrap(), 1);
        assert_eq!(
            storage
                .add_cluster_member(cluster, sme, &context(Some(1)))
                .await
                .unwrap(),
            MembershipChange::Unchanged
        );
        assert_eq!(
            storage
                .add_cluster_member(sme, other, &context(Some(1)))
                .await
                .unwrap(),
            MembershipChange::NotACluster
        );
        assert_eq!(
            storage
                .add_cluster_member(cluster, 999_999, &context(Some(1)))
                .await
                .unwrap(),
            MembershipChange::NoSuchMember
        );
        assert_eq!(
            storage
                .add_cluster_member(cluster, cluster, &context(Some(1)))
                .await
                .unwrap(),
            MembershipChange::NoSuchMember
        );
        assert!(matches!(
            storage
                .remove_cluster_member(cluster, sme, &context(Some(1)))
                .await
                .unwrap(),
            MembershipChange::Done(_)
        ));
        assert_eq!(
            storage
                .remove_cluster_member(cluster, sme, &context(Some(1)))
                .await
                .unwrap(),
            MembershipChange::Unchanged
        );
        assert_eq!(storage.cluster_member_count(cluster).await.unwrap(), 0);
        let actions = actions(&storage, Some(1)).await;
        assert_eq!(
            actions,
            vec![
                String::from("cluster.member_remove"),
                String::from("cluster.member_add")
            ]
        );
    }
);
