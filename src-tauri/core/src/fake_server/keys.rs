//! The fake server's signing material: one fixed RSA key pair, embedded in the source.
//!
//! **This is a public test key, for the fake server only.** It is committed on purpose so that
//! every fake process (tests, `cmu fake-server`, the app's Demo mode) signs and verifies with the
//! same key: credentials and tokens issued by one fake process stay valid in the next one
//! (statelessness), and demo statements can be produced offline. It protects nothing and must
//! never be trusted by anything that talks to the real Adobe Pass.

use std::sync::OnceLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The `kid` the fake puts in the header of everything it signs.
pub const FAKE_KEY_ID: &str = "cmu-studio-fake-1";

/// The issuer (`iss`) of the fake's statements and tokens; the real one is `auth.adobe.com`.
pub const FAKE_ISSUER: &str = "fake.auth.cmu-studio.local";

/// The software id of the built-in demo statement (UUID-shaped, like Adobe's).
pub const DEMO_SOFTWARE_ID: &str = "c0ffee00-cafe-4d5e-9a7b-00000000d3e0";

/// The client name of the built-in demo statement.
pub const DEMO_CLIENT_NAME: &str = "CMU Studio Demo";

/// PUBLIC TEST KEY for the fake Adobe Pass server only (2048-bit RSA, PKCS#8). Not a secret:
/// it is published with the source so that every fake process shares it.
pub const FAKE_PRIVATE_KEY_PEM: &str = "\
-----BEGIN PRIVATE KEY-----\n\
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCFD22vTaOr3iRt\n\
GE1g5+yRuPUhL/lUXVpcY5Hq5LbCZtVH8KXb8cPCHEx7j4yz6Egx3ehnxLzfKGmF\n\
bxZwgIjuMl1ikAVpAIL3bnp8lA7uX8fCd8l/atIbIjdjovMvdLaKZkufsfQO5S7/\n\
8TLDud00EBnWJe5MLM1V2lYwdpprOWntctWm0xRCaN2pJYLZDcVg2wj5miFDolbm\n\
hAPYoEKAHTucl10bxLCoDiKHesJru4BjKHyX4PbqQI+2KdAoSwRMafpxn4Wish/f\n\
YKjR9no8AI/BmF9/rBl3AtD90yOjA+aralMCP3v1Ud+i3DD+4Sahr2J1B/zrHq27\n\
ryfBw0qZAgMBAAECggEAEHnXmBRiBt8L3aJbunsdVPH1EHXzRpoEnVoK8G3/n1TC\n\
ZhULRI/MMJX2dnpQ7tn9ToduxqKazHshjc8ylR2lVvFPlOvGb7kLfn3kltZyftvH\n\
TXIttiRQ/eEfwKultyOZksuV46FSWiHQzwpbwdaa6F5yBI1P04jcqBvP/lJBTrNw\n\
j1eG6vICcUpXOgTV8EaC0lAMr1EpizzDQhCzMNuyImxWXWmdpVAppimNze3s94kb\n\
cWKb7nkmf7gW5JwZAVaL2LmsoJTz8Z+qVJz9Yc/h8zyp3DW7T6Rhs5FWLKZKv+YG\n\
ztixnUea7xbxLVP9HtESwwxGwfWWt88wdLLx8Dtq3QKBgQC7C81cJ+3G1oSAOBg3\n\
5e6BSff0YQcKGd9bJ2NOhXKetl/WePNgKBUg7+PRDXxEerTObqWIFS4Z5SCM7fP9\n\
ZeIQBhxhxnDcWnm/+qsvi8LIOg9OUoCo6ygHQE4cyX75wQpK9XUorYhdloxgWfYP\n\
DvqEnyy3ayCmB17X59uhZHO9jwKBgQC2HMsZ9Tqfn0nFUB2KYuCUebnxoYHOsCv0\n\
XsElVDkPU4068Bgb5rno7DXtrf3FCGZYSM1dBYT+36EUdSYH1qU72FjY671ccrnH\n\
pB+AcQikUAg//J+JPGqKB2qb+iRrzxXyPzNkYJn2gUmK4qbF4/hgEuHBZdG9f3dF\n\
GHV27sKxVwKBgQCYYXoRHNpihfr2NjzMtT6EB83AQpeojAFh0ondu2vwjuUu5eRo\n\
Lt9fsO9pLVJSu6C3GH80iQTAxeCpz2VZx/nOUhwnL7JcYj0TwNRbbMHnux0jEqWM\n\
d99pYOMCIsmWEMUg4i1rUUxp6i88g62pAOvoxYB5gQXdHN4QiOxt5FdCUwKBgCt3\n\
5fa1NSACql4hiFuOzGJER+DoFw7ZuDQlJd8eIlyJKe3Gf0qxoPB66UhpPmh4X810\n\
2yf3+E3J3S3/5Gr8jgYh1ts4McPOUo/XmflTgaeOvtlfGElulVOK/6RpaaYeEPP4\n\
p/CuqjFPnNk8zmfvyUpNV3uNLSoZMcPZWbhgtzITAoGBALHeT1dy2qBPjAOWC6pH\n\
e/gHoFdPrWrcqWTgX+ScTHwm+tqhHDXAZp4pKmX1HtmrkqVSaLDeUxMDMG0Ieemj\n\
o7auNroac12/kNxWmtjhcIoUwYAQWGNT3kEY0rHm62lbH2hgHDQ+fb3/53Qo+j+J\n\
pCNqYoB3bSDGLg+XjX4BIU22\n\
-----END PRIVATE KEY-----
";

