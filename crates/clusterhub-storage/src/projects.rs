//! EU projects and organisations' participations in them ("participation in EU programmes").
//!
//! A CORDIS import writes projects and participations and adds the participating organisations
//! that the directory does not hold yet; an organisation already in the directory keeps its
//! profile (a CORDIS record carries far less than a profile does).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::organisations::{ImportTransaction, OrganisationImport, reserve_ids};
use crate::{Storage, StorageError};

/// A project with its participants, as an importer hands it over.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectImport {
    pub project: Project,
    pub participants: Vec<ParticipantImport>,
}

/// One organisation's part in a project being imported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParticipantImport {
    /// The organisation; written only if its external key is not in the directory yet.
    pub organisation: OrganisationImport,
    pub role: String,
    pub ec_contribution_cents: Option<i64>,
}

/// An EU-funded project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    /// Where the record comes from, e.g. `cordis`.
    pub source: String,
    /// The project's id in that source (CORDIS: the grant agreement number).
    pub source_id: String,
    pub acronym: String,
    pub title: String,
    /// The framework programme, e.g. `H2020`.
    pub programme: String,
    pub call_id: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub total_cost_cents: Option<i64>,
    pub ec_max_contribution_cents: Option<i64>,
    pub currency: String,
}

/// An organisation's participation, joined with its project, as shown on a profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Participation {
    pub project: Project,
    pub role: String,
    pub ec_contribution_cents: Option<i64>,
}

/// What a project import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct CordisImportSummary {
    pub projects_inserted: u64,
    pub projects_updated: u64,
    pub projects_unchanged: u64,
    pub organisations_added: u64,
    pub participations_written: u64,
}

impl Storage {
    /// Imports projects with their participants in one transaction; running it twice with the
    /// same input changes nothing the second time.
    pub async fn import_projects(
        &self,
        projects: &[ProjectImport],
    ) -> Result<CordisImportSummary, StorageError> {
        let mut import = self.begin_organisation_import().await?;
        let summary = import.write_projects(projects).await?;
        import.commit().await?;
        Ok(summary)
    }

    /// The projects an organisation took part in, newest first.
    pub async fn participations(
        &self,
        organisation_id: i64,
    ) -> Result<Vec<Participation>, StorageError> {
        let rows = sqlx::query(
            "SELECT p.source, p.source_id, p.acronym, p.title, p.programme, p.call_id, p.start_date, \
             p.end_date, p.total_cost_cents, p.ec_max_contribution_cents, p.currency, r.role, \
             r.ec_contribution_cents FROM participations r JOIN projects p ON p.id = r.project_id \
             WHERE r.organisation_id = $1 ORDER BY p.start_date DESC, p.acronym",
        )
        .bind(organisation_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Participation {
                    project: Project {
                        source: row.try_get(0)?,
                        source_id: row.try_get(1)?,
                        acronym: row.try_get(2)?,
                        title: row.try_get(3)?,
                        programme: row.try_get(4)?,
                        call_id: row.try_get(5)?,
                        start_date: row.try_get(6)?,
                        end_date: row.try_get(7)?,
                        total_cost_cents: row.try_get(8)?,
                        ec_max_contribution_cents: row.try_get(9)?,
                        currency: row.try_get(10)?,
                    },
                    role: row.try_get(11)?,
                    ec_contribution_cents: row.try_get(12)?,
                })
            })
            .collect()
    }

    /// How many projects are stored.
    pub async fn project_count(&self) -> Result<i64, StorageError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM projects")
            .fetch_one(self.pool())
            .await?)
    }

    /// How many participations are stored.
    pub async fn participation_count(&self) -> Result<i64, StorageError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM participations")
            .fetch_one(self.pool())
            .await?)
    }
}

