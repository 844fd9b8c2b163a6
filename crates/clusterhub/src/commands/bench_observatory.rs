//! `clusterhub bench observatory`: every observatory statistic for every region (NUTS 0–3, all
//! 1,300-odd NUTS-3 regions included) × sector × year of the shipped Eurostat table, computed by
//! `clusterhub-observatory`, beside the same computation written in SQL (window functions) in
//! SQLite, in the same run; both results are compared value by value.
//!
//! Both start from the same input: the reported values laid out densely (a row per region ×
//! sector × year, NULL when missing) and the reported totals. Neither figure includes parsing the
//! file or loading the input. The SQL figure covers every statement from the input tables to a
//! result table and reading that table back; SQLite as bundled has no math functions, so the
//! growth rate's root is taken in Rust as the rows are read (inside the timing).

use std::collections::HashMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clusterhub_observatory::{
    CellStatistics, EmploymentTable, Options, SectorRole, Statistics, compute,
};
use sqlx::{ConnectOptions, Connection, Executor, Row};

use crate::cli::BenchObservatoryArgs;
use crate::commands::import_employment::{
    SHIPPED_EMPLOYMENT_CSV, employment_table, read_employment,
};

pub async fn run(args: BenchObservatoryArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let values = read_employment(SHIPPED_EMPLOYMENT_CSV.as_bytes()).map_err(anyhow::Error::msg)?;
    let table = employment_table(&values)?;
    let options = Options::default();
    let n_regions = table.regions().len();
    let n_level_3 = table.regions().iter().filter(|r| r.level == 3).count();
    println!(
        "input: {} regions ({} at NUTS 3) × {} sectors × {} years = {} cells; parsed in {:.0} ms (not measured below)",
        n_regions,
        n_level_3,
        table.classification().len(),
        table.years().len(),
        n_regions * table.classification().len() * table.years().len(),
        started.elapsed().as_secs_f64() * 1e3
    );

    let runs = args.runs.max(1);
    let mut ours = Vec::with_capacity(runs);
    let mut statistics = None;
    for _ in 0..runs {
        let start = Instant::now();
        let result = compute(&table, &options);
        ours.push(start.elapsed());
        statistics = Some(result);
    }
    let statistics = statistics.expect("at least one run");

    let directory = tempfile::tempdir()?;
    let connect = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(directory.path().join("observatory.db"))
        .create_if_missing(true)
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Off)
        .synchronous(sqlx::sqlite::SqliteSynchronous::Off)
        .log_statements(log::LevelFilter::Off)
        .log_slow_statements(log::LevelFilter::Off, Duration::from_secs(60));
    let mut connection = sqlx::SqliteConnection::connect_with(&connect).await?;
    connection
        .execute("PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY;")
        .await?;
    load_input(&mut connection, &table).await?;
    let mut reference = Vec::with_capacity(runs);
    let mut sql_cells = HashMap::new();
    for _ in 0..runs {
        let start = Instant::now();
        sql_cells = compute_in_sql(&mut connection, &options).await?;
        reference.push(start.elapsed());
    }
    connection.close().await?;

    let mismatches = compare(&table, &statistics, &sql_cells);
    let median = |times: &mut Vec<Duration>| {
        times.sort();
        times[times.len() / 2].as_secs_f64() * 1e3
    };
    let ours_ms = median(&mut ours);
    let reference_ms = median(&mut reference);
    println!(
        "{:<52} {:>9.1} ms   reference (SQLite, window functions) {:>9.1} ms   ratio {:.3}",
        format!(
            "every statistic, {} cells (median of {runs})",
            statistics.cells.len()
        ),
        ours_ms,
        reference_ms,
        ours_ms / reference_ms
    );
    println!(
        "target: under 1,000 ms for ours: {}",
        if ours_ms < 1000.0 { "met" } else { "NOT met" }
    );
    if mismatches.is_empty() {
        println!(
            "results: equal ({} cells × employment, share, LQ, 3 percentile ranks, growth, 3 ECO criteria, US strong and top tier)",
            sql_cells.len()
        );
        Ok(ExitCode::SUCCESS)
    } else {
        println!("results: {} differences, the first ones:", mismatches.len());
        for mismatch in mismatches.iter().take(20) {
            println!("  {mismatch}");
        }
        Ok(ExitCode::FAILURE)
    }
}

