//! Tables from files: CSV (comma, semicolon or tab separated, UTF-8) and XLSX, as rows of text
//! cells with the line they came from. The content decides the format, never the file name.

use std::io::{BufRead, BufReader, Cursor, Read};

use calamine::{Data, Reader as _, Xlsx};

use crate::{ImportError, RowError};

/// What a file's first bytes say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Csv,
    Xlsx,
}

/// Decides the format from the first bytes of a file.
pub fn sniff_format(prefix: &[u8]) -> Result<FileFormat, ImportError> {
    if prefix.starts_with(b"PK\x03\x04") {
        return Ok(FileFormat::Xlsx);
    }
    if prefix.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(ImportError::Format(String::from(
            "this is an Excel 97–2003 (.xls) workbook; save it as .xlsx or .csv",
        )));
    }
    if prefix.starts_with(b"%PDF") || prefix.contains(&0) {
        return Err(ImportError::Format(String::from(
            "this is neither a CSV text file nor an XLSX workbook",
        )));
    }
    Ok(FileFormat::Csv)
}

/// One row of a table: its line in the file (1-based, the header is line 1) and its cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    pub line: u64,
    pub fields: Vec<String>,
    /// The header names, shared by all rows of a table, for error messages.
    pub header: std::sync::Arc<[String]>,
}

impl RawRow {
    /// An error about this row's `column`.
    pub fn error(&self, column: &str, value: &str, reason: impl std::fmt::Display) -> RowError {
        RowError::new(self.line, column, value, reason)
    }
}

/// Guesses the separator from the header line: the most frequent of `,`, `;` and tab outside
/// quotes.
fn sniff_delimiter(header_line: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &byte in header_line {
        match byte {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            b'\n' => break,
            _ => {}
        }
    }
    let candidates = [b',', b';', b'\t'];
    let best = (0..3)
        .max_by_key(|&index| (counts[index], 3 - index))
        .unwrap_or(0);
    candidates[best]
}

/// Offsets of the line-ending bytes (`\r`, `\n`) that have passed through a [`LineTracker`] and
/// not been accounted for yet.
type Terminators = std::rc::Rc<std::cell::RefCell<std::collections::VecDeque<(u64, u8)>>>;

/// A reader that notes where every line-ending byte is, so that each CSV record can be given the
/// line it really starts on. (The csv crate's own positions count skipped blank lines and CRLF
/// endings in ways that put records on the wrong line.)
struct LineTracker<R> {
    inner: R,
    offset: u64,
    terminators: Terminators,
}

impl<R: Read> Read for LineTracker<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let count = self.inner.read(buffer)?;
        let mut terminators = self.terminators.borrow_mut();
        for (index, &byte) in buffer[..count].iter().enumerate() {
            if byte == b'\n' || byte == b'\r' {
                terminators.push_back((self.offset + index as u64, byte));
            }
        }
        self.offset += count as u64;
        Ok(count)
    }
}

/// Turns the csv crate's record start offsets into true line numbers.
struct LineCounter {
    terminators: Terminators,
    /// Line-feeds seen before the last record's start.
    line_feeds: u64,
}

impl LineCounter {
    /// The 1-based line on which the record the csv crate says starts at `reported_start` really
    /// starts: line endings right at that offset belong to skipped blank lines or to the previous
    /// record's CRLF, so they are stepped over first.
    fn line_of(&mut self, reported_start: u64) -> u64 {
        let mut terminators = self.terminators.borrow_mut();
        while let Some(&(offset, _)) = terminators.front() {
            if offset >= reported_start {
                break;
            }
            self.line_feeds += take_line_ending(&mut terminators);
        }
        let mut cursor = reported_start;
        while let Some(&(offset, _)) = terminators.front() {
            if offset != cursor {
                break;
            }
            self.line_feeds += take_line_ending(&mut terminators);
            cursor += 1;
        }
        self.line_feeds + 1
    }
}

