//! The mailer: sends what the e-mail outbox holds over SMTP, one message at a time, and retries
//! a failed delivery with a growing delay (1 min, 2, 4, … up to 6 h). Messages are written to
//! the outbox in the transaction of the change that causes them, so a restart loses none.
//! Without an SMTP server configured, messages wait in the outbox and their text is logged, so
//! a developer on the embedded default can still follow a verification or reset link.

use std::time::Duration;

use clusterhub_storage::{QueuedEmail, Storage};
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::watch;

/// Where mail goes.
#[derive(Debug, Clone)]
pub struct MailerConfig {
    /// `smtp://host:port` (plain, for a relay on loopback), `smtp://host:port?tls=required`
    /// (STARTTLS) or `smtps://user:password@host:port` (TLS); `None`: log only.
    pub smtp_url: Option<String>,
    /// The sender, `Clusterhub <no-reply@example.eu>`.
    pub from: String,
    /// How often the outbox is looked at.
    pub poll_interval: Duration,
}

/// A running mailer; [`Mailer::stop`] ends it after the message in flight.
#[derive(Debug)]
pub struct Mailer {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Mailer {
    /// Starts sending from `storage`'s outbox.
    pub fn start(storage: Storage, config: MailerConfig) -> anyhow::Result<Mailer> {
        let from: Mailbox = config
            .from
            .parse()
            .map_err(|error| anyhow::anyhow!("--mail-from {:?}: {error}", config.from))?;
        let transport = match &config.smtp_url {
            Some(url) => Some(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|error| anyhow::anyhow!("--smtp-url: {error}"))?
                    .timeout(Some(Duration::from_secs(30)))
                    .build(),
            ),
            None => None,
        };
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            let mut logged = std::collections::HashSet::new();
            loop {
                if let Err(error) = send_due(&storage, transport.as_ref(), &from, &mut logged).await
                {
                    tracing::warn!(%error, "the mailer could not read the outbox");
                }
                tokio::select! {
                    _ = tokio::time::sleep(config.poll_interval) => {}
                    _ = stopped.changed() => break,
                }
            }
        });
        Ok(Mailer { stop, task })
    }

    /// Stops after the message in flight.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

fn now_unix() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Seconds to wait after `attempts` failed deliveries.
fn retry_delay(attempts: i64) -> i64 {
    (60_i64 << attempts.clamp(0, 9)).min(6 * 3600)
}

async fn send_due(
    storage: &Storage,
    transport: Option<&AsyncSmtpTransport<Tokio1Executor>>,
    from: &Mailbox,
    logged: &mut std::collections::HashSet<i64>,
) -> anyhow::Result<()> {
    let due = storage.due_emails(now_unix(), 50).await?;
    for queued in due {
        let Some(transport) = transport else {
            // Logged once, and left in the outbox for a start with an SMTP server.
            if logged.insert(queued.id) {
                tracing::info!(
                    to = %queued.email.recipient,
                    subject = %queued.email.subject,
                    body = %queued.email.body_text,
                    "no SMTP server configured (--smtp-url): the message stays in the outbox"
                );
            }
            continue;
        };
        match deliver(transport, from, &queued).await {
            Ok(()) => storage.mark_email_sent(queued.id).await?,
            Err(error) => {
                tracing::warn!(id = queued.id, attempts = queued.attempts + 1, %error, "delivery failed; will retry");
                storage
                    .mark_email_failed(
                        queued.id,
                        &error.to_string(),
                        now_unix() + retry_delay(queued.attempts),
                    )
                    .await?;
            }
        }
    }
    Ok(())
}

async fn deliver(
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    from: &Mailbox,
    queued: &QueuedEmail,
) -> anyhow::Result<()> {
    let to: Mailbox = queued.email.recipient.parse()?;
    let message = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(queued.email.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        // Sent as written (8bit, lines well under 998 bytes), so links stay readable in any
        // client; lettre falls back to an encoding if a line is too long.
        .body(
            Body::new_with_encoding(
                wrap(&queued.email.body_text, 72),
                ContentTransferEncoding::EightBit,
            )
            .unwrap_or_else(Body::new),
        )?;
    transport.send(message).await?;
    Ok(())
}

/// The text with its lines broken between words at `width` characters (a longer word, such as
/// a link, gets a line of its own), as plain-text mail is read.
fn wrap(text: &str, width: usize) -> String {
    let mut wrapped = String::with_capacity(text.len() + text.len() / width);
    for (index, paragraph) in text.split('\n').enumerate() {
        if index > 0 {
            wrapped.push('\n');
        }
        let mut line_length = 0;
        for word in paragraph.split(' ').filter(|word| !word.is_empty()) {
            let length = word.chars().count();
            if line_length > 0 && line_length + 1 + length > width {
                wrapped.push('\n');
                line_length = 0;
            } else if line_length > 0 {
                wrapped.push(' ');
                line_length += 1;
            }
            wrapped.push_str(word);
            line_length += length;
        }
    }
    wrapped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_wrapped_between_words() {
        assert_eq!(wrap("one two three", 7), "one two\nthree");
        assert_eq!(
            wrap("a https://example.eu/very/long b", 10),
            "a\nhttps://example.eu/very/long\nb"
        );
        assert_eq!(wrap("x\ny", 72), "x\ny");
    }

    #[test]
    fn retries_back_off_to_six_hours() {
        assert_eq!(retry_delay(0), 60);
        assert_eq!(retry_delay(1), 120);
        assert_eq!(retry_delay(5), 1_920);
        assert_eq!(retry_delay(30), 6 * 3600);
    }
}
