//! Tests live in `tests/tests/`; this library is empty.
