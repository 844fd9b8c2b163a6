//! Ways to reach an organisation: its website and its e-mail address.

use email_address::{EmailAddress, Options};
use url::{Host, Url};

use crate::string_form;

/// A public website: an `http` or `https` URL with a domain name. Text without a scheme
/// ("www.example.eu") gets `https://` in front; the stored form is the URL as the `url` crate
/// normalises it (lower-case host, `/` for an empty path).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WebUrl(Url);

/// Why a text is not a website address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebUrlError {
    #[error("a website address cannot be empty")]
    Empty,
    #[error("a website address is at most 2,000 characters")]
    TooLong,
    #[error("a website address cannot contain spaces")]
    Space,
    #[error("a website address cannot contain control characters")]
    Control,
    #[error("not a web address we can read: {0}")]
    Unreadable(String),
    #[error("a website address starts with http:// or https://, not {0}://")]
    Scheme(String),
    #[error("a website address needs a domain name such as www.example.eu")]
    NoDomain,
    #[error("a website address cannot carry a user name or password")]
    Credentials,
}

impl WebUrl {
    /// Parses a website address, adding `https://` when the text has no scheme.
    pub fn parse(text: &str) -> Result<Self, WebUrlError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(WebUrlError::Empty);
        }
        if trimmed.len() > 2000 {
            return Err(WebUrlError::TooLong);
        }
        if trimmed.chars().any(char::is_whitespace) {
            return Err(WebUrlError::Space);
        }
        if trimmed.chars().any(char::is_control) {
            return Err(WebUrlError::Control);
        }
        let parsed = if trimmed.contains("://") {
            Url::parse(trimmed)
        } else {
            Url::parse(&format!("https://{trimmed}"))
        }
        .map_err(|error| WebUrlError::Unreadable(error.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(WebUrlError::Scheme(parsed.scheme().to_owned()));
        }
        match parsed.host() {
            Some(Host::Domain(domain)) if domain.contains('.') && !domain.ends_with('.') => {}
            _ => return Err(WebUrlError::NoDomain),
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(WebUrlError::Credentials);
        }
        // Normalising percent-encodes what the text held raw: the stored form must still fit,
        // or it would not read back (found by the `domain_values` fuzz target).
        if parsed.as_str().len() > 2000 {
            return Err(WebUrlError::TooLong);
        }
        Ok(Self(parsed))
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The domain name (`www.example.eu`).
    pub fn domain(&self) -> &str {
        self.0.host_str().expect("a parsed website has a domain")
    }

    /// The parsed URL.
    pub fn url(&self) -> &Url {
        &self.0
    }
}

string_form!(WebUrl, WebUrlError, "a website address");

/// An e-mail address: one mailbox, without a display name, on a domain with a top-level domain.
/// The domain is stored in lower case; the local part keeps its case, as RFC 5321 requires.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

/// Why a text is not an e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("an e-mail address cannot be empty")]
    Empty,
    #[error("an e-mail address is at most 254 characters")]
    TooLong,
    #[error("an e-mail address has the form name@example.eu, with one @")]
    MissingAt,
    #[error("give the address alone, without a name in front of it")]
    DisplayName,
    #[error("the domain after @ needs a dot and a top-level domain, as in example.eu")]
    Domain,
    #[error("not an e-mail address: {0}")]
    Invalid(String),
}

impl Email {
    /// Parses an e-mail address.
    pub fn parse(text: &str) -> Result<Self, EmailError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        if trimmed.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let options = Options::default()
            .with_required_tld()
            .without_domain_literal()
            .without_display_text();
        let address =
            EmailAddress::parse_with_options(trimmed, options).map_err(|error| match error {
                email_address::Error::MissingSeparator => EmailError::MissingAt,
                email_address::Error::UnsupportedDisplayName
                | email_address::Error::MissingDisplayName => EmailError::DisplayName,
                email_address::Error::DomainTooFew
                | email_address::Error::DomainEmpty
                | email_address::Error::UnsupportedDomainLiteral
                | email_address::Error::DomainInvalidSeparator
                | email_address::Error::SubDomainEmpty => EmailError::Domain,
                other => {
                    EmailError::Invalid(other.to_string().trim_end_matches('.').to_lowercase())
                }
            })?;
        if !address
            .domain()
            .bytes()
            .any(|byte| byte.is_ascii_uppercase())
        {
            return Ok(Self(address.into()));
        }
        let normalised = format!(
            "{}@{}",
            address.local_part(),
            address.domain().to_ascii_lowercase()
        );
        Ok(Self(normalised))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The domain, in lower case.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }
}

