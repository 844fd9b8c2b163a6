//! Uploaded files, checked by their content rather than their name or declared type: the first
//! bytes say what a file is (PNG, JPEG, WebP, PDF, CSV text, an XLSX workbook), a route names the
//! kinds it takes, and anything else — SVG and HTML above all, which a browser would run as
//! script — is refused with a 415 problem that says what was found and what is accepted. A file
//! name is reduced to a safe last component (no folders, no `..`, no control characters).
//!
//! ```
//! use clusterhub_web::upload::{UploadKind, check_upload};
//! let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
//! let checked = check_upload(png, Some("../../logo.png"), &[UploadKind::Png, UploadKind::Jpeg], 1 << 20).unwrap();
//! assert_eq!(checked.kind, UploadKind::Png);
//! assert_eq!(checked.file_name.as_deref(), Some("logo.png"));
//! ```

use crate::error::{ApiError, ErrorCode};

/// A kind of file a route may accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadKind {
    Png,
    Jpeg,
    Webp,
    Pdf,
    /// UTF-8 text (a byte-order mark allowed) without NUL bytes or markup.
    Csv,
    /// An Office Open XML workbook (a ZIP with `[Content_Types].xml` and an `xl/` part).
    Xlsx,
}

impl UploadKind {
    /// The media type to store and serve the file with.
    pub fn media_type(self) -> &'static str {
        match self {
            UploadKind::Png => "image/png",
            UploadKind::Jpeg => "image/jpeg",
            UploadKind::Webp => "image/webp",
            UploadKind::Pdf => "application/pdf",
            UploadKind::Csv => "text/csv",
            UploadKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// The file name extensions this kind goes by.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            UploadKind::Png => &["png"],
            UploadKind::Jpeg => &["jpg", "jpeg"],
            UploadKind::Webp => &["webp"],
            UploadKind::Pdf => &["pdf"],
            UploadKind::Csv => &["csv", "txt"],
            UploadKind::Xlsx => &["xlsx"],
        }
    }

    /// A short name for messages.
    pub fn name(self) -> &'static str {
        match self {
            UploadKind::Png => "PNG",
            UploadKind::Jpeg => "JPEG",
            UploadKind::Webp => "WebP",
            UploadKind::Pdf => "PDF",
            UploadKind::Csv => "CSV",
            UploadKind::Xlsx => "XLSX",
        }
    }
}

/// What the content of a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    Kind(UploadKind),
    /// An SVG image: XML that can carry script; never accepted.
    Svg,
    /// HTML or other markup: never accepted.
    Markup,
    /// Something else (another binary format, text with NUL bytes, invalid UTF-8).
    Unknown,
}

/// What the first bytes of `bytes` say the file is.
pub fn sniff(bytes: &[u8]) -> Sniffed {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Sniffed::Kind(UploadKind::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Sniffed::Kind(UploadKind::Jpeg);
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Sniffed::Kind(UploadKind::Webp);
    }
    if bytes.starts_with(b"%PDF-") {
        return Sniffed::Kind(UploadKind::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        let has = |needle: &[u8]| bytes.windows(needle.len()).any(|window| window == needle);
        return if has(b"[Content_Types].xml") && has(b"xl/") {
            Sniffed::Kind(UploadKind::Xlsx)
        } else {
            Sniffed::Unknown
        };
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(text) else {
        return Sniffed::Unknown;
    };
    if text.contains('\0') {
        return Sniffed::Unknown;
    }
    let head: String = text
        .chars()
        .take(1024)
        .collect::<String>()
        .to_ascii_lowercase();
    if head.contains("<svg") {
        return Sniffed::Svg;
    }
    // A document that opens with a tag is markup (HTML, XML); text inside a cell that merely
    // contains one is data, shown escaped like any other.
    if head.trim_start().starts_with('<') {
        return Sniffed::Markup;
    }
    Sniffed::Kind(UploadKind::Csv)
}

/// Why an upload was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("{found} files are not accepted (they can carry script); send {allowed}")]
    Refused {
        found: &'static str,
        allowed: String,
    },
    #[error("the file's content is {found}, but {allowed} is expected")]
    WrongContent { found: String, allowed: String },
    #[error("the file's content is {found}, but its name ends in .{extension}")]
    NameMismatch {
        found: &'static str,
        extension: String,
    },
}

impl From<UploadError> for ApiError {
    fn from(error: UploadError) -> ApiError {
        let detail = format!("The upload was refused: {error}.");
        match error {
            UploadError::Empty => {
                ApiError::new(ErrorCode::InvalidField, detail).with_parameter("file")
            }
            UploadError::TooLarge { .. } => ApiError::new(ErrorCode::PayloadTooLarge, detail),
            UploadError::Refused { .. }
            | UploadError::WrongContent { .. }
            | UploadError::NameMismatch { .. } => {
                ApiError::new(ErrorCode::UnsupportedMediaType, detail).with_parameter("file")
            }
        }
    }
}

/// A file that passed [`check_upload`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedUpload {
    pub kind: UploadKind,
    /// The name to keep (see [`safe_file_name`]), if one was given and anything of it is left.
    pub file_name: Option<String>,
}