/// The input tables, dense like our table: `reported` (region × sector × year, NULL when
/// missing), `reported_total`, `sectors` with their role, `aggregate_parts`.
async fn load_input(
    connection: &mut sqlx::SqliteConnection,
    table: &EmploymentTable,
) -> anyhow::Result<()> {
    connection
        .execute(
            "CREATE TABLE reported (region TEXT NOT NULL, level INTEGER NOT NULL, \
             sector INTEGER NOT NULL, year INTEGER NOT NULL, persons INTEGER, \
             PRIMARY KEY (region, year, sector)) WITHOUT ROWID;
             CREATE TABLE reported_total (region TEXT NOT NULL, level INTEGER NOT NULL, \
             year INTEGER NOT NULL, total INTEGER, PRIMARY KEY (region, year)) WITHOUT ROWID;
             CREATE TABLE sectors (sector INTEGER PRIMARY KEY, role TEXT NOT NULL);
             CREATE TABLE aggregate_parts (sector INTEGER NOT NULL, part INTEGER NOT NULL);",
        )
        .await?;
    let classification = table.classification();
    let mut transaction = connection.begin().await?;
    for sector in 0..classification.len() {
        let role = match classification.role(sector) {
            SectorRole::Partition => "partition",
            SectorRole::SubGroup(_) => "subgroup",
            SectorRole::Aggregate(parts) => {
                for part in parts {
                    sqlx::query("INSERT INTO aggregate_parts VALUES ($1, $2)")
                        .bind(sector as i64)
                        .bind(*part as i64)
                        .execute(&mut *transaction)
                        .await?;
                }
                "aggregate"
            }
        };
        sqlx::query("INSERT INTO sectors VALUES ($1, $2)")
            .bind(sector as i64)
            .bind(role)
            .execute(&mut *transaction)
            .await?;
    }
    for (position, region) in table.regions().iter().enumerate() {
        for (year_position, &year) in table.years().iter().enumerate() {
            sqlx::query("INSERT INTO reported_total VALUES ($1, $2, $3, $4)")
                .bind(&region.code)
                .bind(i64::from(region.level))
                .bind(i64::from(year))
                .bind(
                    table
                        .reported_total(position, year_position)
                        .map(|v| v as i64),
                )
                .execute(&mut *transaction)
                .await?;
            for sector in 0..classification.len() {
                sqlx::query("INSERT INTO reported VALUES ($1, $2, $3, $4, $5)")
                    .bind(&region.code)
                    .bind(i64::from(region.level))
                    .bind(sector as i64)
                    .bind(i64::from(year))
                    .bind(
                        table
                            .reported(position, sector, year_position)
                            .map(|v| v as i64),
                    )
                    .execute(&mut *transaction)
                    .await?;
            }
        }
    }
    transaction.commit().await?;
    connection.execute("ANALYZE").await?;
    Ok(())
}

/// One cell as SQL computed it.
#[derive(Debug, Clone, PartialEq)]
struct SqlCell {
    employment: Option<i64>,
    total: Option<i64>,
    share: Option<f64>,
    lq: Option<f64>,
    employment_rank: Option<f64>,
    share_rank: Option<f64>,
    lq_rank: Option<f64>,
    growth: Option<f64>,
    size: bool,
    specialisation: bool,
    focus: bool,
    strong: bool,
    top_tier: bool,
}

/// A percentile (type 7, as `clusterhub_observatory::percentile`) of one ranked metric per
/// level × sector × year.
fn percentile_sql(name: &str, ranked: &str, p: f64) -> String {
    format!(
        "CREATE TEMP TABLE {name} AS
         WITH k AS (SELECT DISTINCT level, sector, year, n, (n - 1) * ({p:?} / 100.0) AS h
                    FROM {ranked}),
              kj AS (SELECT level, sector, year, n, h, CAST(h AS INTEGER) AS j FROM k)
         SELECT kj.level, kj.sector, kj.year, lo.v + (kj.h - kj.j) * (hi.v - lo.v) AS value
         FROM kj
         JOIN {ranked} lo ON lo.level = kj.level AND lo.sector = kj.sector AND lo.year = kj.year
              AND lo.rn = kj.j + 1
         JOIN {ranked} hi ON hi.level = kj.level AND hi.sector = kj.sector AND hi.year = kj.year
              AND hi.rn = MIN(kj.j + 2, kj.n);
         CREATE INDEX {name}_key ON {name} (level, sector, year);"
    )
}

