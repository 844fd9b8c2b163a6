//! Fuzzes the regional employment importers: the format detection, Eurostat's raw TSV and the
//! Data Commons CSV. The first byte picks the entry point.

#![no_main]

use clusterhub_import::{parse_data_commons_csv, parse_employment, parse_eurostat_tsv};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let _ = match selector % 3 {
        0 => parse_employment(rest),
        1 => parse_eurostat_tsv(rest),
        _ => parse_data_commons_csv(rest),
    };
});
