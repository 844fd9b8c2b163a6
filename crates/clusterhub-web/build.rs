//! Embeds every message catalogue found in `locales/`, so that a language is added by adding a file.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let manifest_directory =
        std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let locales_directory = Path::new(&manifest_directory).join("locales");
    println!("cargo:rerun-if-changed={}", locales_directory.display());

    let mut files: Vec<(String, String)> = std::fs::read_dir(&locales_directory)
        .expect("the locales directory exists")
        .map(|entry| entry.expect("a readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "txt"))
        .map(|path| {
            println!("cargo:rerun-if-changed={}", path.display());
            let code = path
                .file_stem()
                .and_then(|stem| stem.to_str())
                .expect("a catalogue file is named after its language code")
                .to_owned();
            (code, path.display().to_string())
        })
        .collect();
    files.sort();

    let mut generated = String::from(
        "/// Every embedded catalogue as (language code, file text), in language-code order.\n\
         pub(crate) const CATALOGUE_FILES: &[(&str, &str)] = &[\n",
    );
    for (code, path) in &files {
        writeln!(generated, "    ({code:?}, include_str!({path:?})),")
            .expect("writing to a String");
    }
    generated.push_str("];\n");

    let output_directory = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(
        Path::new(&output_directory).join("catalogue_files.rs"),
        generated,
    )
    .expect("the generated file can be written");
}
