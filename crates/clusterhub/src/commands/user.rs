//! `clusterhub user add`: creates a confirmed account from the command line, optionally with a
//! platform role — how the first platform admin of a new installation comes to exist. The
//! password is read from standard input (never from the command line, where `ps` would show
//! it) and meets the same policy as on the sign-up page.

use std::io::Read;
use std::process::ExitCode;

use anyhow::Context;
use clusterhub_accounts::{PasswordHash, PasswordPolicy, PlatformRole};
use clusterhub_domain::Email;
use clusterhub_storage::{AuditContext, NewUser, StorageError};

use crate::cli::UserAddArgs;
use crate::config::DatabaseConfig;

pub async fn add(database: &DatabaseConfig, args: UserAddArgs) -> anyhow::Result<ExitCode> {
    let email = Email::parse(&args.email)
        .map_err(|error| anyhow::anyhow!("--email {:?}: {error}", args.email))?
        .as_str()
        .to_lowercase();
    let name = args.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        anyhow::bail!("--name: give a name of 1 to 100 characters");
    }
    let role = match args.platform_role.as_deref() {
        Some(text) => Some(PlatformRole::parse(text).ok_or_else(|| {
            anyhow::anyhow!(
                "--platform-role {text:?}: one of evaluator, programme_officer, platform_admin"
            )
        })?),
        None => None,
    };
    let mut password = String::new();
    std::io::stdin()
        .read_to_string(&mut password)
        .context("reading the password from standard input")?;
    let password = password.trim_end_matches(['\n', '\r']);
    PasswordPolicy
        .check(password, &email, &name)
        .map_err(|problem| anyhow::anyhow!("the password on standard input: {problem}"))?;
    let mut salt = [0_u8; clusterhub_accounts::password::SALT_BYTES];
    getrandom::fill(&mut salt).map_err(|error| anyhow::anyhow!("no random source: {error}"))?;
    let hash = PasswordHash::new(password, &salt);

    let storage = database.open().await?;
    let context = AuditContext::system();
    let user = NewUser {
        email: email.clone(),
        display_name: name,
        password_hash: hash.as_str().to_owned(),
        language: String::from("en"),
    };
    let id = match storage.register_user(&user, &[], None, &context).await {
        Ok(id) => id,
        Err(StorageError::Conflict(_)) => {
            anyhow::bail!("an account with the address {email} exists already")
        }
        Err(error) => return Err(error.into()),
    };
    storage.mark_email_verified(id, &context).await?;
    if let Some(role) = role {
        storage
            .grant_platform_role(id, role.as_str(), &context)
            .await?;
    }
    println!(
        "account {id} created for {email}{}",
        role.map(|role| format!(" with the role {}", role.as_str()))
            .unwrap_or_default()
    );
    storage.close().await;
    Ok(ExitCode::SUCCESS)
}
