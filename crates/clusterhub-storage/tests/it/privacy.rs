//! The GDPR export and erasure on both backends, with a person who has done everything the
//! platform keeps: roles, consents, an API token, claims (one pending, one rejected), an
//! invitation sent and one received, a message sent for their organisation. The export holds all
//! of it (never a token or a digest); erasure removes the address and name everywhere, withdraws
//! the pending claim, deletes invitations to the address, keeps what others depend on (the
//! invitation sent, the message, consent records) and leaves every audit entry as it was.

use clusterhub_storage::{
    AuditContext, ClaimRequest, ERASED_NAME, NEVER_EXPIRES, NewApiToken, NewInterest,
    NewInvitation, NewUser, OutgoingEmail, Storage,
};

use crate::both;
use crate::organisations::profile;

const EMAIL: &str = "irene@example.eu";
const NAME: &str = "Irène Joliot-Curie";

fn context(actor: Option<i64>) -> AuditContext {
    AuditContext {
        actor_user_id: actor,
        address: String::from("192.0.2.44"),
    }
}

async fn person(storage: &Storage, email: &str, name: &str) -> i64 {
    storage
        .register_user(
            &NewUser {
                email: email.to_owned(),
                display_name: name.to_owned(),
                password_hash: String::from("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"),
                language: String::from("fr"),
            },
            &[
                (String::from("listing"), true, String::from("v1")),
                (String::from("email"), false, String::from("v1")),
            ],
            None,
            &context(None),
        )
        .await
        .expect("register")
}

fn mail(to: &str, subject: &str) -> OutgoingEmail {
    OutgoingEmail {
        recipient: to.to_owned(),
        subject: subject.to_owned(),
        body_text: format!("Hello {to}"),
    }
}

fn invitation(digest: &str, inviter: i64, organisation: i64, email: &str) -> NewInvitation {
    NewInvitation {
        token_digest: digest.to_owned(),
        inviter_user_id: inviter,
        organisation_id: organisation,
        email: email.to_owned(),
        role: String::from("member"),
        expires_unix: i64::MAX / 4,
    }
}

