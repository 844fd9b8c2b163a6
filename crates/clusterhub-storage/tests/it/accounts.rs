//! Accounts, sessions, one-time tokens, the outbox and the audit log on both backends.

use clusterhub_storage::{
    AuditContext, AuditRecord, NewOneTimeToken, NewSession, NewUser, OutgoingEmail, Storage,
    StorageError,
};

use crate::both;

fn user(email: &str) -> NewUser {
    NewUser {
        email: email.to_owned(),
        display_name: String::from("Marie Curie"),
        password_hash: String::from("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"),
        language: String::from("fr"),
    }
}

fn context() -> AuditContext {
    AuditContext {
        actor_user_id: None,
        address: String::from("192.0.2.7"),
    }
}

fn mail(to: &str) -> OutgoingEmail {
    OutgoingEmail {
        recipient: to.to_owned(),
        subject: String::from("Confirm your address"),
        body_text: String::from("Open https://example.eu/verify?token=…"),
    }
}

both!(
    registration_writes_account_consents_token_mail_and_audit_together,
    |storage: Storage| async move {
        let token = NewOneTimeToken {
            token_digest: String::from("d1"),
            user_id: 0,
            purpose: String::from("verify_email"),
            expires_unix: 2_000,
            payload: String::from("{}"),
        };
        let id = storage
            .register_user(
                &user("marie@example.eu"),
                &[(String::from("listing"), true, String::from("v1"))],
                Some((token, mail("marie@example.eu"))),
                &context(),
            )
            .await
            .unwrap();
        let stored = storage
            .user_by_email("marie@example.eu")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.id, id);
        assert!(!stored.email_verified);
        assert_eq!(storage.consents_of(id).await.unwrap()[0].text_version, "v1");
        assert_eq!(storage.pending_email_count().await.unwrap(), 1);
        let audit = storage.audit_entries(Some(id), None, 10).await.unwrap();
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].action, "user.register");
        assert_eq!(audit[0].address, "192.0.2.7");

        // The same address again is refused and writes nothing more.
        let again = storage
            .register_user(&user("marie@example.eu"), &[], None, &context())
            .await;
        assert!(matches!(again, Err(StorageError::Conflict(_))));
        assert_eq!(
            storage.audit_entries(None, None, 10).await.unwrap().len(),
            1
        );

        // The verification token works once, before it expires.
        assert_eq!(
            storage
                .consume_one_time_token("d1", "verify_email", 2_000)
                .await
                .unwrap(),
            None,
            "expired at 2000"
        );
        assert_eq!(
            storage
                .consume_one_time_token("d1", "reset_password", 1_000)
                .await
                .unwrap(),
            None,
            "wrong purpose"
        );
        assert_eq!(
            storage
                .consume_one_time_token("d1", "verify_email", 1_999)
                .await
                .unwrap(),
            Some((id, String::from("{}")))
        );
        assert_eq!(
            storage
                .consume_one_time_token("d1", "verify_email", 1_999)
                .await
                .unwrap(),
            None,
            "used once"
        );
        storage.mark_email_verified(id, &context()).await.unwrap();
        assert!(
            storage
                .user_by_id(id)
                .await
                .unwrap()
                .unwrap()
                .email_verified
        );
    }
);

both!(
    sessions_expire_and_a_new_password_ends_them,
    |storage: Storage| async move {
        let id = storage
            .register_user(&user("ada@example.eu"), &[], None, &context())
            .await
            .unwrap();
        let session = NewSession {
            token_digest: String::from("s1"),
            user_id: id,
            expires_unix: 10_000,
            idle_expires_unix: 5_000,
            authenticated_unix: 100,
            second_factor_pending: true,
            address: String::from("192.0.2.7"),
            user_agent: String::from("test"),
        };
        storage.create_session(&session).await.unwrap();
        let found = storage.session("s1", 4_999).await.unwrap().unwrap();
        assert_eq!(found.user_id, id);
        assert!(found.second_factor_pending);
        storage.complete_second_factor("s1", 200).await.unwrap();
        storage.touch_session("s1", 9_000).await.unwrap();
        let found = storage.session("s1", 6_000).await.unwrap().unwrap();
        assert!(!found.second_factor_pending);
        assert_eq!(found.authenticated_unix, 200);
        // Past the absolute expiry the session is gone for good.
        assert_eq!(storage.session("s1", 10_000).await.unwrap(), None);
        assert_eq!(storage.session("s1", 6_000).await.unwrap(), None);

        storage
            .create_session(&NewSession {
                token_digest: String::from("s2"),
                ..session
            })
            .await
            .unwrap();
        storage
            .set_password(id, "$argon2id$new", &context())
            .await
            .unwrap();
        assert_eq!(storage.session("s2", 100).await.unwrap(), None);
        assert_eq!(
            storage
                .user_by_id(id)
                .await
                .unwrap()
                .unwrap()
                .password_hash
                .as_deref(),
            Some("$argon2id$new")
        );
    }
);

