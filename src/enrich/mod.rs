//! Enrichment: what a record gains between its source and the filters.
//! Route templates fold ids out of routes ([`route`]); the ownership map
//! fills in owners the request did not carry ([`ownership`]). Field
//! aliases live with the gateway source, which reads the keys.
//!
//! Enrichment works on a view of the record's text fields
//! (`[Option<&str>; Field::COUNT]`), so nothing is copied per record: a
//! value from the map borrows the map, a folded route borrows a per-worker
//! buffer.

pub mod ownership;
pub mod route;
pub mod values;

/// A record's text fields as the later steps see them.
pub type TextView<'a> = [Option<&'a str>; crate::record::Field::COUNT];

/// How a record's owner was found: the required fields all came with the
/// request, at least one came from the ownership map, or one is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerOrigin {
    /// Every required field was on the request.
    Request,
    /// Every required field is known, at least one from the map.
    Map,
    /// A required field is missing.
    None,
}
