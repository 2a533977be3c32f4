//! `cargo xtask bench` and `cargo xtask synth` (work in progress).

pub mod synth;
