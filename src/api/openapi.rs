//! The OpenAPI 3.1 document of every `serve` route, served at `GET /openapi.json` and checked
//! in as `openapi.json` beside this file; a test checks it against the routes, their fields and
//! status codes, and a maintained validator (openapi-spec-validator, openapi-core) checks the
//! document and real answers against it.

/// The document, as checked in.
pub const DOCUMENT: &str = include_str!("openapi.json");
