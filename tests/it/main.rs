//! Integration tests: real sites built in temp dirs, checked by parsing the HTML.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests assert by panicking"
)]
#![allow(missing_docs, unreachable_pub, reason = "test helpers")]

mod cache;
