//! One generated organisation as a row of Clusterhub's organisation import layout
//! (`docs/import-format.md`), and CSV writing of such rows.
//!
//! A row keeps all its cells in one string with the end offset of each cell, so generating a row
//! costs one allocation rather than forty.

use std::fmt;

/// The columns of the layout, in the order the generator writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Column {
    ExternalId,
    Type,
    Language,
    Name,
    NameEn,
    NameFr,
    NameDe,
    Description,
    DescriptionEn,
    Website,
    Email,
    Pic,
    Vat,
    Country,
    Nuts,
    City,
    Lat,
    Lon,
    Founded,
    Staff,
    Turnover,
    BalanceSheet,
    Currency,
    Sectors,
    Nace,
    Technologies,
    S3Areas,
    Emerging,
    TargetCountriesInternational,
    TargetCountriesTransnational,
    Escp,
    Label,
    LabelDate,
    Offers,
    Requests,
    MemberOf,
    MembersSme,
    MembersLarge,
    MembersResearch,
    MembersOther,
}

/// The number of columns.
pub const COLUMN_COUNT: usize = 40;

/// The header of the layout: the column names in order.
pub const CSV_HEADER: [&str; COLUMN_COUNT] = [
    "external_id",
    "type",
    "language",
    "name",
    "name_en",
    "name_fr",
    "name_de",
    "description",
    "description_en",
    "website",
    "email",
    "pic",
    "vat",
    "country",
    "nuts",
    "city",
    "lat",
    "lon",
    "founded",
    "staff",
    "turnover",
    "balance_sheet",
    "currency",
    "sectors",
    "nace",
    "technologies",
    "s3_areas",
    "emerging",
    "target_countries_international",
    "target_countries_transnational",
    "escp",
    "label",
    "label_date",
    "offers",
    "requests",
    "member_of",
    "members_sme",
    "members_large",
    "members_research",
    "members_other",
];

impl Column {
    /// Every column, in order.
    pub const ALL: [Column; COLUMN_COUNT] = [
        Column::ExternalId,
        Column::Type,
        Column::Language,
        Column::Name,
        Column::NameEn,
        Column::NameFr,
        Column::NameDe,
        Column::Description,
        Column::DescriptionEn,
        Column::Website,
        Column::Email,
        Column::Pic,
        Column::Vat,
        Column::Country,
        Column::Nuts,
        Column::City,
        Column::Lat,
        Column::Lon,
        Column::Founded,
        Column::Staff,
        Column::Turnover,
        Column::BalanceSheet,
        Column::Currency,
        Column::Sectors,
        Column::Nace,
        Column::Technologies,
        Column::S3Areas,
        Column::Emerging,
        Column::TargetCountriesInternational,
        Column::TargetCountriesTransnational,
        Column::Escp,
        Column::Label,
        Column::LabelDate,
        Column::Offers,
        Column::Requests,
        Column::MemberOf,
        Column::MembersSme,
        Column::MembersLarge,
        Column::MembersResearch,
        Column::MembersOther,
    ];

    /// The column's name in the header.
    pub fn name(self) -> &'static str {
        CSV_HEADER[self as usize]
    }
}

/// One organisation, one cell per column of [`CSV_HEADER`]; an empty cell means "not given" and
/// list cells separate their values with `|`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DemoRow {
    text: String,
    ends: [u32; COLUMN_COUNT],
    filled: usize,
}

impl DemoRow {
    /// An empty row, to fill with [`crate::DemoRows::next_into`].
    pub fn new() -> DemoRow {
        DemoRow {
            text: String::with_capacity(1_536),
            ends: [0; COLUMN_COUNT],
            filled: 0,
        }
    }

    /// Empties the row for reuse, keeping its allocation.
    pub(crate) fn clear(&mut self) {
        self.text.clear();
        self.filled = 0;
    }

    /// The cells in [`CSV_HEADER`] order.
    pub fn fields(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        let mut start = 0;
        (0..COLUMN_COUNT).map(move |index| {
            if index >= self.filled {
                return "";
            }
            let end = self.ends[index] as usize;
            let cell = self.text.get(start..end).unwrap_or_default();
            start = end;
            cell
        })
    }

    /// The cell of one column.
    pub fn get(&self, column: Column) -> &str {
        self.cell(column as usize)
    }

    fn cell(&self, index: usize) -> &str {
        if index >= self.filled {
            return "";
        }
        let start = if index == 0 {
            0
        } else {
            self.ends[index - 1] as usize
        };
        &self.text[start..self.ends[index] as usize]
    }

    /// The text the next cell is written into.
    pub(crate) fn text(&mut self) -> &mut String {
        &mut self.text
    }