both!(
    export_has_everything_and_erasure_keeps_what_others_depend_on,
    |storage: Storage| async move {
        storage
            .import_organisations(&[
                profile("own", "sme", "FR"),
                profile("claimable", "sme", "FR"),
                profile("partner", "sme", "DE"),
                profile("claimable-too", "sme", "BE"),
            ])
            .await
            .expect("import");
        let organisation = |key: &'static str| {
            let storage = storage.clone();
            async move { storage.organisation_by_key(key).await.unwrap().unwrap().id }
        };
        let (own, claimable, partner, claimable_too) = (
            organisation("own").await,
            organisation("claimable").await,
            organisation("partner").await,
            organisation("claimable-too").await,
        );
        let irene = person(&storage, EMAIL, NAME).await;
        let anna = person(&storage, "anna@example.eu", "Anna Admin").await;
        storage
            .grant_organisation_role(irene, own, "admin", &context(Some(anna)))
            .await
            .unwrap();
        storage
            .grant_organisation_role(anna, partner, "admin", &context(None))
            .await
            .unwrap();
        storage
            .grant_platform_role(irene, "evaluator", &context(None))
            .await
            .unwrap();
        storage
            .create_api_token(
                &NewApiToken {
                    user_id: irene,
                    name: String::from("CI pipeline"),
                    token_digest: String::from("digest-of-the-secret-token"),
                    expires_unix: NEVER_EXPIRES,
                },
                1_000,
                &context(Some(irene)),
            )
            .await
            .unwrap();
        assert!(
            storage
                .use_api_token("digest-of-the-secret-token", 2_000)
                .await
                .unwrap()
                .is_some()
        );
        let pending = storage
            .request_claim(
                irene,
                claimable,
                "I run this company",
                &context(Some(irene)),
            )
            .await
            .unwrap();
        assert!(matches!(pending, ClaimRequest::Created(_)));
        let ClaimRequest::Created(rejected) = storage
            .request_claim(irene, claimable_too, "Mine too", &context(Some(irene)))
            .await
            .unwrap()
        else {
            panic!("an organisation without an admin is open to claims")
        };
        storage
            .decide_claim(
                rejected,
                false,
                |claim, _| mail(&claim.email, "Your claim"),
                &context(Some(anna)),
            )
            .await
            .unwrap()
            .expect("decided");
        storage
            .invite_to_organisation(
                &invitation("sent-by-irene", irene, own, "bob@example.eu"),
                &mail("bob@example.eu", "Invitation"),
                &context(Some(irene)),
            )
            .await
            .unwrap();
        storage
            .invite_to_organisation(
                &invitation("sent-to-irene", anna, partner, EMAIL),
                &mail(EMAIL, "Invitation"),
                &context(Some(anna)),
            )
            .await
            .unwrap();
        storage
            .send_interest(
                &NewInterest {
                    from_organisation_id: own,
                    to_organisation_id: partner,
                    sender_user_id: irene,
                    topic: String::from("suggestion"),
                    context: String::from("Offers what you request"),
                    message: String::from("Shall we work together?"),
                },
                &[mail("anna@example.eu", "Interest")],
                &context(Some(irene)),
            )
            .await
            .unwrap();

        let export = storage.personal_data(irene).await.unwrap().unwrap();
        let text = export.to_string();
        assert!(!text.contains("digest"), "no digest is exported: {text}");
        assert_eq!(export["account"]["email"], EMAIL);
        assert_eq!(export["account"]["display_name"], NAME);
        assert_eq!(export["roles"]["platform"][0], "evaluator");
        assert_eq!(
            export["roles"]["organisation_grants"][0]["organisation_id"],
            own
        );
        assert_eq!(
            export["roles"]["organisation_grants"][0]["granted_by"],
            anna
        );
        assert_eq!(export["consents"].as_array().unwrap().len(), 2);
        let token = &export["api_tokens"][0];
        assert_eq!(token["name"], "CI pipeline");
        assert!(token["created_at"].is_string() && token["last_used_at"].is_string());
        assert!(token["expires_at"].is_null(), "never expires: {token}");
        let claims = export["organisation_claims"].as_array().unwrap();
        assert_eq!(claims.len(), 2);
        assert_eq!(claims[0]["message"], "I run this company");
        assert_eq!(claims[0]["status"], "pending");
        assert_eq!(claims[1]["status"], "rejected");
        assert!(claims[1]["decided_at"].is_string());
        assert_eq!(export["invitations_sent"][0]["email"], "bob@example.eu");
        assert_eq!(export["invitations_sent"][0]["organisation_id"], own);
        assert_eq!(
            export["invitations_received"][0]["organisation_id"],
            partner
        );
        assert_eq!(export["invitations_received"][0]["invited_by"], anna);
        assert_eq!(
            export["messages_sent"][0]["message"],
            "Shall we work together?"
        );
        assert_eq!(export["messages_sent"][0]["to_organisation_id"], partner);
        // Mail to the address: the claim's decision and the invitation.
        assert_eq!(export["emails"].as_array().unwrap().len(), 2);
        let audit = export["audit_log"].as_array().unwrap();
        for action in [
            "api_token.create",
            "claim.request",
            "invitation.create",
            "interest.send",
        ] {
            assert!(
                audit.iter().any(|entry| entry["action"]
                    .as_str()
                    .is_some_and(|a| a.starts_with(action))
                    && entry["actor_user_id"] == irene),
                "the export lacks {action} by the person: {audit:?}"
            );
        }
        assert!(
            audit
                .iter()
                .any(|entry| entry["action"] == "role.grant_organisation"
                    && entry["actor_user_id"] == anna)
                && audit.iter().any(|entry| entry["action"] == "user.register"),
            "entries about the person by others are there too: {audit:?}"
        );

        let before = storage.audit_entries(None, None, 10_000).await.unwrap();
        storage
            .erase_user(irene, &context(Some(irene)))
            .await
            .unwrap();

        // The audit log lost and changed nothing; the erasure is its newest entry.
        let after = storage.audit_entries(None, None, 10_000).await.unwrap();
        assert_eq!(after.len(), before.len() + 1);
        assert_eq!(&after[1..], &before[..]);
        assert_eq!(after[0].action, "user.erase");
        assert_eq!(after[0].actor_user_id, Some(irene));
        let log = serde_json::to_string(&after).unwrap();
        assert!(!log.contains(EMAIL) && !log.contains(NAME));

        // Nothing about the address or the name is left to export.
        let erased = storage.personal_data(irene).await.unwrap().unwrap();
        let text = erased.to_string();
        assert!(!text.contains(EMAIL) && !text.contains(NAME), "{text}");
        assert_eq!(erased["account"]["display_name"], ERASED_NAME);
        assert!(erased["api_tokens"].as_array().unwrap().is_empty());
        assert!(
            erased["roles"]["organisation_grants"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        assert!(
            erased["roles"]["platform_grants"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        assert!(
            erased["invitations_received"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        assert!(erased["sessions"].as_array().unwrap().is_empty());
        let claims = erased["organisation_claims"].as_array().unwrap();
        assert_eq!(claims.len(), 2, "claims stay, for the audit entries");
        assert_eq!(claims[0]["status"], "withdrawn");
        assert_eq!(claims[0]["message"], "");
        assert_eq!(claims[1]["status"], "rejected");
        assert_eq!(claims[1]["message"], "");
        assert!(storage.pending_claims().await.unwrap().is_empty());
        assert_eq!(storage.consents_of(irene).await.unwrap().len(), 2);
        assert!(
            storage
                .use_api_token("digest-of-the-secret-token", 3_000)
                .await
                .unwrap()
                .is_none()
        );
        // The invitation to the address is gone; the one the person sent still works.
        assert!(
            storage
                .invitation("sent-to-irene", 3_000)
                .await
                .unwrap()
                .is_none()
        );
        let sent = storage.pending_invitations(own, 3_000).await.unwrap();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].inviter_user_id, irene);
        // The message stays in both inboxes, from an anonymous sender.
        let inbox = storage.inbox(&[partner], 10).await.unwrap();
        assert_eq!(inbox.len(), 1);
        assert_eq!(inbox[0].sender_user_id, irene);
        assert_eq!(inbox[0].sender_name, ERASED_NAME);
        assert_eq!(inbox[0].message, "Shall we work together?");
        // Mail: nothing waits for the address, and sent mail forgot it.
        let due = storage.due_emails(i64::MAX / 4, 1_000).await.unwrap();
        assert!(due.iter().all(|queued| queued.email.recipient != EMAIL));
    }
);
