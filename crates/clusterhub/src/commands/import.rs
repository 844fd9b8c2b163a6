//! `clusterhub import organisations|cordis`: load files, or check them with `--dry-run`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clusterhub_import::{
    CordisProject, RowError, parse_cordis_csv, parse_cordis_xml, sniff_format,
};
use clusterhub_storage::{OrganisationImport, ParticipantImport, Project, ProjectImport};

use crate::cli::{ImportCommand, ImportCordisArgs, ImportOrganisationsArgs};
use crate::config::DatabaseConfig;
use crate::pipeline::{self, LoadReport, RowSource};

pub async fn run(database: &DatabaseConfig, command: ImportCommand) -> anyhow::Result<ExitCode> {
    match command {
        ImportCommand::Organisations(args) => organisations(database, args).await,
        ImportCommand::Cordis(args) => cordis(database, args).await,
        ImportCommand::Employment(args) => {
            crate::commands::import_employment::run(database, args).await
        }
    }
}

async fn organisations(
    database: &DatabaseConfig,
    args: ImportOrganisationsArgs,
) -> anyhow::Result<ExitCode> {
    if !args.file.is_file() {
        anyhow::bail!("{} is not a file", args.file.display());
    }
    let storage = database.open().await?;
    let report = pipeline::load(&storage, RowSource::File(args.file.clone()), args.dry_run).await?;
    storage.close().await;
    Ok(print_report(&args.file, &report, args.dry_run))
}

/// Prints what an import did (or every problem) and gives the exit code: 0 when it went through
/// (or, in a dry run, would have), 1 when anything was refused.
pub fn print_report(file: &Path, report: &LoadReport, dry_run: bool) -> ExitCode {
    if let Some(fatal) = &report.fatal {
        eprintln!("{}: {fatal}", file.display());
        eprintln!("nothing was written");
        return ExitCode::FAILURE;
    }
    if !report.errors.is_empty() {
        for error in &report.errors {
            println!("{}: {error}", file.display());
        }
        let bad_lines = {
            let mut lines: Vec<u64> = report.errors.iter().map(|error| error.line).collect();
            lines.dedup();
            lines.len()
        };
        println!(
            "{} problem(s) on {bad_lines} of {} row(s); nothing was written",
            report.errors.len(),
            report.rows
        );
        return ExitCode::FAILURE;
    }
    if dry_run {
        println!(
            "{} row(s) checked, all valid; dry run: nothing was written",
            report.rows
        );
    } else {
        let summary = report.summary;
        println!(
            "{} row(s) imported in {:.2} s: {} new, {} updated, {} unchanged, {} membership(s) added",
            report.rows,
            report.elapsed.as_secs_f64(),
            summary.inserted,
            summary.updated,
            summary.unchanged,
            summary.memberships_added
        );
    }
    ExitCode::SUCCESS
}

async fn cordis(database: &DatabaseConfig, args: ImportCordisArgs) -> anyhow::Result<ExitCode> {
    let (projects, errors) = read_cordis(&args.path)?;
    if !errors.is_empty() {
        for error in &errors {
            println!("{error}");
        }
        println!("{} problem(s); nothing was written", errors.len());
        return Ok(ExitCode::FAILURE);
    }
    let participants: usize = projects
        .iter()
        .map(|project| project.participants.len())
        .sum();
    if args.dry_run {
        println!(
            "{} project(s) with {participants} participation(s) checked; dry run: nothing was written",
            projects.len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let storage = database.open().await?;
    let imports: Vec<ProjectImport> = projects.iter().map(project_import).collect();
    let summary = storage.import_projects(&imports).await?;
    storage.close().await;
    println!(
        "{} project(s): {} new, {} updated, {} unchanged; {} organisation(s) added; {} participation(s) written",
        projects.len(),
        summary.projects_inserted,
        summary.projects_updated,
        summary.projects_unchanged,
        summary.organisations_added,
        summary.participations_written
    );
    Ok(ExitCode::SUCCESS)
}

/// Reads a CORDIS XML file, a folder of XML files, or a CORDIS CSV file. Problems are collected
/// as text lines naming the file.
pub fn read_cordis(path: &Path) -> anyhow::Result<(Vec<CordisProject>, Vec<String>)> {
    let mut files: Vec<PathBuf> = Vec::new();
    if path.is_dir() {
        for entry in
            std::fs::read_dir(path).with_context(|| format!("reading {}", path.display()))?
        {
            let entry_path = entry?.path();
            if entry_path.is_file() {
                files.push(entry_path);
            }
        }
        files.sort();
    } else {
        files.push(path.to_owned());
    }
    let mut projects = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
        let name = file.display().to_string();
        let text_start = bytes
            .iter()
            .position(|byte| !byte.is_ascii_whitespace())
            .unwrap_or(0);
        if bytes[text_start..].starts_with(b"<") {
            match parse_cordis_xml(&bytes, &name) {
                Ok(project) => projects.push(project),
                Err(error) => errors.push(error.to_string()),
            }
            continue;
        }
        if let Err(error) = sniff_format(&bytes[..bytes.len().min(8)]) {
            errors.push(format!("{name}: {error}"));
            continue;
        }
        match parse_cordis_csv(bytes.as_slice()) {
            Ok((file_projects, row_errors)) => {
                projects.extend(file_projects);
                errors.extend(
                    row_errors
                        .iter()
                        .map(|error: &RowError| format!("{name}: {error}")),
                );
            }
            Err(error) => errors.push(format!("{name}: {error}")),
        }
    }
    Ok((projects, errors))
}

/// The storage form of a CORDIS project: participants become minimal directory profiles, which
/// are written only for organisations the directory does not hold yet.
pub fn project_import(project: &CordisProject) -> ProjectImport {
    ProjectImport {
        project: Project {
            source: String::from("cordis"),
            source_id: project.grant_id.clone(),
            acronym: project.acronym.clone(),
            title: project.title.clone(),
            programme: project.programme.clone(),
            call_id: project.call_id.clone(),
            start_date: project.start_date.clone(),
            end_date: project.end_date.clone(),
            total_cost_cents: project.total_cost.map(|money| money.cents),
            ec_max_contribution_cents: project.ec_max_contribution.map(|money| money.cents),
            currency: String::from("EUR"),
        },
        participants: project
            .participants
            .iter()
            .map(|participant| {
                let name = if participant.name.is_empty() {
                    participant.external_key.clone()
                } else {
                    participant.name.clone()
                };
                let organisation = OrganisationImport {
                    external_key: participant.external_key.clone(),
                    kind: participant.org_type().slug().to_owned(),
                    names: [(String::from("en"), name.clone())].into_iter().collect(),
                    name,
                    pic: participant.pic.clone(),
                    country: participant
                        .country
                        .map(|country| country.as_str().to_owned())
                        .unwrap_or_default(),
                    nuts: participant.nuts.map(|nuts| nuts.as_str().to_owned()),
                    city: participant.city.clone(),
                    sme_status: String::from("undeclared"),
                    ..OrganisationImport::default()
                };
                ParticipantImport {
                    organisation,
                    role: participant.role.clone(),
                    ec_contribution_cents: participant.ec_contribution.map(|money| money.cents),
                }
            })
            .collect(),
    }
}
