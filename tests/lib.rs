//! Tests live in `tests/tests/`; this library is empty.

/// The README's Rust snippets, built (and the runnable ones run) as doctests of this module, so a
/// README that no longer compiles fails `cargo test`.
#[doc = include_str!("../README.md")]
pub mod readme {}
