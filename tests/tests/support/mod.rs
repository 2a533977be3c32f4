//! Shared code of the data-driven tests of the generated clients: the APIs and their
//! catalogues ([`apis`]), values generated from and checked against schemas ([`schema`]), and
//! one operation's arguments, wire request and response as its document describes them
//! ([`operation`]). Nothing here names an operation.

#![allow(dead_code)] // each test binary uses a different subset

pub mod apis;
pub mod operation;
pub mod schema;