/// Checks an uploaded file: not empty, at most `max_bytes`, its content one of `allowed`, and
/// the extension of `file_name` (if it has one) fitting that content.
pub fn check_upload(
    bytes: &[u8],
    file_name: Option<&str>,
    allowed: &[UploadKind],
    max_bytes: usize,
) -> Result<CheckedUpload, UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    if bytes.len() > max_bytes {
        return Err(UploadError::TooLarge { limit: max_bytes });
    }
    let allowed_names = allowed
        .iter()
        .map(|kind| kind.name())
        .collect::<Vec<_>>()
        .join(", ");
    let kind = match sniff(bytes) {
        Sniffed::Kind(kind) if allowed.contains(&kind) => kind,
        Sniffed::Kind(kind) => {
            return Err(UploadError::WrongContent {
                found: kind.name().to_owned(),
                allowed: allowed_names,
            });
        }
        Sniffed::Svg => {
            return Err(UploadError::Refused {
                found: "SVG",
                allowed: allowed_names,
            });
        }
        Sniffed::Markup => {
            return Err(UploadError::Refused {
                found: "HTML",
                allowed: allowed_names,
            });
        }
        Sniffed::Unknown => {
            return Err(UploadError::WrongContent {
                found: String::from("of an unknown kind"),
                allowed: allowed_names,
            });
        }
    };
    let file_name = file_name.and_then(safe_file_name);
    if let Some(name) = &file_name
        && let Some((_, extension)) = name.rsplit_once('.')
    {
        let extension = extension.to_ascii_lowercase();
        if !kind.extensions().contains(&extension.as_str()) {
            return Err(UploadError::NameMismatch {
                found: kind.name(),
                extension,
            });
        }
    }
    Ok(CheckedUpload { kind, file_name })
}