/// Pops the first line-ending byte and says whether it ends a line: `\n` does, and so does a
/// `\r` that is not the first half of `\r\n` (old Mac files end lines with `\r` alone).
fn take_line_ending(terminators: &mut std::collections::VecDeque<(u64, u8)>) -> u64 {
    let Some((offset, byte)) = terminators.pop_front() else {
        return 0;
    };
    match (byte, terminators.front()) {
        (b'\r', Some(&(next, b'\n'))) if next == offset + 1 => 0,
        _ => 1,
    }
}

/// Streams the rows of a CSV file. Lines that are not UTF-8 or have the wrong number of cells
/// come out as errors with their line number; reading goes on after them.
pub struct CsvRows<R: Read> {
    reader: csv::Reader<BufReader<LineTracker<R>>>,
    header: std::sync::Arc<[String]>,
    record: csv::ByteRecord,
    lines: LineCounter,
}

impl<R: Read> std::fmt::Debug for CsvRows<R> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("CsvRows")
            .field("header", &self.header)
            .finish()
    }
}

impl<R: Read> CsvRows<R> {
    /// Reads the header and gets ready to stream the rows.
    pub fn new(reader: R) -> Result<Self, ImportError> {
        let terminators = Terminators::default();
        let tracker = LineTracker {
            inner: reader,
            offset: 0,
            terminators: terminators.clone(),
        };
        let mut buffered = BufReader::with_capacity(1 << 16, tracker);
        let prefix = buffered
            .fill_buf()
            .map_err(|error| ImportError::Io(error.to_string()))?;
        let delimiter = sniff_delimiter(prefix);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(true)
            .from_reader(buffered);
        let header_record = reader
            .byte_headers()
            .map_err(|error| ImportError::Header(error.to_string()))?
            .clone();
        let mut header = Vec::with_capacity(header_record.len());
        for (index, cell) in header_record.iter().enumerate() {
            let cell = if index == 0 {
                cell.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(cell)
            } else {
                cell
            };
            let text = std::str::from_utf8(cell).map_err(|_| {
                ImportError::Header(format!(
                    "line 1, column {}: the header is not UTF-8 text; save the file as UTF-8",
                    index + 1
                ))
            })?;
            header.push(text.trim().to_owned());
        }
        if header.iter().all(String::is_empty) {
            return Err(ImportError::Header(String::from(
                "the file is empty: line 1 must name the columns",
            )));
        }
        Ok(CsvRows {
            reader,
            header: header.into(),
            record: csv::ByteRecord::new(),
            lines: LineCounter {
                terminators,
                line_feeds: 0,
            },
        })
    }

    /// The column names from line 1.
    pub fn header(&self) -> &[String] {
        &self.header
    }
}

impl<R: Read> Iterator for CsvRows<R> {
    type Item = Result<RawRow, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => return None,
                Err(error) => {
                    let line = error
                        .position()
                        .map_or(0, |position| self.lines.line_of(position.byte()));
                    return Some(Err(RowError::new(
                        line,
                        "",
                        "",
                        format!("unreadable CSV: {error}"),
                    )));
                }
                Ok(true) => {}
            }
            let line = self
                .record
                .position()
                .map_or(0, |position| self.lines.line_of(position.byte()));
            // A completely empty line is not a row.
            if self.record.len() == 1 && self.record[0].is_empty() {
                continue;
            }
            if self.record.len() != self.header.len() {
                return Some(Err(RowError::new(
                    line,
                    "",
                    "",
                    format!(
                        "this row has {} cells and the header has {}; check the separators and quotes",
                        self.record.len(),
                        self.header.len()
                    ),
                )));
            }
            let mut fields = Vec::with_capacity(self.record.len());
            for (index, cell) in self.record.iter().enumerate() {
                match std::str::from_utf8(cell) {
                    Ok(text) => fields.push(text.to_owned()),
                    Err(utf8_error) => {
                        let bad_byte = cell[utf8_error.valid_up_to()];
                        return Some(Err(RowError::new(
                            line,
                            &self.header[index],
                            &String::from_utf8_lossy(cell),
                            format!(
                                "not UTF-8 text (byte 0x{bad_byte:02X} after {} valid bytes); save the file as UTF-8",
                                utf8_error.valid_up_to()
                            ),
                        )));
                    }
                }
            }
            return Some(Ok(RawRow {
                line,
                fields,
                header: self.header.clone(),
            }));
        }
    }
}

