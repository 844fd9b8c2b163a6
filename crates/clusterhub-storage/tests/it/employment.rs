//! Regional employment rows on both backends.

use clusterhub_storage::{EmploymentImportSummary, EmploymentRow, Storage};

use crate::both;

fn row(region: &str, sector: &str, year: i64, persons: Option<i64>) -> EmploymentRow {
    EmploymentRow {
        classification: String::from("nace_a10"),
        region: region.to_owned(),
        sector: sector.to_owned(),
        year,
        persons,
        flags: String::new(),
        code_in_file: None,
        source: String::from("test.csv"),
    }
}

both!(
    employment_import_is_idempotent_and_keeps_missing_values,
    |storage: Storage| async move {
        let mut rows = vec![
            row("AT11", "C", 2015, Some(31_300)),
            row("AT11", "TOTAL", 2015, Some(254_300)),
            row("AT11", "J", 2015, None),
        ];
        // More rows than one statement holds.
        for year in 0..1_500 {
            rows.push(row("DE111", "A", 3_000 + year, Some(year)));
        }
        assert_eq!(storage.employment_version().await.unwrap(), 0);
        let first = storage.import_employment(&rows).await.unwrap();
        assert_eq!(
            first,
            EmploymentImportSummary {
                written: 1_503,
                unchanged: 0
            }
        );
        let again = storage.import_employment(&rows).await.unwrap();
        assert_eq!(
            again,
            EmploymentImportSummary {
                written: 0,
                unchanged: 1_503
            }
        );
        // An import that writes nothing leaves the version as it was.
        assert_eq!(storage.employment_version().await.unwrap(), 1);

        // A changed value, a value that becomes missing and a new flag are written; nothing else.
        let mut changed = rows.clone();
        changed[0].persons = Some(31_400);
        changed[1].persons = None;
        changed[2].flags = String::from("c");
        let third = storage.import_employment(&changed).await.unwrap();
        assert_eq!(
            third,
            EmploymentImportSummary {
                written: 3,
                unchanged: 1_500
            }
        );
        assert_eq!(storage.employment_version().await.unwrap(), 2);

        let stored = storage.employment_rows("nace_a10").await.unwrap();
        assert_eq!(stored.len(), 1_503);
        assert_eq!(
            &stored[..3],
            &[changed[0].clone(), changed[2].clone(), changed[1].clone()]
        );
        assert_eq!(stored[2].persons, None);
        // The observatory's narrower read gives the same values in the same order.
        let cells = storage.employment_cells("nace_a10").await.unwrap();
        assert_eq!(cells.len(), stored.len());
        for (cell, row) in cells.iter().zip(&stored) {
            assert_eq!(
                (&cell.region, &cell.sector, cell.year, cell.persons),
                (&row.region, &row.sector, row.year, row.persons)
            );
        }
        assert!(
            storage
                .employment_cells("clusters")
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(storage.employment_count("nace_a10").await.unwrap(), 1_503);
        assert_eq!(storage.employment_count("clusters").await.unwrap(), 0);
    }
);
