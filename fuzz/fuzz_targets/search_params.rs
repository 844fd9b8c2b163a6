//! Fuzzes the directory's query-string reader (shared by the search API, the directory page, the
//! map and the exports), the box and point readers, and facet value normalisation. An accepted
//! search, written back with `to_query_string`, must read again to the same search.

#![no_main]

use clusterhub_search::FacetGroup;
use clusterhub_web::search_params::{
    ParseOptions, normalise_value, parse_bbox, parse_near, parse_search, to_query_string,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    match selector % 4 {
        0 | 1 => {
            let options = ParseOptions {
                extra: if selector & 4 != 0 {
                    &["lang", "id"]
                } else {
                    &[]
                },
                ignore_empty: selector & 8 != 0,
                no_paging: selector & 16 != 0,
            };
            if let Ok(parsed) = parse_search(Some(text), options) {
                let written = to_query_string(&parsed.query);
                let again = parse_search(
                    Some(&written),
                    ParseOptions {
                        no_paging: options.no_paging,
                        ..ParseOptions::default()
                    },
                )
                .unwrap_or_else(|error| {
                    panic!("{written:?} (from {text:?}) is refused: {error:?}")
                });
                assert_eq!(again.query, parsed.query, "{text:?} → {written:?}");
            }
        }
        2 => {
            let _ = parse_bbox(text);
            let _ = parse_near(text);
        }
        _ => {
            let group = FacetGroup::ALL[usize::from(selector >> 2) % FacetGroup::ALL.len()];
            let _ = normalise_value(group, text);
        }
    }
});