/// Ranks of one metric of `cells`: row number, values below, values equal, group size.
fn ranked_sql(name: &str, column: &str) -> String {
    format!(
        "CREATE TEMP TABLE {name} AS
         SELECT region, level, sector, year, {column} AS v,
                ROW_NUMBER() OVER (PARTITION BY level, sector, year ORDER BY {column}) AS rn,
                RANK() OVER (PARTITION BY level, sector, year ORDER BY {column}) - 1 AS below,
                COUNT(*) OVER (PARTITION BY level, sector, year, {column}) AS equal,
                COUNT(*) OVER (PARTITION BY level, sector, year) AS n
         FROM cells WHERE {column} IS NOT NULL;
         CREATE INDEX {name}_rn ON {name} (level, sector, year, rn);
         CREATE INDEX {name}_cell ON {name} (region, sector, year);"
    )
}

async fn compute_in_sql(
    connection: &mut sqlx::SqliteConnection,
    options: &Options,
) -> anyhow::Result<HashMap<(String, i64, i64), SqlCell>> {
    let span = i64::from(options.growth_span);
    let eco = &options.eco;
    let us = &options.us;
    let mut script = String::from(
        "DROP TABLE IF EXISTS employment; DROP TABLE IF EXISTS totals;
         DROP TABLE IF EXISTS reference_members; DROP TABLE IF EXISTS reference_total;
         DROP TABLE IF EXISTS reference_sector; DROP TABLE IF EXISTS cells;
         DROP TABLE IF EXISTS ranked_employment; DROP TABLE IF EXISTS ranked_share;
         DROP TABLE IF EXISTS ranked_lq; DROP TABLE IF EXISTS size_threshold;
         DROP TABLE IF EXISTS focus_threshold; DROP TABLE IF EXISTS us_lq_threshold;
         DROP TABLE IF EXISTS us_employment_threshold; DROP TABLE IF EXISTS us_top_threshold;
         DROP TABLE IF EXISTS results;
         -- Aggregates: the sum of their parts when all are known, else as reported.
         CREATE TEMP TABLE employment AS
         SELECT r.region, r.level, r.sector, r.year,
                CASE WHEN s.role = 'aggregate' THEN COALESCE(
                    (SELECT CASE WHEN COUNT(p.persons) = COUNT(*) THEN SUM(p.persons) END
                     FROM aggregate_parts ap
                     JOIN reported p ON p.region = r.region AND p.year = r.year
                          AND p.sector = ap.part
                     WHERE ap.sector = r.sector),
                    r.persons)
                ELSE r.persons END AS persons
         FROM reported r JOIN sectors s ON s.sector = r.sector;
         CREATE INDEX employment_key ON employment (region, year, sector);
         -- Region totals: as reported, else the partition's sum when all of it is known.
         CREATE TEMP TABLE totals AS
         SELECT t.region, t.level, t.year, COALESCE(t.total,
                (SELECT CASE WHEN COUNT(e.persons) = COUNT(*) THEN SUM(e.persons) END
                 FROM employment e JOIN sectors s ON s.sector = e.sector AND s.role = 'partition'
                 WHERE e.region = t.region AND e.year = t.year)) AS total
         FROM reported_total t;
         CREATE INDEX totals_key ON totals (region, year);
         -- The reference: countries whose total and whole partition are known that year.
         CREATE TEMP TABLE reference_members AS
         SELECT t.region, t.year FROM totals t
         WHERE t.level = 0 AND t.total IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM employment e JOIN sectors s ON s.sector = e.sector
             WHERE s.role = 'partition' AND e.region = t.region AND e.year = t.year
               AND e.persons IS NULL);
         CREATE TEMP TABLE reference_total AS
         SELECT m.year, SUM(t.total) AS total
         FROM reference_members m JOIN totals t ON t.region = m.region AND t.year = m.year
         GROUP BY m.year;
         CREATE TEMP TABLE reference_sector AS
         SELECT m.year, e.sector,
                CASE WHEN COUNT(e.persons) = COUNT(*) THEN SUM(e.persons) END AS persons
         FROM reference_members m JOIN employment e ON e.region = m.region AND e.year = m.year
         GROUP BY m.year, e.sector;
         CREATE INDEX reference_sector_key ON reference_sector (year, sector);
         ",
    );
    script.push_str(&format!(
        "CREATE TEMP TABLE cells AS
         SELECT e.region, e.level, e.sector, e.year, e.persons AS employment, t.total,
                CASE WHEN t.total > 0 THEN CAST(e.persons AS REAL) / t.total END AS share,
                CASE WHEN t.total > 0 AND rs.persons > 0 AND rt.total > 0
                     THEN (CAST(e.persons AS REAL) / t.total) / (CAST(rs.persons AS REAL) / rt.total)
                END AS lq,
                CASE WHEN start.persons > 0 THEN CAST(e.persons AS REAL) / start.persons END
                    AS growth_factor
         FROM employment e
         JOIN totals t ON t.region = e.region AND t.year = e.year
         LEFT JOIN reference_sector rs ON rs.year = e.year AND rs.sector = e.sector
         LEFT JOIN reference_total rt ON rt.year = e.year
         LEFT JOIN employment start ON start.region = e.region AND start.sector = e.sector
              AND start.year = e.year - {span};
         CREATE INDEX cells_group ON cells (level, sector, year);
         "
    ));
    script.push_str(&ranked_sql("ranked_employment", "employment"));
    script.push_str(&ranked_sql("ranked_share", "share"));
    script.push_str(&ranked_sql("ranked_lq", "lq"));
    script.push_str(&percentile_sql(
        "size_threshold",
        "ranked_employment",
        100.0 - eco.size_top_percent,
    ));
    script.push_str(&percentile_sql(
        "focus_threshold",
        "ranked_share",
        100.0 - eco.focus_top_percent,
    ));
    script.push_str(&percentile_sql(
        "us_lq_threshold",
        "ranked_lq",
        us.lq_percentile,
    ));
    script.push_str(&percentile_sql(
        "us_employment_threshold",
        "ranked_employment",
        us.employment_percentile,
    ));
    script.push_str(&percentile_sql(
        "us_top_threshold",
        "ranked_lq",
        us.top_tier_lq_percentile,
    ));
    let rank = |table: &str| {
        format!(
            "CASE WHEN {table}.n = 1 THEN 100.0 ELSE \
             100.0 * ({table}.below + ({table}.equal - 1.0) / 2.0) / ({table}.n - 1) END"
        )
    };
    script.push_str(&format!(
        "CREATE TEMP TABLE results AS
         SELECT c.region, c.sector, c.year, c.employment, c.total, c.share, c.lq, c.growth_factor,
                {employment_rank} AS employment_rank, {share_rank} AS share_rank,
                {lq_rank} AS lq_rank,
                COALESCE(c.employment > 0 AND c.employment >= st.value, 0) AS size,
                COALESCE(c.lq >= {specialisation:?}, 0) AS specialisation,
                COALESCE(c.share > 0 AND c.share >= ft.value, 0) AS focus,
                COALESCE(c.lq >= ul.value AND c.employment > ue.value AND c.lq >= {minimum:?}, 0)
                    AS strong,
                COALESCE(c.lq >= ul.value AND c.employment > ue.value AND c.lq >= {minimum:?}
                         AND c.lq >= ut.value, 0) AS top_tier
         FROM cells c
         LEFT JOIN ranked_employment re ON re.region = c.region AND re.sector = c.sector
              AND re.year = c.year
         LEFT JOIN ranked_share rsh ON rsh.region = c.region AND rsh.sector = c.sector
              AND rsh.year = c.year
         LEFT JOIN ranked_lq rl ON rl.region = c.region AND rl.sector = c.sector
              AND rl.year = c.year
         LEFT JOIN size_threshold st ON st.level = c.level AND st.sector = c.sector
              AND st.year = c.year
         LEFT JOIN focus_threshold ft ON ft.level = c.level AND ft.sector = c.sector
              AND ft.year = c.year
         LEFT JOIN us_lq_threshold ul ON ul.level = c.level AND ul.sector = c.sector
              AND ul.year = c.year
         LEFT JOIN us_employment_threshold ue ON ue.level = c.level AND ue.sector = c.sector
              AND ue.year = c.year
         LEFT JOIN us_top_threshold ut ON ut.level = c.level AND ut.sector = c.sector
              AND ut.year = c.year;",
        employment_rank = rank("re"),
        share_rank = rank("rsh"),
        lq_rank = rank("rl"),
        specialisation = eco.specialisation_lq,
        minimum = us.minimum_lq,
    ));
    sqlx::raw_sql(&script).execute(&mut *connection).await?;

    let root = 1.0 / span as f64;
    let rows = sqlx::query(
        "SELECT region, sector, year, employment, total, share, lq, growth_factor, \
         employment_rank, share_rank, lq_rank, size, specialisation, focus, strong, top_tier \
         FROM results",
    )
    .fetch_all(&mut *connection)
    .await?;
    let mut cells = HashMap::with_capacity(rows.len());
    for row in rows {
        let growth_factor: Option<f64> = row.try_get(7)?;
        let cell = SqlCell {
            employment: row.try_get(3)?,
            total: row.try_get(4)?,
            share: row.try_get(5)?,
            lq: row.try_get(6)?,
            growth: growth_factor.map(|factor| factor.powf(root) - 1.0),
            employment_rank: row.try_get(8)?,
            share_rank: row.try_get(9)?,
            lq_rank: row.try_get(10)?,
            size: row.try_get::<i64, _>(11)? != 0,
            specialisation: row.try_get::<i64, _>(12)? != 0,
            focus: row.try_get::<i64, _>(13)? != 0,
            strong: row.try_get::<i64, _>(14)? != 0,
            top_tier: row.try_get::<i64, _>(15)? != 0,
        };
        cells.insert((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?), cell);
    }
    Ok(cells)
}

