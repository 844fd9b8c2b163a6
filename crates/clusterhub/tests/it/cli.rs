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
