//! Shared access signatures (SAS) for an Azure Storage account, signed the way Azure and
//! Azurite check them (service version 2020-12-06 and later): a blob SAS for one blob (what
//! Astro's `dagsUploadUrl` carries) and an account SAS (what the test helpers use to create a
//! container and read a blob back).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The account name of Azurite's development storage account.
pub const DEV_ACCOUNT: &str = "devstoreaccount1";

/// The published key of Azurite's development storage account (base64), the same on every
/// machine; it protects nothing.
pub const DEV_ACCOUNT_KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/// The service version the signatures are made for (`sv`).
pub const SAS_VERSION: &str = "2021-08-06";

/// A storage account's name and key: signs SAS query strings.
#[derive(Clone)]
pub struct Account {
    name: String,
    key: Vec<u8>,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("name", &self.name)
            .field("key", &"<redacted>")
            .finish()
    }
}

impl Account {
    /// Azurite's development account ([`DEV_ACCOUNT`], [`DEV_ACCOUNT_KEY`]).
    pub fn dev() -> Self {
        Self {
            name: DEV_ACCOUNT.to_string(),
            key: STANDARD.decode(DEV_ACCOUNT_KEY).unwrap_or_default(),
        }
    }

    /// The account's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The query string (without `?`) of a blob SAS for `container/blob` with `permissions`
    /// (such as `cw` or `r`) until `expiry`: `sv=…&se=…&sr=b&sp=…&sig=…`.
    pub fn blob_sas(
        &self,
        container: &str,
        blob: &str,
        permissions: &str,
        expiry: DateTime<Utc>,
    ) -> String {
        let expiry = sas_time(expiry);
        let resource = format!("/blob/{}/{container}/{blob}", self.name);
        // Permissions, start, expiry, resource, identifier, IP, protocol, version, resource
        // type, snapshot, encryption scope, then five response-header overrides.
        let to_sign = [
            permissions,
            "",
            &expiry,
            &resource,
            "",
            "",
            "",
            SAS_VERSION,
            "b",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ]
        .join("\n");
        let signature = self.sign(&to_sign);
        format!(
            "sv={SAS_VERSION}&se={}&sr=b&sp={permissions}&sig={}",
            encode(&expiry),
            encode(&signature)
        )
    }

    /// The query string (without `?`) of an account SAS for the blob service, every resource
    /// type, with `permissions` (such as `rwc`) until `expiry`.
    pub fn account_sas(&self, permissions: &str, expiry: DateTime<Utc>) -> String {
        let expiry = sas_time(expiry);
        // Account, permissions, services, resource types, start, expiry, IP, protocol,
        // version, encryption scope, and a final empty line.
        let to_sign = [
            self.name.as_str(),
            permissions,
            "b",
            "sco",
            "",
            &expiry,
            "",
            "",
            SAS_VERSION,
            "",
            "",
        ]
        .join("\n");
        let signature = self.sign(&to_sign);
        format!(
            "sv={SAS_VERSION}&ss=b&srt=sco&sp={permissions}&se={}&sig={}",
            encode(&expiry),
            encode(&signature)
        )
    }

    fn sign(&self, text: &str) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.key) else {
            return String::new();
        };
        mac.update(text.as_bytes());
        STANDARD.encode(mac.finalize().into_bytes())
    }
}

/// A SAS time: UTC to the second, `2030-01-01T00:00:00Z`.
fn sas_time(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blob_sas_names_its_version_expiry_resource_and_permissions() {
        let expiry = DateTime::parse_from_rfc3339("2030-01-02T03:04:05Z")
            .unwrap()
            .with_timezone(&Utc);
        let sas = Account::dev().blob_sas("deploys", "d/x.tar.gz", "cw", expiry);
        assert!(sas.starts_with("sv=2021-08-06&se=2030-01-02T03%3A04%3A05Z&sr=b&sp=cw&sig="));
        let other = Account::dev().blob_sas("deploys", "d/y.tar.gz", "cw", expiry);
        assert_ne!(sas, other, "the signature covers the blob's name");
    }
}