/// The largest sheet Excel writes: 1,048,576 rows of 16,384 columns.
const XLSX_MAX_ROWS: u32 = 1 << 20;
const XLSX_MAX_COLUMNS: u32 = 1 << 14;

/// Reads the first sheet of an XLSX workbook: the header from row 1, then every non-empty row.
///
/// calamine reads cell references with unchecked arithmetic (tafia/calamine#709): a crafted
/// reference panics where overflow checks are on and wraps to a wrong cell where they are off.
/// A panic inside calamine is turned into an error here, and a sheet reaching beyond Excel's
/// own limits is refused, so a malformed file is an error, never a crash or a shifted table.
pub fn read_xlsx(bytes: Vec<u8>) -> Result<(Vec<String>, Vec<RawRow>), ImportError> {
    let unreadable =
        |error: String| ImportError::Format(format!("not a readable XLSX workbook: {error}"));
    let read = std::panic::catch_unwind(move || {
        let mut workbook: Xlsx<_> =
            Xlsx::new(Cursor::new(bytes)).map_err(|error| error.to_string())?;
        let Some(sheet_name) = workbook.sheet_names().first().cloned() else {
            return Err(String::from("the workbook has no sheet"));
        };
        workbook
            .worksheet_range(&sheet_name)
            .map_err(|error| format!("sheet {sheet_name}: {error}"))
    });
    let range = match read {
        Ok(Ok(range)) => range,
        Ok(Err(error)) => return Err(unreadable(error)),
        Err(_) => {
            return Err(unreadable(String::from(
                "the reader failed on malformed content (a cell reference out of range?)",
            )));
        }
    };
    if let Some((row, column)) = range.end()
        && (row >= XLSX_MAX_ROWS || column >= XLSX_MAX_COLUMNS)
    {
        return Err(unreadable(format!(
            "a cell lies beyond row {XLSX_MAX_ROWS} or column {XLSX_MAX_COLUMNS} (row {}, column {})",
            u64::from(row) + 1,
            u64::from(column) + 1
        )));
    }
    // Row numbers in messages are the spreadsheet's own, counted from the sheet's first row.
    let first_row = u64::from(range.start().map_or(0, |(row, _)| row)) + 1;
    let mut rows = range.rows();
    let Some(header_cells) = rows.next() else {
        return Err(ImportError::Header(String::from(
            "the sheet is empty: row 1 must name the columns",
        )));
    };
    let header: Vec<String> = header_cells
        .iter()
        .map(|cell| cell_text(cell).trim().to_owned())
        .collect();
    let shared: std::sync::Arc<[String]> = header.clone().into();
    let mut out = Vec::new();
    for (offset, cells) in rows.enumerate() {
        let fields: Vec<String> = cells.iter().map(cell_text).collect();
        if fields.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        out.push(RawRow {
            line: first_row + 1 + offset as u64,
            fields,
            header: shared.clone(),
        });
    }
    Ok((header, out))
}

/// A cell as text: whole numbers without a decimal point, dates as `YYYY-MM-DD`.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(text) => text.clone(),
        Data::Float(number) => {
            if number.fract() == 0.0 && number.abs() < 1e15 {
                format!("{}", *number as i64)
            } else {
                number.to_string()
            }
        }
        Data::Int(number) => number.to_string(),
        Data::Bool(value) => value.to_string(),
        Data::DateTime(date) => excel_serial_to_date(date.as_f64()),
        Data::DateTimeIso(text) | Data::DurationIso(text) => text.chars().take(10).collect(),
        Data::Error(error) => format!("#ERROR {error:?}"),
    }
}