both!(
    a_new_reset_link_replaces_the_old_one_and_queues_its_mail,
    |storage: Storage| async move {
        let id = storage
            .register_user(&user("lise@example.eu"), &[], None, &context())
            .await
            .unwrap();
        for digest in ["r1", "r2"] {
            storage
                .issue_one_time_token(
                    &NewOneTimeToken {
                        token_digest: digest.to_owned(),
                        user_id: id,
                        purpose: String::from("reset_password"),
                        expires_unix: 1_000,
                        payload: String::from("{}"),
                    },
                    &mail("lise@example.eu"),
                    &context(),
                )
                .await
                .unwrap();
        }
        assert!(
            !storage
                .one_time_token_usable("r1", "reset_password", 10)
                .await
                .unwrap()
        );
        assert!(
            storage
                .one_time_token_usable("r2", "reset_password", 10)
                .await
                .unwrap()
        );
        let due = storage.due_emails(0, 10).await.unwrap();
        assert_eq!(due.len(), 2);
        storage
            .mark_email_failed(due[0].id, "connection refused", 60)
            .await
            .unwrap();
        storage.mark_email_sent(due[1].id).await.unwrap();
        assert_eq!(storage.due_emails(59, 10).await.unwrap().len(), 0);
        let retry = storage.due_emails(60, 10).await.unwrap();
        assert_eq!(retry.len(), 1);
        assert_eq!(retry[0].attempts, 1);
        assert_eq!(storage.pending_email_count().await.unwrap(), 1);
    }
);

both!(
    roles_totp_steps_and_recovery_codes,
    |storage: Storage| async move {
        let id = storage
            .register_user(&user("emmy@example.eu"), &[], None, &context())
            .await
            .unwrap();
        storage
            .grant_platform_role(id, "platform_admin", &context())
            .await
            .unwrap();
        storage
            .grant_platform_role(id, "platform_admin", &context())
            .await
            .unwrap();
        let roles = storage.roles_of(id).await.unwrap();
        assert_eq!(roles.platform, vec![String::from("platform_admin")]);
        assert!(roles.organisations.is_empty());

        storage
            .enable_totp(
                id,
                "JBSWY3DPEHPK3PXP",
                100,
                &[String::from("c1"), String::from("c2")],
                &context(),
            )
            .await
            .unwrap();
        assert!(!storage.record_totp_step(id, 100).await.unwrap(), "replay");
        assert!(storage.record_totp_step(id, 101).await.unwrap());
        assert!(storage.consume_recovery_code(id, "c1").await.unwrap());
        assert!(!storage.consume_recovery_code(id, "c1").await.unwrap());
        assert!(!storage.consume_recovery_code(id, "zz").await.unwrap());

        storage
            .append_audit(
                &context(),
                &AuditRecord::new("session.sign_in_failed", "user", id.to_string())
                    .outcome("failed"),
            )
            .await
            .unwrap();
        let entries = storage.audit_entries(Some(id), None, 100).await.unwrap();
        assert_eq!(entries[0].action, "session.sign_in_failed");
        assert_eq!(entries[0].outcome, "failed");
        let older = storage
            .audit_entries(Some(id), Some(entries[0].id), 100)
            .await
            .unwrap();
        assert_eq!(older.len(), entries.len() - 1);
    }
);

both!(
    export_holds_everything_and_erasure_keeps_the_log_consistent,
    |storage: Storage| async move {
        let id = storage
            .register_user(
                &user("irene@example.eu"),
                &[(String::from("email"), true, String::from("v1"))],
                Some((
                    NewOneTimeToken {
                        token_digest: String::from("v1"),
                        user_id: 0,
                        purpose: String::from("verify_email"),
                        expires_unix: 10,
                        payload: String::from("{}"),
                    },
                    mail("irene@example.eu"),
                )),
                &context(),
            )
            .await
            .unwrap();
        storage
            .grant_platform_role(id, "evaluator", &context())
            .await
            .unwrap();
        let export = storage.personal_data(id).await.unwrap().unwrap();
        assert_eq!(export["account"]["email"], "irene@example.eu");
        assert_eq!(export["roles"]["platform"][0], "evaluator");
        assert_eq!(export["consents"][0]["text_version"], "v1");
        assert_eq!(export["emails"].as_array().unwrap().len(), 1);
        assert!(export["audit_log"].as_array().unwrap().len() >= 2);
        assert!(storage.personal_data(id + 999).await.unwrap().is_none());

        let entries_before = storage.audit_entries(None, None, 1_000).await.unwrap();
        storage.erase_user(id, &context()).await.unwrap();
        let erased = storage.user_by_id(id).await.unwrap().unwrap();
        assert!(erased.erased);
        assert_eq!(erased.display_name, clusterhub_storage::ERASED_NAME);
        assert_eq!(erased.password_hash, None);
        assert!(
            storage
                .user_by_email("irene@example.eu")
                .await
                .unwrap()
                .is_none()
        );
        assert!(storage.roles_of(id).await.unwrap().platform.is_empty());
        assert_eq!(storage.pending_email_count().await.unwrap(), 0);
        // The log lost nothing: every earlier entry is still there, unchanged, plus the erasure.
        let entries_after = storage.audit_entries(None, None, 1_000).await.unwrap();
        assert_eq!(entries_after.len(), entries_before.len() + 1);
        assert_eq!(&entries_after[1..], &entries_before[..]);
        assert_eq!(entries_after[0].action, "user.erase");
        // No entry holds the address or the name.
        let log = serde_json::to_string(&entries_after).unwrap();
        assert!(!log.contains("irene@example.eu") && !log.contains("Marie Curie"));
        // Consent records stay, with their dates and versions.
        assert_eq!(storage.consents_of(id).await.unwrap().len(), 1);
    }
);