string_form!(Email, EmailError, "an e-mail address");

#[cfg(test)]
mod tests {
    use super::*;

    fn check_url(input: &str, expected: Result<&str, WebUrlError>) {
        assert_eq!(
            WebUrl::parse(input)
                .as_ref()
                .map(WebUrl::as_str)
                .map_err(Clone::clone),
            expected,
            "input {input:?}"
        );
    }

    #[test]
    fn parses_websites() {
        check_url(
            "https://www.clustercollaboration.eu",
            Ok("https://www.clustercollaboration.eu/"),
        );
        check_url("www.example.eu", Ok("https://www.example.eu/"));
        check_url(
            "  Example.EU/about?lang=fr ",
            Ok("https://example.eu/about?lang=fr"),
        );
        check_url("http://example.eu/a b", Err(WebUrlError::Space));
        check_url("HTTP://Example.eu", Ok("http://example.eu/"));
        check_url("münchen.de", Ok("https://xn--mnchen-3ya.de/"));
        check_url("", Err(WebUrlError::Empty));
        check_url(
            "ftp://example.eu",
            Err(WebUrlError::Scheme("ftp".to_owned())),
        );
        check_url("https://example.eu/a\u{0}b", Err(WebUrlError::Control));
        // Under the limit as typed, over it once normalising percent-encodes it.
        check_url(
            &format!("example.eu/{}", "<".repeat(700)),
            Err(WebUrlError::TooLong),
        );
        check_url("https://localhost", Err(WebUrlError::NoDomain));
        check_url("http://192.168.0.1", Err(WebUrlError::NoDomain));
        check_url(
            "https://user:secret@example.eu",
            Err(WebUrlError::Credentials),
        );
        assert!(matches!(
            WebUrl::parse("https://exa mple"),
            Err(WebUrlError::Space)
        ));
        assert!(matches!(
            WebUrl::parse("https://[::1"),
            Err(WebUrlError::Unreadable(_))
        ));
        assert_eq!(
            WebUrl::parse("www.example.eu").unwrap().domain(),
            "www.example.eu"
        );
    }

    fn check_email(input: &str, expected: Result<&str, EmailError>) {
        assert_eq!(
            Email::parse(input)
                .as_ref()
                .map(Email::as_str)
                .map_err(Clone::clone),
            expected,
            "input {input:?}"
        );
    }

    #[test]
    fn parses_email_addresses() {
        check_email("info@example.eu", Ok("info@example.eu"));
        check_email(
            "  Anna.Sobczak@EC.Europa.EU ",
            Ok("Anna.Sobczak@ec.europa.eu"),
        );
        check_email("", Err(EmailError::Empty));
        check_email("info.example.eu", Err(EmailError::MissingAt));
        check_email("info@localhost", Err(EmailError::Domain));
        check_email("Anna <anna@example.eu>", Err(EmailError::DisplayName));
        check_email(
            &format!("{}@example.eu", "a".repeat(250)),
            Err(EmailError::TooLong),
        );
        assert!(matches!(
            Email::parse("in fo@example.eu"),
            Err(EmailError::Invalid(_))
        ));
        assert_eq!(Email::parse("x@Example.eu").unwrap().domain(), "example.eu");
    }

    #[test]
    fn serialise_as_strings() {
        let url = WebUrl::parse("www.example.eu").unwrap();
        assert_eq!(
            serde_json::to_string(&url).unwrap(),
            "\"https://www.example.eu/\""
        );
        assert_eq!(
            serde_json::from_str::<WebUrl>("\"https://www.example.eu/\"").unwrap(),
            url
        );
        let email = Email::parse("info@example.eu").unwrap();
        assert_eq!(
            serde_json::from_str::<Email>("\"info@example.eu\"").unwrap(),
            email
        );
    }
}
