//! Project automation, in the style of rust-analyzer's xtask: `cargo xtask codegen` regenerates
//! `generated/` from `specs/`, `cargo xtask codegen --check` verifies it is up to date.

pub mod bench;
pub mod codegen;
pub mod fuzz;
