//! The 51 traded cluster categories ("sectoral industries") with their NACE Rev. 2 codes, and how
//! related each pair of categories is along value chains.

use serde::{Deserialize, Serialize};

use crate::csv_text::{read_rows, split_list};
use crate::nace::NaceTable;
use crate::{Lang, ReferenceError};

/// The number of traded cluster categories of the US Cluster Mapping benchmark.
pub const CLUSTER_CATEGORY_COUNT: u8 = 51;

/// One traded cluster category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterCategory {
    /// The US Cluster Mapping identifier, 1 to 51.
    pub id: u8,
    /// A stable snake_case identifier.
    pub slug: String,
    /// The English name, as the US Cluster Mapping Project publishes it.
    pub name_en: String,
    /// The French name.
    pub name_fr: String,
    /// The German name.
    pub name_de: String,
    /// The NACE Rev. 2 divisions, groups and classes the category covers (derived, see
    /// `data/README.md`).
    pub nace: Vec<String>,
}

impl ClusterCategory {
    /// The name in the given language.
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.name_en,
            Lang::Fr => &self.name_fr,
            Lang::De => &self.name_de,
        }
    }
}

/// How related two cluster categories are (Delgado, Porter and Stern 2016).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Relatedness {
    /// The combined relatedness score.
    pub cr_all: f64,
    /// The percentile (0–99) of the combined score among all pairs.
    pub cr_all_pc: u8,
    /// The percentile of input–output links (buyer and supplier relations).
    pub cr_io_pc: u8,
    /// The percentile of shared occupations (similar skills).
    pub cr_occ_pc: u8,
    /// The percentile of co-location (the two tend to be found in the same places).
    pub cr_lc_pc: u8,
}

#[derive(Deserialize)]
struct CategoryRow {
    id: u8,
    slug: String,
    name_en: String,
    name_fr: String,
    name_de: String,
    nace: String,
}

pub(crate) fn parse_categories(
    file: &'static str,
    text: &str,
    nace: &NaceTable,
) -> Result<Vec<ClusterCategory>, ReferenceError> {
    let rows: Vec<CategoryRow> = read_rows(file, text)?;
    let mut categories = Vec::with_capacity(rows.len());
    for (index, row) in rows.into_iter().enumerate() {
        if usize::from(row.id) != index + 1 {
            return Err(ReferenceError::invalid(
                file,
                format!("category {} is out of order", row.id),
            ));
        }
        let codes = split_list(&row.nace);
        if let Some(unknown) = codes
            .iter()
            .find(|code| nace.get(code).is_none_or(|activity| activity.level < 2))
        {
            return Err(ReferenceError::invalid(
                file,
                format!(
                    "category {} names {unknown}, which is not a NACE division, group or class",
                    row.id
                ),
            ));
        }
        categories.push(ClusterCategory {
            id: row.id,
            slug: row.slug,
            name_en: row.name_en,
            name_fr: row.name_fr,
            name_de: row.name_de,
            nace: codes,
        });
    }
    Ok(categories)
}

/// Relatedness for every ordered pair of categories, in a dense 51 × 51 matrix.
#[derive(Debug, Clone)]
pub(crate) struct RelatednessMatrix {
    cells: Vec<Option<Relatedness>>,
}

#[derive(Deserialize)]
struct RelatednessRow {
    a: u8,
    b: u8,
    cr_all: f64,
    cr_all_pc: u8,
    cr_io_pc: u8,
    cr_occ_pc: u8,
    cr_lc_pc: u8,
}

fn cell_index(a: u8, b: u8) -> Option<usize> {
    let valid = 1..=CLUSTER_CATEGORY_COUNT;
    if !valid.contains(&a) || !valid.contains(&b) {
        return None;
    }
    Some(usize::from(a - 1) * usize::from(CLUSTER_CATEGORY_COUNT) + usize::from(b - 1))
}

impl RelatednessMatrix {
    pub(crate) fn parse(
        file: &'static str,
        text: &str,
    ) -> Result<RelatednessMatrix, ReferenceError> {
        let rows: Vec<RelatednessRow> = read_rows(file, text)?;
        let size = usize::from(CLUSTER_CATEGORY_COUNT);
        let mut cells = vec![None; size * size];
        for row in rows {
            let index = cell_index(row.a, row.b).ok_or_else(|| {
                ReferenceError::invalid(file, format!("pair {}–{} is out of range", row.a, row.b))
            })?;
            cells[index] = Some(Relatedness {
                cr_all: row.cr_all,
                cr_all_pc: row.cr_all_pc,
                cr_io_pc: row.cr_io_pc,
                cr_occ_pc: row.cr_occ_pc,
                cr_lc_pc: row.cr_lc_pc,
            });
        }
        if cells.iter().any(Option::is_none) {
            return Err(ReferenceError::invalid(
                file,
                "some pairs of categories are missing".to_owned(),
            ));
        }
        Ok(RelatednessMatrix { cells })
    }

    pub(crate) fn get(&self, a: u8, b: u8) -> Option<Relatedness> {
        cell_index(a, b).and_then(|index| self.cells[index])
    }
}
