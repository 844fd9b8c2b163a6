//! Accounts and access rules, pure: the password policy and argon2id hashing, one-time tokens
//! (sessions, e-mail verification, password reset, API tokens) stored only as hashes, the TOTP
//! second factor with recovery codes, the roles of DESIGN C8 and the access rule of every route,
//! and a sliding-window rate limiter.
//!
//! Nothing here reads a clock, a random source, a file or a socket: the caller passes the time
//! (Unix seconds) and random bytes in, so every rule is testable to the second.

pub mod access;
pub mod password;
pub mod rate_limit;
pub mod token;
pub mod totp;

pub use access::{Access, OrganisationRole, PlatformRole, Principal};
pub use password::{PasswordHash, PasswordPolicy, PasswordProblem};
pub use rate_limit::{RateLimit, RateLimiter};
pub use token::{Token, TokenError, TokenKind, TokenPurpose};
pub use totp::{RecoveryCode, TotpError, TotpSecret};