/// The last component of an uploaded file's name, safe to store and show: folders (`/`, `\`)
/// dropped, control characters and anything but letters, digits, `.`, `-`, `_` and spaces
/// replaced by `_`, no leading dots, at most 100 characters. `None` if nothing is left.
pub fn safe_file_name(name: &str) -> Option<String> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    let cleaned: String = cleaned.chars().take(100).collect();
    (!cleaned.is_empty()).then_some(cleaned)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\0\x10JFIF";
    const WEBP: &[u8] = b"RIFF\x24\0\0\0WEBPVP8 ";
    const IMAGES: &[UploadKind] = &[UploadKind::Png, UploadKind::Jpeg, UploadKind::Webp];
    const TABLES: &[UploadKind] = &[UploadKind::Csv, UploadKind::Xlsx];

    fn xlsx() -> Vec<u8> {
        let mut bytes = b"PK\x03\x04\x14\0\0\0\x08\0".to_vec();
        bytes.extend_from_slice(b"[Content_Types].xml....PK\x03\x04....xl/workbook.xml");
        bytes
    }

    #[test]
    fn images_are_known_by_their_first_bytes() {
        for (bytes, kind) in [
            (PNG, UploadKind::Png),
            (JPEG, UploadKind::Jpeg),
            (WEBP, UploadKind::Webp),
        ] {
            assert_eq!(sniff(bytes), Sniffed::Kind(kind));
            assert_eq!(check_upload(bytes, None, IMAGES, 1_000).unwrap().kind, kind);
        }
        assert_eq!(sniff(b"%PDF-1.7\n"), Sniffed::Kind(UploadKind::Pdf));
    }

    #[test]
    fn svg_and_html_are_refused_whatever_their_name() {
        let svg =
            br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#;
        assert_eq!(sniff(svg), Sniffed::Svg);
        let refused = check_upload(svg, Some("logo.png"), IMAGES, 1_000).unwrap_err();
        assert!(matches!(refused, UploadError::Refused { found: "SVG", .. }));
        let error = ApiError::from(refused);
        assert_eq!(error.code(), ErrorCode::UnsupportedMediaType);
        assert!(error.detail().contains("SVG"), "{}", error.detail());
        for html in [
            &b"<!DOCTYPE html><script>alert(1)</script>"[..],
            b"  <html><body>x</body></html>",
            b"\xEF\xBB\xBF<script>alert(1)</script>",
        ] {
            assert_eq!(sniff(html), Sniffed::Markup);
            assert!(matches!(
                check_upload(html, Some("data.csv"), TABLES, 1_000),
                Err(UploadError::Refused { found: "HTML", .. })
            ));
        }
    }

    #[test]
    fn content_and_name_must_agree_with_what_the_route_takes() {
        // A PNG offered as a spreadsheet, a spreadsheet offered as a logo.
        assert!(matches!(
            check_upload(PNG, Some("members.csv"), TABLES, 1_000),
            Err(UploadError::WrongContent { .. })
        ));
        assert!(matches!(
            check_upload(&xlsx(), Some("logo.png"), IMAGES, 1_000),
            Err(UploadError::WrongContent { .. })
        ));
        // Right content, misleading name.
        assert!(matches!(
            check_upload(PNG, Some("logo.jpg"), IMAGES, 1_000),
            Err(UploadError::NameMismatch { found: "PNG", .. })
        ));
        // An executable or a ZIP that is not a workbook is of no known kind.
        assert_eq!(sniff(b"MZ\x90\0\x03\0\0\0"), Sniffed::Unknown);
        assert_eq!(sniff(b"PK\x03\x04 just a zip"), Sniffed::Unknown);
        assert_eq!(sniff(b"a,b\n1,\0"), Sniffed::Unknown);
        assert_eq!(sniff(b"\xFF\xFEa\0,\0"), Sniffed::Unknown);
        // Tables: CSV (with or without a byte-order mark; a cell may hold anything, it is shown
        // escaped) and XLSX.
        assert_eq!(
            sniff(b"name,notes\nx,<script>alert(1)</script>"),
            Sniffed::Kind(UploadKind::Csv)
        );
        assert_eq!(
            check_upload(
                b"\xEF\xBB\xBFname,country\nA,DE\n",
                Some("orgs.CSV"),
                TABLES,
                1_000
            )
            .unwrap()
            .kind,
            UploadKind::Csv
        );
        assert_eq!(
            check_upload(&xlsx(), Some("orgs.xlsx"), TABLES, 1_000)
                .unwrap()
                .kind,
            UploadKind::Xlsx
        );
        // Empty and too large.
        assert_eq!(check_upload(b"", None, TABLES, 10), Err(UploadError::Empty));
        assert_eq!(
            check_upload(b"a,b,c,d,e,f", None, TABLES, 10),
            Err(UploadError::TooLarge { limit: 10 })
        );
        assert_eq!(
            ApiError::from(UploadError::TooLarge { limit: 10 }).code(),
            ErrorCode::PayloadTooLarge
        );
        assert_eq!(
            ApiError::from(UploadError::Empty).code(),
            ErrorCode::InvalidField
        );
    }

    #[test]
    fn file_names_lose_their_folders_and_odd_characters() {
        assert_eq!(
            safe_file_name("../../etc/passwd").as_deref(),
            Some("passwd")
        );
        assert_eq!(
            safe_file_name("C:\\Users\\x\\logo final.png").as_deref(),
            Some("logo final.png")
        );
        assert_eq!(safe_file_name("..").as_deref(), None);
        assert_eq!(safe_file_name(".htaccess").as_deref(), Some("htaccess"));
        assert_eq!(
            safe_file_name("a\u{0}b<script>.csv").as_deref(),
            Some("a_b_script_.csv")
        );
        assert_eq!(safe_file_name(&"x".repeat(300)).map(|n| n.len()), Some(100));
        assert_eq!(safe_file_name("/"), None);
    }
}
