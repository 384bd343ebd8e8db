//! End-to-end tests: the real `cmu-studio` binary in a real window under Xvfb, driven through
//! `tauri-driver` and WebKitWebDriver. Run by `make test` (see README); these tests fail, never
//! skip, when the display, `tauri-driver` or WebKitWebDriver is missing.

#![allow(clippy::unwrap_used)]

mod connections;
mod dark;
mod demo;
mod dragdrop;
mod harness;
mod package;
mod reports;
mod shell;