/// The public half of [`FAKE_PRIVATE_KEY_PEM`] (SPKI PEM).
pub const FAKE_PUBLIC_KEY_PEM: &str = "\
-----BEGIN PUBLIC KEY-----\n\
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAhQ9tr02jq94kbRhNYOfs\n\
kbj1IS/5VF1aXGOR6uS2wmbVR/Cl2/HDwhxMe4+Ms+hIMd3oZ8S83yhphW8WcICI\n\
7jJdYpAFaQCC9256fJQO7l/HwnfJf2rSGyI3Y6LzL3S2imZLn7H0DuUu//Eyw7nd\n\
NBAZ1iXuTCzNVdpWMHaaazlp7XLVptMUQmjdqSWC2Q3FYNsI+ZohQ6JW5oQD2KBC\n\
gB07nJddG8SwqA4ih3rCa7uAYyh8l+D26kCPtinQKEsETGn6cZ+ForIf32Co0fZ6\n\
PACPwZhff6wZdwLQ/dMjowPmq2pTAj979VHfotww/uEmoa9idQf86x6tu68nwcNK\n\
mQIDAQAB\n\
-----END PUBLIC KEY-----
";

/// The exact JOSE header of everything the fake signs, byte for byte (field order included).
const HEADER_JSON: &str = r#"{"alg":"RS256","kid":"cmu-studio-fake-1","typ":"JWT"}"#;

/// Parsed keys plus the HMAC derived from the private key.
pub(crate) struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// Keyed with a hash of the private key, so nothing else needs to be stored anywhere.
    mac: Hmac<Sha256>,
}

/// The process-wide keys, parsed once.
// The PEMs are constants checked by the tests, so a failure here is a build defect, never
// something a request can cause.
#[allow(clippy::expect_used)]
pub(crate) fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let encoding = EncodingKey::from_rsa_pem(FAKE_PRIVATE_KEY_PEM.as_bytes())
            .expect("embedded fake private key is valid PEM");
        let decoding = DecodingKey::from_rsa_pem(FAKE_PUBLIC_KEY_PEM.as_bytes())
            .expect("embedded fake public key is valid PEM");
        let mut hasher = Sha256::new();
        hasher.update(b"cmu-studio-fake-server/mac-secret/v1\n");
        hasher.update(FAKE_PRIVATE_KEY_PEM.as_bytes());
        let mac = <Hmac<Sha256> as Mac>::new_from_slice(&hasher.finalize())
            .expect("HMAC accepts keys of any length");
        Keys {
            encoding,
            decoding,
            mac,
        }
    })
}

impl Keys {
    fn mac_over(&self, parts: &[&[u8]]) -> Hmac<Sha256> {
        let mut mac = self.mac.clone();
        for part in parts {
            // Length prefixes keep ("ab", "c") and ("a", "bc") apart.
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac
    }

    /// HMAC-SHA256 of `parts` under the fake's derived secret.
    pub(crate) fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        self.mac_over(parts).finalize().into_bytes().into()
    }

    /// Constant-time check of `tag` against the HMAC of `parts`.
    pub(crate) fn verify_mac(&self, parts: &[&[u8]], tag: &[u8]) -> bool {
        self.mac_over(parts).verify_slice(tag).is_ok()
    }

    /// Signs `claims` as a compact RS256 JWS with the fake's fixed header.
    pub(crate) fn sign<T: Serialize>(&self, claims: &T) -> String {
        // Serialising a struct of strings and numbers cannot fail.
        let claims_json = serde_json::to_vec(claims).unwrap_or_default();
        let message = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(HEADER_JSON),
            URL_SAFE_NO_PAD.encode(claims_json)
        );
        match jsonwebtoken::crypto::sign(message.as_bytes(), &self.encoding, Algorithm::RS256) {
            Ok(signature) => format!("{message}.{signature}"),
            // Signing with a valid key does not fail; an unsigned result would be refused by
            // the verifier, which is the safe direction.
            Err(_) => format!("{message}."),
        }
    }

    /// Whether `signature_b64` (base64url) is an RS256 signature of `message` by the fake's
    /// key; `None` when the signature is not even decodable.
    pub(crate) fn verify(&self, message: &str, signature_b64: &str) -> Option<bool> {
        jsonwebtoken::crypto::verify(
            signature_b64,
            message.as_bytes(),
            &self.decoding,
            Algorithm::RS256,
        )
        .ok()
    }
}

/// Claims of a demo software statement, in the order Adobe's sample shows them.
#[derive(Serialize)]
struct StatementClaims<'a> {
    sub: &'a str,
    software_id: &'a str,
    client_name: &'a str,
    iss: &'a str,
    iat: i64,
    nbf: i64,
}

/// A software statement for `software_id`, signed by the fake's key: the fake accepts it, the
/// real Adobe Pass does not. Claims: `sub` and `software_id` (both the id), `client_name`,
/// `iss` ([`FAKE_ISSUER`]), `iat`, `nbf`; no `exp`, like the real ones.
pub fn demo_statement(software_id: &str, client_name: &str) -> String {
    let now = chrono::Utc::now().timestamp();
    keys().sign(&StatementClaims {
        sub: software_id,
        software_id,
        client_name,
        iss: FAKE_ISSUER,
        iat: now,
        nbf: now,
    })
}