impl ImportTransaction {
    /// Writes projects, their missing organisations and their participations.
    pub async fn write_projects(
        &mut self,
        projects: &[ProjectImport],
    ) -> Result<CordisImportSummary, StorageError> {
        let mut summary = CordisImportSummary::default();

        // Organisations first: every participant must exist before a participation names it.
        let mut seen: HashMap<&str, ()> = HashMap::new();
        let mut organisations: Vec<OrganisationImport> = Vec::new();
        for project in projects {
            for participant in &project.participants {
                let key = participant.organisation.external_key.as_str();
                if seen.insert(key, ()).is_none() {
                    organisations.push(participant.organisation.clone());
                }
            }
        }
        let mut organisation_ids: HashMap<String, i64> = HashMap::new();
        for chunk in organisations.chunks(500) {
            let (ids, added) = self.insert_missing_organisations(chunk).await?;
            summary.organisations_added += added;
            organisation_ids.extend(ids);
        }

        for import in projects {
            let project = &import.project;
            let existing = sqlx::query(
                "SELECT id, acronym, title, programme, call_id, start_date, end_date, \
                 total_cost_cents, ec_max_contribution_cents, currency FROM projects \
                 WHERE source = $1 AND source_id = $2",
            )
            .bind(project.source.as_str())
            .bind(project.source_id.as_str())
            .fetch_optional(self.connection())
            .await?;
            let project_id = match existing {
                Some(row) => {
                    let id: i64 = row.try_get(0)?;
                    let stored = Project {
                        source: project.source.clone(),
                        source_id: project.source_id.clone(),
                        acronym: row.try_get(1)?,
                        title: row.try_get(2)?,
                        programme: row.try_get(3)?,
                        call_id: row.try_get(4)?,
                        start_date: row.try_get(5)?,
                        end_date: row.try_get(6)?,
                        total_cost_cents: row.try_get(7)?,
                        ec_max_contribution_cents: row.try_get(8)?,
                        currency: row.try_get(9)?,
                    };
                    if stored == *project {
                        summary.projects_unchanged += 1;
                    } else {
                        if stored.programme != project.programme {
                            // Every participant's list of programmes changes.
                            let participants: Vec<i64> = sqlx::query_scalar(
                                "SELECT organisation_id FROM participations WHERE project_id = $1",
                            )
                            .bind(id)
                            .fetch_all(self.connection())
                            .await?;
                            for organisation_id in participants {
                                self.touch(organisation_id);
                            }
                        }
                        sqlx::query(
                            "UPDATE projects SET acronym = $1, title = $2, programme = $3, \
                             call_id = $4, start_date = $5, end_date = $6, total_cost_cents = $7, \
                             ec_max_contribution_cents = $8, currency = $9 WHERE id = $10",
                        )
                        .bind(project.acronym.as_str())
                        .bind(project.title.as_str())
                        .bind(project.programme.as_str())
                        .bind(project.call_id.as_deref())
                        .bind(project.start_date.as_deref())
                        .bind(project.end_date.as_deref())
                        .bind(project.total_cost_cents)
                        .bind(project.ec_max_contribution_cents)
                        .bind(project.currency.as_str())
                        .bind(id)
                        .execute(self.connection())
                        .await?;
                        summary.projects_updated += 1;
                    }
                    id
                }
                None => {
                    let id = reserve_ids(self.transaction_mut(), "projects", 1).await?;
                    sqlx::query(
                        "INSERT INTO projects (id, source, source_id, acronym, title, programme, \
                         call_id, start_date, end_date, total_cost_cents, \
                         ec_max_contribution_cents, currency) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                    )
                    .bind(id)
                    .bind(project.source.as_str())
                    .bind(project.source_id.as_str())
                    .bind(project.acronym.as_str())
                    .bind(project.title.as_str())
                    .bind(project.programme.as_str())
                    .bind(project.call_id.as_deref())
                    .bind(project.start_date.as_deref())
                    .bind(project.end_date.as_deref())
                    .bind(project.total_cost_cents)
                    .bind(project.ec_max_contribution_cents)
                    .bind(project.currency.as_str())
                    .execute(self.connection())
                    .await?;
                    summary.projects_inserted += 1;
                    id
                }
            };
            for participant in &import.participants {
                let Some(organisation_id) =
                    organisation_ids.get(&participant.organisation.external_key)
                else {
                    return Err(StorageError::Corrupt(format!(
                        "participant {} was not written",
                        participant.organisation.external_key
                    )));
                };
                // Upsert that writes only when something differs, so a repeated import is a no-op.
                let result = sqlx::query(
                    "INSERT INTO participations (project_id, organisation_id, role, \
                     ec_contribution_cents) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (project_id, organisation_id) DO UPDATE SET role = excluded.role, \
                     ec_contribution_cents = excluded.ec_contribution_cents \
                     WHERE participations.role <> excluded.role \
                     OR participations.ec_contribution_cents IS DISTINCT FROM excluded.ec_contribution_cents",
                )
                .bind(project_id)
                .bind(*organisation_id)
                .bind(participant.role.as_str())
                .bind(participant.ec_contribution_cents)
                .execute(self.connection())
                .await?;
                summary.participations_written += result.rows_affected();
                if result.rows_affected() > 0 {
                    self.touch(*organisation_id);
                }
            }
        }
        Ok(summary)
    }
}
