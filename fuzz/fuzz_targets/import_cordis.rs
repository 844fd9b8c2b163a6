//! Fuzzes the CORDIS importers: one project record in XML, and the CSV layout of projects with
//! their participants. The first byte picks the parser.

#![no_main]

use clusterhub_import::{parse_cordis_csv, parse_cordis_xml};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    if selector % 2 == 0 {
        let _ = parse_cordis_xml(rest, "fuzz.xml");
    } else {
        let _ = parse_cordis_csv(rest);
    }
});
