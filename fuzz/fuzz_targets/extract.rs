//! Arbitrary bytes as a markdown spec page through `extract::extract_file`: Ok or Err, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    xtask::fuzz::fuzz_one("extract", data);
});
