//! Expressions of interest between organisations, for the API and the pages: a signed-in member
//! of an organisation tells another organisation it is interested (about a partner suggestion or
//! a value-chain consortium) with a short message; the message, the e-mails to the receiving
//! organisation's members (each in their language, through the outbox) and the audit entry are
//! written in one transaction. At most [`crate::auth::INTERESTS_PER_HOUR`] per person an hour.

use clusterhub_accounts::OrganisationRole;
use clusterhub_storage::{InterestRecord, NewInterest, OutgoingEmail, StorageError};

use crate::AppState;
use crate::auth::{Caller, check_limit};
use crate::i18n::Locale;

/// The longest message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 1_000;
/// The longest description of what the message is about, in characters.
pub const MAX_CONTEXT_CHARS: usize = 1_000;
/// What a message may be about.
pub const TOPICS: [&str; 2] = ["suggestion", "consortium"];
/// How many messages an inbox shows.
pub const INBOX_LIMIT: i64 = 200;

/// What the sender asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interest {
    /// The sending organisation; `None` takes the caller's only organisation.
    pub from: Option<i64>,
    pub to: i64,
    pub topic: String,
    pub context: String,
    pub message: String,
}

/// Why an expression of interest was not sent.
#[derive(Debug)]
pub enum SendError {
    /// The caller is not a member of the sending organisation, or the receiver does not exist:
    /// answered 404.
    Hidden,
    /// A field is wrong: (field, reason).
    Invalid(&'static str, String),
    /// Too many sent: seconds to wait.
    Limited(u64),
    Storage(StorageError),
}

impl From<StorageError> for SendError {
    fn from(error: StorageError) -> SendError {
        SendError::Storage(error)
    }
}

/// The organisations the caller belongs to (any role), in id order.
pub fn organisations_of(caller: &Caller) -> Vec<i64> {
    let mut ids: Vec<i64> = caller
        .principal()
        .map(|principal| principal.organisations.iter().map(|(id, _)| *id).collect())
        .unwrap_or_default();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Whether the caller may act for organisation `id`.
pub fn is_member(caller: &Caller, id: i64) -> bool {
    caller
        .principal()
        .is_some_and(|principal| principal.has_organisation_role(id, OrganisationRole::Member))
}

/// Checks and sends; gives the new message's id.
pub async fn send(state: &AppState, caller: &Caller, interest: Interest) -> Result<i64, SendError> {
    let Some(signed_in) = caller.signed_in.as_ref() else {
        return Err(SendError::Hidden);
    };
    let mine = organisations_of(caller);
    let from = match interest.from {
        Some(from) => from,
        None if mine.len() == 1 => mine[0],
        None => {
            return Err(SendError::Invalid(
                "from_organisation",
                String::from("Say which of your organisations sends it."),
            ));
        }
    };
    if !is_member(caller, from) {
        return Err(SendError::Hidden);
    }
    if from == interest.to {
        return Err(SendError::Invalid(
            "from_organisation",
            String::from("An organisation does not send itself an expression of interest."),
        ));
    }
    if !TOPICS.contains(&interest.topic.as_str()) {
        return Err(SendError::Invalid(
            "topic",
            String::from("The topic is `suggestion` or `consortium`."),
        ));
    }
    let message = interest.message.trim().to_owned();
    if message.is_empty() || message.chars().count() > MAX_MESSAGE_CHARS {
        return Err(SendError::Invalid(
            "message",
            format!("Write a message of 1 to {MAX_MESSAGE_CHARS} characters."),
        ));
    }
    let context = interest.context.trim().to_owned();
    if context.chars().count() > MAX_CONTEXT_CHARS {
        return Err(SendError::Invalid(
            "context",
            format!("The context is at most {MAX_CONTEXT_CHARS} characters."),
        ));
    }
    let storage = state.storage();
    let Some(receiver) = storage.organisation(interest.to).await? else {
        return Err(SendError::Hidden);
    };
    let Some(sender) = storage.organisation(from).await? else {
        return Err(SendError::Hidden);
    };
    check_limit(
        &state.security().limits.interests_user,
        &signed_in.principal.user_id.to_string(),
    )
    .map_err(SendError::Limited)?;
    let link = format!(
        "{}/inbox?organisation={}",
        state.security().public_url,
        interest.to
    );
    let emails: Vec<OutgoingEmail> = storage
        .organisation_recipients(interest.to)
        .await?
        .into_iter()
        .map(|(recipient, language)| {
            let locale = Locale::from_code(&language).unwrap_or_default();
            OutgoingEmail {
                recipient,
                subject: locale.format("interest.mail.subject", &[("from", &sender.profile.name)]),
                body_text: locale.format(
                    "interest.mail.body",
                    &[
                        ("from", &sender.profile.name),
                        ("to", &receiver.profile.name),
                        ("person", &signed_in.display_name),
                        ("message", &message),
                        ("link", &link),
                    ],
                ),
            }
        })
        .collect();
    let id = storage
        .send_interest(
            &NewInterest {
                from_organisation_id: from,
                to_organisation_id: interest.to,
                sender_user_id: signed_in.principal.user_id,
                topic: interest.topic,
                context,
                message,
            },
            &emails,
            &caller.audit_context(),
        )
        .await?;
    Ok(id)
}

/// Whether a message was received (rather than sent) by one of `organisations`.
pub fn received(record: &InterestRecord, organisations: &[i64]) -> bool {
    organisations.contains(&record.to_organisation_id)
}
