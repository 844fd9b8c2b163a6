//! The command line itself.

use crate::{clusterhub, stdout};

#[test]
fn help_lists_every_subcommand() {
    let output = clusterhub().arg("--help").output().expect("help");
    let text = stdout(&output);
    for subcommand in ["serve", "migrate", "import", "demo", "bench"] {
        assert!(
            text.contains(subcommand),
            "{subcommand} missing from --help:\n{text}"
        );
    }
}

#[test]
fn migrate_creates_the_data_directory() {
    let directory = tempfile::tempdir().expect("temp dir");
    let data_dir = directory.path().join("fresh");
    let output = crate::run(&data_dir, &["migrate"]);
    assert!(output.status.success(), "{output:?}");
    assert!(data_dir.join("clusterhub.db").is_file());
}

#[test]
fn user_add_creates_a_confirmed_platform_admin_and_refuses_bad_input() {
    use std::io::Write;
    let data = tempfile::tempdir().expect("temp dir");
    let add = |email: &str, role: Option<&str>, password: &str| {
        let mut command = crate::clusterhub();
        command.arg("--data-dir").arg(data.path()).args([
            "user",
            "add",
            "--email",
            email,
            "--name",
            "Grace Hopper",
        ]);
        if let Some(role) = role {
            command.args(["--platform-role", role]);
        }
        let mut child = command
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run clusterhub user add");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(format!("{password}\n").as_bytes())
            .expect("write the password");
        child.wait_with_output().expect("wait")
    };
    let created = add(
        "grace@example.eu",
        Some("platform_admin"),
        "cobol compiler nanosecond wire",
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    assert!(crate::stdout(&created).contains("with the role platform_admin"));
    let again = add("grace@example.eu", None, "cobol compiler nanosecond wire");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
    let weak = add("ada@example.eu", None, "password1234");
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("most common passwords"));
    let role = add(
        "ada@example.eu",
        Some("root"),
        "analytical engine notes 1843",
    );
    assert!(!role.status.success());
    assert!(String::from_utf8_lossy(&role.stderr).contains("--platform-role"));
}
