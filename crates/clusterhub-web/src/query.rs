//! Strict reading of query strings for the API: every parameter must be one the endpoint knows,
//! given at most once, with a value it accepts; anything else is a 400 that names the parameter.

use std::collections::HashMap;
use std::str::FromStr;

use crate::error::{ApiError, ErrorCode};

/// The parameters of one request's query string, checked against the names an endpoint accepts.
#[derive(Debug)]
pub struct QueryParameters {
    values: HashMap<String, String>,
}

impl QueryParameters {
    /// Reads a raw query string (without the `?`), refusing parameters not in `accepted` and
    /// parameters given twice.
    pub fn parse(query: Option<&str>, accepted: &[&str]) -> Result<QueryParameters, ApiError> {
        let mut values = HashMap::new();
        for (name, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            if name.is_empty() && value.is_empty() {
                continue;
            }
            if !accepted.contains(&name.as_ref()) {
                let detail = if accepted.is_empty() {
                    format!("This endpoint takes no query parameters; remove `{name}`.")
                } else {
                    format!(
                        "This endpoint does not know the parameter `{name}`; it accepts {}.",
                        accepted.join(", ")
                    )
                };
                return Err(
                    ApiError::new(ErrorCode::UnknownParameter, detail).with_parameter(&name)
                );
            }
            if values.contains_key(name.as_ref()) {
                return Err(ApiError::new(
                    ErrorCode::RepeatedParameter,
                    format!("The parameter `{name}` is given more than once; give it once."),
                )
                .with_parameter(&name));
            }
            values.insert(name.into_owned(), value.into_owned());
        }
        Ok(QueryParameters { values })
    }

    /// The trimmed value of a parameter, `None` if it is absent; an empty value is refused.
    pub fn text(&self, name: &str) -> Result<Option<&str>, ApiError> {
        match self.values.get(name).map(|value| value.trim()) {
            None => Ok(None),
            Some("") => Err(ApiError::invalid_parameter(
                name,
                format!("The parameter `{name}` is empty; give a value or leave it out."),
            )),
            Some(value) => Ok(Some(value)),
        }
    }

    /// A whole number from `minimum` to `maximum`, or `None` if absent.
    pub fn integer_in<T>(&self, name: &str, minimum: T, maximum: T) -> Result<Option<T>, ApiError>
    where
        T: FromStr + PartialOrd + std::fmt::Display + Copy,
    {
        let Some(text) = self.text(name)? else {
            return Ok(None);
        };
        match text.parse::<T>() {
            Ok(value) if value >= minimum && value <= maximum => Ok(Some(value)),
            _ => Err(ApiError::invalid_parameter(
                name,
                format!("`{name}` must be a whole number from {minimum} to {maximum}."),
            )),
        }
    }

    /// One of a closed list of values, given as (text, value) pairs; `None` if absent.
    pub fn choice<T: Copy>(
        &self,
        name: &str,
        choices: &[(&str, T)],
    ) -> Result<Option<T>, ApiError> {
        let Some(text) = self.text(name)? else {
            return Ok(None);
        };
        choices
            .iter()
            .find(|(choice, _)| choice.eq_ignore_ascii_case(text))
            .map(|(_, value)| Some(*value))
            .ok_or_else(|| {
                let allowed: Vec<&str> = choices.iter().map(|(choice, _)| *choice).collect();
                ApiError::invalid_parameter(
                    name,
                    format!("`{name}` must be one of {}.", allowed.join(", ")),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of<T: std::fmt::Debug>(result: Result<T, ApiError>) -> (ErrorCode, Option<String>) {
        let error = result.expect_err("an error");
        (error.code(), error.parameter().map(str::to_owned))
    }

    #[test]
    fn known_parameters_are_read_and_others_refused_by_name() {
        let query =
            QueryParameters::parse(Some("level=2&parent=DE"), &["level", "parent"]).expect("valid");
        assert_eq!(query.integer_in("level", 0u8, 3).expect("valid"), Some(2));
        assert_eq!(query.integer_in("absent", 0u8, 3).expect("valid"), None);
        assert_eq!(query.text("parent").expect("valid"), Some("DE"));
        assert_eq!(
            error_of(QueryParameters::parse(
                Some("level=2&colour=red"),
                &["level"]
            )),
            (ErrorCode::UnknownParameter, Some(String::from("colour")))
        );
        assert_eq!(
            error_of(QueryParameters::parse(Some("level=1&level=2"), &["level"])),
            (ErrorCode::RepeatedParameter, Some(String::from("level")))
        );
    }

    #[test]
    fn values_are_checked_against_their_range_or_list() {
        let query = QueryParameters::parse(
            Some("level=7&version=2019&q=&lang=FR"),
            &["level", "version", "q", "lang"],
        )
        .expect("valid");
        assert_eq!(
            error_of(query.integer_in("level", 0u8, 3)),
            (ErrorCode::InvalidParameter, Some(String::from("level")))
        );
        assert_eq!(
            error_of(query.choice("version", &[("2016", 2016), ("2021", 2021)])),
            (ErrorCode::InvalidParameter, Some(String::from("version")))
        );
        assert_eq!(
            error_of(query.text("q")),
            (ErrorCode::InvalidParameter, Some(String::from("q")))
        );
        assert_eq!(
            query
                .choice("lang", &[("en", 1), ("fr", 2)])
                .expect("valid"),
            Some(2)
        );
    }
}
