//! Feeds arbitrary text to the base URL validator and checks that whatever it accepts keeps the
//! promises the HTTP code relies on: https or loopback http, no credentials, joinable paths.

#![no_main]

use cmu_core::environment::{validate_base_url, Environment, EnvironmentKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(url) = validate_base_url(text) {
        assert!(url.scheme() == "https" || url.scheme() == "http");
        assert!(url.username().is_empty() && url.password().is_none());
        assert!(url.path().ends_with('/'));
        assert!(url.query().is_none() && url.fragment().is_none());
        if let Ok(env) = Environment::new(EnvironmentKind::Custom, text, text) {
            assert_eq!(env.register_url().host(), url.host());
            assert!(env.reports_root().path().ends_with("/cmu/v2"));
        }
    }
    let _ = text.parse::<EnvironmentKind>();
    if let Some(env) = Environment::named(EnvironmentKind::Production) {
        if let Ok(report) = env.reports_url(text) {
            assert_eq!(report.host_str(), Some("mgmt.auth.adobe.com"));
        }
    }
});