    /// Closes the cell of `column`, which must be the next one.
    pub(crate) fn end(&mut self, column: Column) {
        debug_assert_eq!(column as usize, self.filled, "columns are written in order");
        self.ends[self.filled] = self.text.len() as u32;
        self.filled += 1;
    }

    /// Writes a whole cell.
    pub(crate) fn put(&mut self, column: Column, value: &str) {
        self.text.push_str(value);
        self.end(column);
    }
}

/// Rows packed into one string, to hand a chunk of rows from a helper thread to the iterator
/// with two allocations instead of one per row.
#[derive(Debug, Default)]
pub(crate) struct RowBatch {
    text: String,
    /// Per row, where its text starts and its cells end (relative to its start).
    rows: Vec<(u32, [u32; COLUMN_COUNT])>,
}

impl RowBatch {
    pub(crate) fn with_capacity(rows: usize) -> RowBatch {
        RowBatch {
            text: String::with_capacity(rows * 1_024),
            rows: Vec::with_capacity(rows),
        }
    }

    /// Adds a complete row.
    pub(crate) fn push(&mut self, row: &DemoRow) {
        debug_assert_eq!(row.filled, COLUMN_COUNT, "only complete rows are batched");
        self.rows.push((self.text.len() as u32, row.ends));
        self.text.push_str(&row.text);
    }

    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    /// Copies row `index` into `row`, reusing its allocation.
    pub(crate) fn copy_into(&self, index: usize, row: &mut DemoRow) {
        let (start, ends) = self.rows[index];
        let start = start as usize;
        row.text.clear();
        row.text
            .push_str(&self.text[start..start + ends[COLUMN_COUNT - 1] as usize]);
        row.ends = ends;
        row.filled = COLUMN_COUNT;
    }

    /// Row `index` as a row of its own.
    pub(crate) fn to_row(&self, index: usize) -> DemoRow {
        let (start, ends) = self.rows[index];
        let start = start as usize;
        DemoRow {
            text: self.text[start..start + ends[COLUMN_COUNT - 1] as usize].to_owned(),
            ends,
            filled: COLUMN_COUNT,
        }
    }
}

impl Default for DemoRow {
    fn default() -> DemoRow {
        DemoRow::new()
    }
}

impl fmt::Debug for DemoRow {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = formatter.debug_map();
        for column in Column::ALL {
            let value = self.get(column);
            if !value.is_empty() {
                map.entry(&column.name(), &value);
            }
        }
        map.finish()
    }
}

/// Writes one CSV record (RFC 4180): cells separated by commas, quoted when they contain a comma,
/// a quote or a line break, with quotes doubled; the record ends with a line break.
pub fn write_csv_record<'a, W: fmt::Write>(
    out: &mut W,
    cells: impl IntoIterator<Item = &'a str>,
) -> fmt::Result {
    for (index, cell) in cells.into_iter().enumerate() {
        if index > 0 {
            out.write_char(',')?;
        }
        if cell
            .bytes()
            .any(|byte| matches!(byte, b',' | b'"' | b'\n' | b'\r'))
        {
            out.write_char('"')?;
            for (part_index, part) in cell.split('"').enumerate() {
                if part_index > 0 {
                    out.write_str("\"\"")?;
                }
                out.write_str(part)?;
            }
            out.write_char('"')?;
        } else {
            out.write_str(cell)?;
        }
    }
    out.write_char('\n')
}

/// Writes the header and then every row as CSV.
pub fn write_csv<W: fmt::Write>(
    out: &mut W,
    rows: impl IntoIterator<Item = DemoRow>,
) -> fmt::Result {
    write_csv_record(out, CSV_HEADER)?;
    for row in rows {
        write_csv_record(out, row.fields())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_columns_agree() {
        for (index, column) in Column::ALL.iter().enumerate() {
            assert_eq!(*column as usize, index);
            assert_eq!(column.name(), CSV_HEADER[index]);
        }
    }

    #[test]
    fn cells_are_kept_apart_and_quoted_in_csv() {
        let mut row = DemoRow::new();
        for column in Column::ALL {
            match column {
                Column::ExternalId => row.put(column, "demo-1-0000001"),
                Column::Name => row.put(column, "Silva & Santos, Lda."),
                Column::Description => row.put(column, "Says \"hello\"\nand more"),
                _ => row.end(column),
            }
        }
        assert_eq!(row.get(Column::Name), "Silva & Santos, Lda.");
        assert_eq!(row.get(Column::Type), "");
        assert_eq!(row.fields().count(), COLUMN_COUNT);
        let mut csv = String::new();
        write_csv_record(&mut csv, row.fields()).unwrap();
        assert!(csv.starts_with(
            "demo-1-0000001,,,\"Silva & Santos, Lda.\",,,,\"Says \"\"hello\"\"\nand more\","
        ));
        assert!(csv.ends_with(",,,,\n"));
    }
}
