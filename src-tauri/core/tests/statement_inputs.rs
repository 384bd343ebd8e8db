//! Every malformed statement in `common/malformed.rs` is refused with a one-line message that
//! does not quote the input (a statement is a credential).

#![allow(clippy::unwrap_used)]

#[path = "common/malformed.rs"]
mod malformed;

use cmu_core::statement::SoftwareStatement;
use cmu_core::Error;

/// Mid-2025: later than every sample's `iat`, earlier than any plausible real expiry.
const NOW: i64 = 1_750_000_000;

/// The longest run of input bytes a message may share with it, so numbers and short words
/// can coincide without it counting as quoting.
const MAX_SHARED: usize = 12;

fn shares_a_chunk(message: &str, input: &[u8]) -> bool {
    // Field names the messages legitimately mention are not quotes of the input.
    let message = message.replace("\"software_statement\"", "");
    let text = String::from_utf8_lossy(input);
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    chars.windows(MAX_SHARED + 1).any(|w| {
        let chunk: String = w.iter().collect();
        message.contains(&chunk)
    })
}

#[test]
fn there_are_at_least_thirty_distinct_samples() {
    let samples = malformed::malformed_statements();
    assert!(samples.len() >= 30, "{}", samples.len());
    let mut names: Vec<&str> = samples.iter().map(|(n, _)| *n).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), samples.len(), "duplicate names");
    let mut inputs: Vec<&Vec<u8>> = samples.iter().map(|(_, b)| b).collect();
    inputs.sort();
    inputs.dedup();
    assert_eq!(inputs.len(), samples.len(), "duplicate inputs");
}

#[test]
fn every_malformed_statement_is_refused_on_one_line_without_quoting_it() {
    for (name, input) in malformed::malformed_statements() {
        match SoftwareStatement::parse_bytes(&input, NOW) {
            Err(Error::InvalidStatement(message)) => {
                assert!(!message.contains('\n'), "{name}: multi-line: {message}");
                assert!(!message.contains('\r'), "{name}: multi-line: {message}");
                assert!(
                    !shares_a_chunk(&message, &input),
                    "{name}: message quotes the input: {message}"
                );
                assert!(message.len() < 400, "{name}: too long: {message}");
                assert!(
                    ["download", "choose", "paste", "save"]
                        .iter()
                        .any(|w| message.contains(w)),
                    "{name}: no advice: {message}"
                );
            }
            Err(other) => panic!("{name}: wrong error kind {other:?}"),
            Ok(st) => panic!("{name}: accepted: {:?}", st.summary()),
        }
    }
}

#[test]
fn malformed_samples_are_refused_from_readers_too() {
    for (name, input) in malformed::malformed_statements() {
        match SoftwareStatement::read_from(input.as_slice()) {
            Err(Error::InvalidStatement(_)) => {}
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn malformed_samples_are_refused_from_files() {
    let dir = tempfile::tempdir().unwrap();
    for (i, (name, input)) in malformed::malformed_statements().into_iter().enumerate() {
        let path = dir.path().join(format!("sample-{i}.txt"));
        std::fs::write(&path, &input).unwrap();
        match SoftwareStatement::read_file(&path) {
            Err(Error::InvalidStatement(message)) => {
                assert!(!message.contains('\n'), "{name}: {message}");
            }
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn the_builder_makes_acceptable_statements() {
    let text = malformed::sample_statement();
    let st = SoftwareStatement::parse_bytes(text.as_bytes(), NOW).unwrap();
    assert_eq!(st.software_id(), "08664e7d-8b7a-476d-8071-2d753a0b3432");
    assert_eq!(st.raw().expose(), &text);

    let wrapped: String = text
        .chars()
        .collect::<Vec<_>>()
        .chunks(64)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("\n");
    let from_file = format!("\n  {wrapped}  \n\n");
    let st = SoftwareStatement::read_from(from_file.as_bytes()).unwrap();
    assert_eq!(st.raw().expose(), &text);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Android_1700667057906.txt");
    std::fs::write(
        &path,
        serde_json::json!({ "software_statement": text }).to_string(),
    )
    .unwrap();
    assert!(SoftwareStatement::read_file(&path).is_ok());
}

#[test]
fn the_test_base64_matches_the_standard() {
    // RFC 4648 test vectors, url-safe and unpadded.
    for (input, expected) in [
        ("", ""),
        ("f", "Zg"),
        ("fo", "Zm8"),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg"),
        ("fooba", "Zm9vYmE"),
        ("foobar", "Zm9vYmFy"),
    ] {
        assert_eq!(malformed::b64url(input.as_bytes()), expected);
    }
    assert_eq!(malformed::b64url(&[0xfb, 0xff]), "-_8");
}
