//! Static files compiled into the binary (the stylesheet, the directory's script and the icon),
//! served under `/static/` with their content hash in the file name so they can be cached for a year.

use std::sync::LazyLock;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;
use crate::caching::fnv1a_64;

/// One embedded file.
struct Asset {
    /// The name templates ask for, such as `clusterhub.css`.
    logical_name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        logical_name: "clusterhub.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../assets/clusterhub.css"),
    },
    Asset {
        logical_name: "directory.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/directory.js"),
    },
    Asset {
        logical_name: "icon.svg",
        content_type: "image/svg+xml",
        bytes: include_bytes!("../assets/icon.svg"),
    },
];

/// Each asset with its served name, `stem.hash.extension`.
static HASHED_NAMES: LazyLock<Vec<(String, &'static Asset)>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|asset| {
            let hash = format!("{:016x}", fnv1a_64(asset.bytes));
            let (stem, extension) = asset
                .logical_name
                .rsplit_once('.')
                .unwrap_or((asset.logical_name, ""));
            (format!("{stem}.{}.{extension}", &hash[..12]), asset)
        })
        .collect()
});

/// The URL of an embedded file, with its content hash: `/static/clusterhub.3f9a0c21d4e5.css`.
/// Asking for a file that is not embedded is a programming error.
pub fn asset_url(logical_name: &str) -> String {
    let hashed = HASHED_NAMES
        .iter()
        .find(|(_, asset)| asset.logical_name == logical_name)
        .map(|(hashed_name, _)| hashed_name.as_str());
    debug_assert!(
        hashed.is_some(),
        "no embedded asset is named {logical_name}"
    );
    format!("/static/{}", hashed.unwrap_or(logical_name))
}

/// `GET /static/{file}`.
pub fn router() -> Router<AppState> {
    Router::new().route("/static/{file}", get(serve_asset))
}

async fn serve_asset(Path(file): Path<String>) -> Response {
    let Some((_, asset)) = HASHED_NAMES
        .iter()
        .find(|(hashed_name, _)| *hashed_name == file)
    else {
        // A stale hash or an unknown file: the error-body layer turns this into the 404 page.
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        asset.bytes,
    )
        .into_response()
}
