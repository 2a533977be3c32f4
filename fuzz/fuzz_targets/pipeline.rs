//! Arbitrary bytes as the one markdown page of an API folder through `codegen::generate`
//! (extract, merge, lower, emit): Ok or Err, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    xtask::fuzz::fuzz_one("pipeline", data);
});
