//! Fuzzes the organisation importer on whole files: the format sniffing, the CSV reader and the
//! XLSX reader, the header check, and every row through the domain's field parsers.

#![no_main]

use clusterhub_import::{CsvRows, FileFormat, OrganisationColumns, read_xlsx, sniff_format};
use libfuzzer_sys::fuzz_target;
use time::macros::date;

fuzz_target!(|data: &[u8]| {
    let today = date!(2026 - 11 - 22);
    let Ok(format) = sniff_format(&data[..data.len().min(8)]) else {
        return;
    };
    match format {
        FileFormat::Xlsx => {
            // `read_xlsx` turns a panic inside calamine into an error (see its docs); libFuzzer's
            // hook would abort before that, so it is silenced for the call. A panic in our own
            // code still aborts: libfuzzer-sys treats any unwinding out of this closure as a crash.
            let hook = std::panic::take_hook();
            std::panic::set_hook(Box::new(|_| {}));
            let read = read_xlsx(data.to_vec());
            std::panic::set_hook(hook);
            let Ok((header, rows)) = read else {
                return;
            };
            let Ok(columns) = OrganisationColumns::from_header(&header) else {
                return;
            };
            for row in &rows {
                let _ = columns.parse(row, today);
            }
        }
        FileFormat::Csv => {
            let Ok(rows) = CsvRows::new(data) else {
                return;
            };
            let Ok(columns) = OrganisationColumns::from_header(rows.header()) else {
                // Still read every row: the reader must not panic on any input.
                for row in rows {
                    let _ = row;
                }
                return;
            };
            for row in rows.flatten() {
                if let Err(errors) = columns.parse(&row, today) {
                    // Every error names a line that exists and a column of the header (or none).
                    for error in errors {
                        assert!(error.line >= 1, "an error without a line: {error:?}");
                    }
                }
            }
        }
    }
});