/// An Excel date serial (days since 1899-12-30 in the 1900 date system) as `YYYY-MM-DD`.
fn excel_serial_to_date(serial: f64) -> String {
    // Days from 1970-01-01, then the civil-from-days algorithm (H. Hinnant, public domain).
    let days = serial.floor() as i64 - 25_569;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the `import_organisations` fuzz target: a workbook whose cell reference has more
    /// letters than a `u32` column number holds made calamine panic.
    #[test]
    fn a_cell_reference_beyond_excel_is_an_error_not_a_crash() {
        let bytes = include_bytes!("../tests/fixtures/xlsx-overflowing-cell-reference.xlsx");
        let error = read_xlsx(bytes.to_vec()).expect_err("a malformed workbook");
        assert!(
            error.to_string().contains("not a readable XLSX workbook"),
            "{error}"
        );
    }

    #[test]
    fn excel_dates() {
        assert_eq!(excel_serial_to_date(45_717.0), "2025-03-01");
        assert_eq!(excel_serial_to_date(25_569.0), "1970-01-01");
        assert_eq!(excel_serial_to_date(36_526.5), "2000-01-01");
    }

    #[test]
    fn delimiters_are_sniffed_outside_quotes() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1;2"), b',');
        assert_eq!(sniff_delimiter(b"projectID;projectAcronym;name\n"), b';');
        assert_eq!(sniff_delimiter(b"\"a;b\",c,d\n"), b',');
        assert_eq!(sniff_delimiter(b"a\tb\tc\n"), b'\t');
    }

    #[test]
    fn formats_are_sniffed_from_content() {
        assert_eq!(
            sniff_format(b"PK\x03\x04rest").expect("xlsx"),
            FileFormat::Xlsx
        );
        assert_eq!(
            sniff_format(b"external_id,name\n").expect("csv"),
            FileFormat::Csv
        );
        assert!(sniff_format(b"%PDF-1.7").is_err());
        assert!(sniff_format(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0]).is_err());
    }

    fn lines_of(data: &[u8]) -> Vec<u64> {
        CsvRows::new(Cursor::new(data.to_vec()))
            .expect("header")
            .map(|row| row.map_or_else(|error| error.line, |row| row.line))
            .collect()
    }

    #[test]
    fn line_numbers_are_true_with_blank_lines_crlf_and_multiline_cells() {
        assert_eq!(lines_of(b"a,b\n1,2\n3,4\n\n5,6\n7,8\n"), [2, 3, 5, 6]);
        assert_eq!(lines_of(b"a,b\r\n1,2\r\n\r\n5,6\r\n"), [2, 4]);
        assert_eq!(lines_of(b"a,b\n1,\"x\ny\"\n5,6\n"), [2, 4]);
        assert_eq!(lines_of(b"a,b\r1,2\r3,4"), [2, 3]);
    }

    #[test]
    fn csv_rows_report_bad_lines_and_go_on() {
        let data = b"\xEF\xBB\xBFa,b\n1,2\n3\n\nx\xE9,4\n5,6\n".to_vec();
        let mut rows = CsvRows::new(Cursor::new(data)).expect("header");
        assert_eq!(rows.header(), ["a", "b"]);
        let first = rows.next().expect("row").expect("ok");
        assert_eq!(
            (first.line, first.fields.clone()),
            (2, vec![String::from("1"), String::from("2")])
        );
        let short = rows.next().expect("row").expect_err("short row");
        assert_eq!(short.line, 3);
        let not_utf8 = rows.next().expect("row").expect_err("not utf-8");
        assert_eq!((not_utf8.line, not_utf8.column.as_str()), (5, "a"));
        assert!(not_utf8.reason.contains("UTF-8"), "{}", not_utf8.reason);
        let last = rows.next().expect("row").expect("ok");
        assert_eq!(last.line, 6);
        assert!(rows.next().is_none());
    }
}
