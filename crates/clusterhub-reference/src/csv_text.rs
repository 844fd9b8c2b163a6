//! Reading the embedded CSV files into typed rows, with errors that name the file and line.

use serde::de::DeserializeOwned;

use crate::ReferenceError;

/// Parses every record of an embedded CSV file (with a header line) into `Row`s.
pub(crate) fn read_rows<Row: DeserializeOwned>(
    file: &'static str,
    text: &str,
) -> Result<Vec<Row>, ReferenceError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for result in reader.deserialize::<Row>() {
        let row = result.map_err(|error| ReferenceError::from_csv(file, &error))?;
        rows.push(row);
    }
    Ok(rows)
}

/// Splits a space-separated list field into its items, skipping empty ones.
pub(crate) fn split_list(field: &str) -> Vec<String> {
    field.split_whitespace().map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Row {
        code: String,
        value: Option<f64>,
    }

    #[test]
    fn reads_rows_and_empty_optional_fields() {
        let rows: Vec<Row> = read_rows("test.csv", "code,value\nA,1.5\nB,\n").unwrap();
        assert_eq!(
            rows,
            vec![
                Row {
                    code: "A".into(),
                    value: Some(1.5)
                },
                Row {
                    code: "B".into(),
                    value: None
                },
            ]
        );
    }

    #[test]
    fn names_the_file_and_line_of_a_bad_record() {
        let error = read_rows::<Row>("test.csv", "code,value\nA,1.5\nB,abc\n").unwrap_err();
        let message = error.to_string();
        assert!(message.contains("test.csv"), "{message}");
        assert!(message.contains("line 3"), "{message}");
    }

    #[test]
    fn splits_lists_on_whitespace() {
        assert_eq!(split_list(" 10.1  10.2 "), vec!["10.1", "10.2"]);
        assert!(split_list("").is_empty());
    }
}
