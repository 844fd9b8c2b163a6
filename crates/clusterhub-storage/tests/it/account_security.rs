//! API tokens, account changes, audit filters and retention on both backends.

use clusterhub_storage::{
    AuditContext, AuditFilter, AuditRecord, NEVER_EXPIRES, NewApiToken, NewOneTimeToken,
    NewSession, NewUser, OutgoingEmail, Storage, StorageError,
};

use crate::both;

async fn account(storage: &Storage, email: &str) -> i64 {
    storage
        .register_user(
            &NewUser {
                email: email.to_owned(),
                display_name: String::from("Ada"),
                password_hash: String::from("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"),
                language: String::from("en"),
            },
            &[(String::from("listing"), true, String::from("v1"))],
            None,
            &AuditContext::system(),
        )
        .await
        .unwrap()
}

fn context(user: i64) -> AuditContext {
    AuditContext {
        actor_user_id: Some(user),
        address: String::from("192.0.2.8"),
    }
}

both!(
    api_tokens_are_created_used_listed_and_revoked,
    |storage: Storage| async move {
        let user = account(&storage, "ada@example.eu").await;
        let token = NewApiToken {
            user_id: user,
            name: String::from("CI"),
            token_digest: String::from("digest-1"),
            expires_unix: NEVER_EXPIRES,
        };
        let created = storage
            .create_api_token(&token, 1_000, &context(user))
            .await
            .unwrap();
        assert_eq!(
            storage.use_api_token("digest-1", 2_000).await.unwrap(),
            Some((created.id, user))
        );
        assert_eq!(
            storage.use_api_token("digest-2", 2_000).await.unwrap(),
            None
        );
        let listed = storage.api_tokens_of(user).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert!(listed[0].last_used_at.is_some());
        assert!(listed[0].is_live(2_000));
        // Another person cannot revoke it; its owner can, once.
        let other = account(&storage, "eve@example.eu").await;
        assert!(
            !storage
                .revoke_api_token(other, created.id, &context(other))
                .await
                .unwrap()
        );
        assert!(
            storage
                .revoke_api_token(user, created.id, &context(user))
                .await
                .unwrap()
        );
        assert!(
            !storage
                .revoke_api_token(user, created.id, &context(user))
                .await
                .unwrap()
        );
        assert_eq!(
            storage.use_api_token("digest-1", 2_000).await.unwrap(),
            None
        );
        // An expired token signs nobody in.
        storage
            .create_api_token(
                &NewApiToken {
                    token_digest: String::from("digest-3"),
                    expires_unix: 1_500,
                    ..token.clone()
                },
                1_000,
                &context(user),
            )
            .await
            .unwrap();
        assert_eq!(
            storage.use_api_token("digest-3", 1_500).await.unwrap(),
            None
        );
        // At most 25 live tokens.
        for number in 0..25 {
            let result = storage
                .create_api_token(
                    &NewApiToken {
                        token_digest: format!("many-{number}"),
                        ..token.clone()
                    },
                    2_000,
                    &context(user),
                )
                .await;
            assert_eq!(result.is_ok(), number < 25);
        }
        assert!(matches!(
            storage
                .create_api_token(
                    &NewApiToken {
                        token_digest: String::from("one-too-many"),
                        ..token.clone()
                    },
                    2_000,
                    &context(user),
                )
                .await,
            Err(StorageError::Conflict(_))
        ));
        let entries = storage
            .audit_search(
                &AuditFilter {
                    record_type: Some(String::from("api_token")),
                    ..AuditFilter::default()
                },
                None,
                100,
            )
            .await
            .unwrap();
        assert_eq!(
            entries
                .iter()
                .filter(|e| e.action == "api_token.revoke")
                .count(),
            1
        );
        assert_eq!(
            entries
                .iter()
                .filter(|e| e.action == "api_token.create")
                .count(),
            27
        );
    }
);

both!(
    writers_at_the_same_time_wait_for_each_other_instead_of_failing,
    |storage: Storage| async move {
        // Creating a token reads (the live count) before it writes. On SQLite a transaction that
        // only asks for the write lock after reading is refused at once when another connection
        // holds it ("database is locked"), so every writer must take it when it begins.
        let mut people = Vec::new();
        for number in 0..6 {
            people.push(account(&storage, &format!("person{number}@example.eu")).await);
        }
        let mut tasks = tokio::task::JoinSet::new();
        for user in people.iter().copied() {
            let storage = storage.clone();
            tasks.spawn(async move {
                for number in 0..15 {
                    let token = NewApiToken {
                        user_id: user,
                        name: format!("token {number}"),
                        token_digest: format!("digest-{user}-{number}"),
                        expires_unix: NEVER_EXPIRES,
                    };
                    storage
                        .create_api_token(&token, 1_000, &context(user))
                        .await
                        .map_err(|error| format!("person {user}, token {number}: {error}"))?;
                    // A refused revocation (not theirs) ends its transaction without writing.
                    storage
                        .revoke_api_token(user, -1, &context(user))
                        .await
                        .map_err(|error| format!("person {user}, revocation: {error}"))?;
                }
                Ok::<_, String>(())
            });
        }
        while let Some(finished) = tasks.join_next().await {
            finished.expect("task").expect("every write succeeds");
        }
        for user in people {
            assert_eq!(storage.api_tokens_of(user).await.unwrap().len(), 15);
        }
    }
);

