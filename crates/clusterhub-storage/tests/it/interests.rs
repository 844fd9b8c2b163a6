//! Expressions of interest on both backends: written with their e-mails and audit entry in one
//! transaction, seen by both organisations, marked read only by the receiver, and the people to
//! tell (confirmed, each once).

use clusterhub_storage::{AuditContext, NewInterest, NewUser, OutgoingEmail, Storage};

use crate::both;
use crate::organisations::profile;

async fn person(storage: &Storage, email: &str) -> i64 {
    storage
        .register_user(
            &NewUser {
                email: email.to_owned(),
                display_name: format!("Person {email}"),
                password_hash: String::from("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"),
                language: String::from("fr"),
            },
            &[],
            None,
            &AuditContext::system(),
        )
        .await
        .expect("register")
}

both!(
    interests_reach_both_inboxes_with_their_mail,
    |storage| async move {
        storage
            .import_organisations(&[
                profile("a", "sme", "DE"),
                profile("b", "university", "FR"),
                profile("c", "cluster", "PL"),
            ])
            .await
            .expect("import");
        let page = storage.organisations_page(0, 10).await.expect("page");
        let (a, b, c) = (page[0].id, page[1].id, page[2].id);
        let sender = person(&storage, "sender@example.eu").await;
        let receiver = person(&storage, "receiver@example.eu").await;
        let unconfirmed = person(&storage, "later@example.eu").await;
        for (user, organisation) in [(sender, a), (receiver, b), (unconfirmed, b)] {
            storage
                .grant_organisation_role(user, organisation, "member", &AuditContext::system())
                .await
                .expect("grant");
        }
        storage
            .grant_organisation_role(receiver, b, "admin", &AuditContext::system())
            .await
            .expect("grant");
        // Only confirmed addresses are told, each once.
        assert_eq!(
            storage
                .organisation_recipients(b)
                .await
                .expect("recipients"),
            Vec::<(String, String)>::new()
        );
        let user = storage
            .user_by_id(receiver)
            .await
            .expect("read")
            .expect("user");
        storage
            .mark_email_verified(user.id, &AuditContext::system())
            .await
            .expect("verify");
        let recipients = storage
            .organisation_recipients(b)
            .await
            .expect("recipients");
        assert_eq!(
            recipients,
            [(String::from("receiver@example.eu"), String::from("fr"))]
        );

        let before = storage.pending_email_count().await.expect("count");
        let id = storage
            .send_interest(
                &NewInterest {
                    from_organisation_id: a,
                    to_organisation_id: b,
                    sender_user_id: sender,
                    topic: String::from("suggestion"),
                    context: String::from("Offers what you request: sensors"),
                    message: String::from("Shall we talk? <b>now</b>"),
                },
                &[OutgoingEmail {
                    recipient: String::from("receiver@example.eu"),
                    subject: String::from("Interest"),
                    body_text: String::from("See /inbox"),
                }],
                &AuditContext {
                    actor_user_id: Some(sender),
                    address: String::from("192.0.2.1"),
                },
            )
            .await
            .expect("send");
        assert_eq!(
            storage.pending_email_count().await.expect("count"),
            before + 1
        );

        let sent = storage.inbox(&[a], 50).await.expect("inbox");
        let received = storage.inbox(&[b], 50).await.expect("inbox");
        assert_eq!(sent, received, "both see the same message");
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].id, id);
        assert_eq!(
            sent[0].message, "Shall we talk? <b>now</b>",
            "stored as written"
        );
        assert_eq!(
            sent[0].from_name.as_deref(),
            Some(page[0].profile.name.as_str())
        );
        assert_eq!(sent[0].sender_name, "Person sender@example.eu");
        assert_eq!(sent[0].read_at, None);
        assert!(
            storage.inbox(&[c], 50).await.expect("inbox").is_empty(),
            "a third sees nothing"
        );
        assert_eq!(storage.unread_interests(&[b]).await.expect("unread"), 1);
        assert_eq!(
            storage.unread_interests(&[a]).await.expect("unread"),
            0,
            "sent ones are not unread"
        );

        assert!(
            !storage.mark_interest_read(id, &[a]).await.expect("mark"),
            "the sender cannot"
        );
        assert!(!storage.mark_interest_read(id, &[c]).await.expect("mark"));
        assert!(
            !storage
                .mark_interest_read(id + 100, &[b])
                .await
                .expect("mark")
        );
        assert!(storage.mark_interest_read(id, &[c, b]).await.expect("mark"));
        let first = storage.inbox(&[b], 50).await.expect("inbox")[0]
            .read_at
            .clone();
        assert!(first.is_some());
        assert!(storage.mark_interest_read(id, &[b]).await.expect("mark"));
        assert_eq!(
            storage.inbox(&[b], 50).await.expect("inbox")[0].read_at,
            first,
            "the first time stays"
        );
        assert_eq!(storage.unread_interests(&[b]).await.expect("unread"), 0);
        assert!(storage.inbox(&[], 50).await.expect("inbox").is_empty());

        let entries = storage.audit_entries(None, None, 100).await.expect("audit");
        assert!(
            entries
                .iter()
                .any(|entry| entry.action == "interest.send" && entry.record_id == id.to_string())
        );
    }
);