fn same(ours: Option<f64>, theirs: Option<f64>) -> bool {
    match (ours, theirs) {
        (None, None) => true,
        (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0),
        _ => false,
    }
}

fn compare(
    table: &EmploymentTable,
    statistics: &Statistics,
    sql: &HashMap<(String, i64, i64), SqlCell>,
) -> Vec<String> {
    let mut mismatches = Vec::new();
    if statistics.cells.len() != sql.len() {
        mismatches.push(format!(
            "{} cells here, {} in SQL",
            statistics.cells.len(),
            sql.len()
        ));
    }
    for cell in &statistics.cells {
        let CellStatistics {
            region,
            sector,
            year,
            ..
        } = cell;
        let code = &table.regions()[*region as usize].code;
        let key = (code.clone(), i64::from(*sector), i64::from(*year));
        let Some(theirs) = sql.get(&key) else {
            mismatches.push(format!("{key:?}: no SQL row"));
            continue;
        };
        let checks = [
            (
                "employment",
                cell.employment.map(|v| v as i64) == theirs.employment,
            ),
            (
                "region employment",
                cell.region_employment.map(|v| v as i64) == theirs.total,
            ),
            ("share", same(cell.share, theirs.share)),
            ("lq", same(cell.lq, theirs.lq)),
            (
                "employment rank",
                same(cell.employment_rank, theirs.employment_rank),
            ),
            ("share rank", same(cell.share_rank, theirs.share_rank)),
            ("lq rank", same(cell.lq_rank, theirs.lq_rank)),
            ("growth", same(cell.growth, theirs.growth)),
            ("size", cell.eco.size == theirs.size),
            (
                "specialisation",
                cell.eco.specialisation == theirs.specialisation,
            ),
            ("focus", cell.eco.focus == theirs.focus),
            ("strong", cell.us.strong == theirs.strong),
            ("top tier", cell.us.top_tier == theirs.top_tier),
        ];
        for (what, equal) in checks {
            if !equal {
                mismatches.push(format!("{key:?} {what}: ours {cell:?}, SQL {theirs:?}"));
            }
        }
    }
    mismatches
}
