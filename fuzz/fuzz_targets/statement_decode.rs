//! Feeds arbitrary bytes to the software statement parser. Beyond "no panic", it checks the
//! promises callers rely on: refusals are `InvalidStatement` on one line, and accepted
//! statements summarize and serialize.

#![no_main]

use cmu_core::statement::SoftwareStatement;
use cmu_core::Error;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // A fixed clock keeps runs reproducible; the extremes exercise the expiry comparison.
    for now in [1_750_000_000, i64::MIN, i64::MAX] {
        match SoftwareStatement::parse_bytes(data, now) {
            Ok(statement) => {
                assert!(!statement.software_id().trim().is_empty());
                assert!(!statement.header().alg.eq_ignore_ascii_case("none"));
                let summary = statement.summary();
                assert!(serde_json::to_string(&summary).is_ok());
                assert!(!format!("{statement:?}").contains(statement.raw().expose().as_str()));
            }
            Err(Error::InvalidStatement(message)) => {
                assert!(!message.contains('\n'), "multi-line message: {message}");
            }
            Err(other) => panic!("unexpected error kind: {other:?}"),
        }
    }
});
