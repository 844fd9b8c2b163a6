//! Times a few searches on an index directory (development aid, not committed).
use clusterhub_search::{Filters, SearchIndex, SearchQuery, Sort};
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("index dir");
    let started = Instant::now();
    let index = SearchIndex::open_in_dir(std::path::Path::new(&path)).unwrap();
    println!("open {:?}", started.elapsed());
    let queries: Vec<(&str, SearchQuery)> = vec![
        (
            "technology",
            SearchQuery {
                text: Some("technology".into()),
                ..Default::default()
            },
        ),
        (
            "technology+sme",
            SearchQuery {
                text: Some("technology".into()),
                filters: Filters {
                    kind: vec!["sme".into()],
                    ..Default::default()
                },
                ..Default::default()
            },
        ),
        (
            "partners",
            SearchQuery {
                text: Some("partners".into()),
                ..Default::default()
            },
        ),
        ("nothing", SearchQuery::default()),
        (
            "sme micro distance",
            SearchQuery {
                filters: Filters {
                    sme: vec!["micro".into(), "undeclared".into()],
                    ..Default::default()
                },
                sort: Sort::Distance,
                near: Some((48.0, 11.0)),
                ..Default::default()
            },
        ),
        (
            "country DE",
            SearchQuery {
                filters: Filters {
                    country: vec!["DE".into()],
                    ..Default::default()
                },
                ..Default::default()
            },
        ),
        (
            "technology name",
            SearchQuery {
                text: Some("technology".into()),
                sort: Sort::Name,
                ..Default::default()
            },
        ),
    ];
    let only = std::env::args().nth(2);
    let rounds: usize = std::env::args().nth(3).map_or(20, |r| r.parse().unwrap());
    for (name, query) in &queries {
        if only.as_deref().is_some_and(|only| only != *name) {
            continue;
        }
        let mut best = f64::MAX;
        let mut total = 0;
        for _ in 0..rounds {
            let started = Instant::now();
            let results = index.search(query).unwrap();
            best = best.min(started.elapsed().as_secs_f64() * 1000.0);
            total = results.total;
        }
        println!("{name:<24} {total:>8} best {best:.3} ms");
    }
}