both!(
    the_audit_log_is_filtered_by_every_condition,
    |storage: Storage| async move {
        let ada = account(&storage, "ada@example.eu").await;
        let eve = account(&storage, "eve@example.eu").await;
        for (who, action, outcome) in [
            (ada, "session.sign_in", "ok"),
            (eve, "session.sign_in_failed", "failed"),
            (eve, "access.denied", "denied"),
            (ada, "session_x.other", "ok"),
        ] {
            storage
                .append_audit(
                    &context(who),
                    &AuditRecord::new(action, "user", who.to_string()).outcome(outcome),
                )
                .await
                .unwrap();
        }
        let search = |filter: AuditFilter| {
            let storage = storage.clone();
            async move {
                storage
                    .audit_search(&filter, None, 100)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|entry| entry.action)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(
            search(AuditFilter {
                actor: Some(eve),
                ..AuditFilter::default()
            })
            .await,
            ["access.denied", "session.sign_in_failed"]
        );
        // `session` is every `session.*` action, not `session_x.*` (`_` is no wildcard).
        assert_eq!(
            search(AuditFilter {
                action: Some(String::from("session")),
                ..AuditFilter::default()
            })
            .await,
            ["session.sign_in_failed", "session.sign_in"]
        );
        assert_eq!(
            search(AuditFilter {
                action: Some(String::from("session.sign_in")),
                ..AuditFilter::default()
            })
            .await,
            ["session.sign_in"]
        );
        assert_eq!(
            search(AuditFilter {
                outcome: Some(String::from("denied")),
                record_id: Some(eve.to_string()),
                record_type: Some(String::from("user")),
                ..AuditFilter::default()
            })
            .await,
            ["access.denied"]
        );
        assert!(
            search(AuditFilter {
                from: Some(String::from("2999-01-01")),
                ..AuditFilter::default()
            })
            .await
            .is_empty()
        );
        assert!(
            search(AuditFilter {
                until: Some(String::from("2000-01-01")),
                ..AuditFilter::default()
            })
            .await
            .is_empty()
        );
        assert_eq!(
            search(AuditFilter {
                from: Some(String::from("2000-01-01")),
                until: Some(String::from("2999-01-01")),
                person: Some(ada),
                ..AuditFilter::default()
            })
            .await
            .len(),
            3,
            "registration, sign-in and the other entry about Ada"
        );
    }
);

both!(
    password_email_and_consent_changes_keep_their_records,
    |storage: Storage| async move {
        let ada = account(&storage, "ada@example.eu").await;
        account(&storage, "eve@example.eu").await;
        for digest in ["keep", "other"] {
            storage
                .create_session(&NewSession {
                    token_digest: digest.to_owned(),
                    user_id: ada,
                    expires_unix: i64::MAX / 2,
                    idle_expires_unix: i64::MAX / 2,
                    authenticated_unix: 0,
                    second_factor_pending: false,
                    address: String::new(),
                    user_agent: String::new(),
                })
                .await
                .unwrap();
        }
        storage
            .change_password(ada, "$argon2id$new", Some("keep"), None, &context(ada))
            .await
            .unwrap();
        assert!(storage.session("keep", 0).await.unwrap().is_some());
        assert!(storage.session("other", 0).await.unwrap().is_none());

        let taken = storage
            .change_email(ada, "eve@example.eu", None, &context(ada))
            .await;
        assert!(matches!(taken, Err(StorageError::Conflict(_))));
        let notice = OutgoingEmail {
            recipient: String::from("ada@example.eu"),
            subject: String::from("changed"),
            body_text: String::from("changed"),
        };
        storage
            .change_email(ada, "lovelace@example.eu", Some(&notice), &context(ada))
            .await
            .unwrap();
        let user = storage.user_by_id(ada).await.unwrap().unwrap();
        assert_eq!(user.email, "lovelace@example.eu");
        assert!(user.email_verified);

        storage
            .record_consents(
                ada,
                &[(String::from("listing"), false, String::from("v2"))],
                &context(ada),
            )
            .await
            .unwrap();
        let consents = storage.consents_of(ada).await.unwrap();
        assert_eq!(consents.len(), 2);
        assert!(consents[0].granted && !consents[1].granted);
        assert_eq!(consents[1].text_version, "v2");
    }
);

both!(
    retention_deletes_what_expired,
    |storage: Storage| async move {
        let ada = account(&storage, "ada@example.eu").await;
        for (digest, expires) in [("old", 100), ("live", 10_000_000)] {
            storage
                .create_session(&NewSession {
                    token_digest: digest.to_owned(),
                    user_id: ada,
                    expires_unix: expires,
                    idle_expires_unix: expires,
                    authenticated_unix: 0,
                    second_factor_pending: false,
                    address: String::new(),
                    user_agent: String::new(),
                })
                .await
                .unwrap();
            storage
                .issue_one_time_token(
                    &NewOneTimeToken {
                        token_digest: format!("once-{digest}"),
                        user_id: ada,
                        purpose: format!("purpose-{digest}"),
                        expires_unix: expires,
                        payload: String::from("{}"),
                    },
                    &OutgoingEmail {
                        recipient: String::from("ada@example.eu"),
                        subject: String::from("s"),
                        body_text: String::from("b"),
                    },
                    &AuditContext::system(),
                )
                .await
                .unwrap();
        }
        storage
            .create_api_token(
                &NewApiToken {
                    user_id: ada,
                    name: String::from("old"),
                    token_digest: String::from("api-old"),
                    expires_unix: 100,
                },
                0,
                &AuditContext::system(),
            )
            .await
            .unwrap();
        let now = 5_000_000;
        let summary = storage.purge_expired(now).await.unwrap();
        assert_eq!(summary.sessions, 1);
        assert_eq!(summary.one_time_tokens, 1);
        assert_eq!(summary.api_tokens, 1);
        assert!(storage.session("live", 5_000).await.unwrap().is_some());
        assert_eq!(
            storage
                .one_time_token_user("once-live", "purpose-live", 5_000)
                .await
                .unwrap(),
            Some(ada)
        );
        assert_eq!(storage.purge_expired(now).await.unwrap().sessions, 0);
    }
);
