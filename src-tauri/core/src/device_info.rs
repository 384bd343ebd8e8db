//! The `X-Device-Info` header: base64 of a JSON object describing this desktop, as Adobe's
//! Dynamic Client Registration documentation asks.

use base64::Engine;
use serde::Serialize;

/// What we tell Adobe Pass about the machine. Keys the docs mark required: `model`, `osName`,
/// `osVersion`, `connectionType`; plus `primaryHardwareType` and `osVendor`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct DeviceInfo {
    /// Device model; desktops have none, so the hardware family.
    pub model: String,
    /// Hardware family, from the documented list.
    pub primary_hardware_type: String,
    /// Operating system name, from the documented list (`Windows`, `Mac OS`, `Linux`).
    pub os_name: String,
    /// Operating system vendor.
    pub os_vendor: String,
    /// Operating system version, or `unknown`.
    pub os_version: String,
    /// Network type; a desktop is assumed to be on a LAN.
    pub connection_type: String,
}

impl DeviceInfo {
    /// Describes the machine this runs on.
    pub fn current() -> Self {
        let (os_name, os_vendor) = match std::env::consts::OS {
            "windows" => ("Windows", "Microsoft"),
            "macos" => ("Mac OS", "Apple"),
            _ => ("Linux", "Linux"),
        };
        Self {
            model: "Desktop".to_owned(),
            primary_hardware_type: "Desktop".to_owned(),
            os_name: os_name.to_owned(),
            os_vendor: os_vendor.to_owned(),
            os_version: os_version(),
            connection_type: "LAN".to_owned(),
        }
    }

    /// The header value: standard base64 of the JSON object.
    pub fn header_value(&self) -> String {
        // Serializing a struct of strings cannot fail.
        let json = serde_json::to_vec(self).unwrap_or_default();
        base64::engine::general_purpose::STANDARD.encode(json)
    }
}

#[cfg(target_os = "linux")]
fn os_version() -> String {
    std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("VERSION_ID="))
                .map(|v| v.trim_matches('"').to_owned())
        })
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

#[cfg(not(target_os = "linux"))]
fn os_version() -> String {
    // Windows and macOS versions need platform APIs; Adobe only requires the key to be present.
    "unknown".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_base64_json_with_the_required_keys() {
        let value = DeviceInfo::current().header_value();
        let json = base64::engine::general_purpose::STANDARD
            .decode(value)
            .unwrap();
        let obj: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(&json).unwrap();
        for key in [
            "model",
            "osName",
            "osVersion",
            "connectionType",
            "primaryHardwareType",
            "osVendor",
        ] {
            assert!(
                obj.get(key)
                    .and_then(|v| v.as_str())
                    .is_some_and(|s| !s.is_empty()),
                "{key} missing in {obj:?}"
            );
        }
        assert_eq!(obj["primaryHardwareType"], "Desktop");
    }
}
