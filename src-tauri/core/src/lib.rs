//! CMU Studio's core library: everything the desktop app and the `cmu` command do, with no
//! dependency on Tauri or WebKit. One module per concept; the shells only adapt it.

pub mod build_info;
pub mod chart;
pub mod cmu_client;
pub mod connection;
pub mod device_info;
pub mod environment;
pub mod error;
pub mod fake_server;
pub mod http;
pub mod keyring_store;
pub mod logging;
pub mod paths;
pub mod presets;
pub mod profiles;
pub mod registration;
pub mod report;
pub mod report_query;
pub mod secret;
pub mod statement;
pub mod token;

pub use error::Error;
