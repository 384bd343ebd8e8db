//! CMU Studio's core library: everything the desktop app and the `cmu` command do, with no
//! dependency on Tauri or WebKit. One module per concept; the shells only adapt it.

pub mod build_info;
pub mod error;
pub mod logging;
pub mod paths;
pub mod secret;

pub use error::Error;
