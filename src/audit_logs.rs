//! Audit logs: `GetOrganizationAuditLogs` answers with a file, gzip-compressed NDJSON (one JSON
//! object per line). `call()` gives its bytes; [`records`] decodes them.
//!
//! ```no_run
//! # async fn run(org: astro_api::Org) -> Result<(), Box<dyn std::error::Error>> {
//! let file = org
//!     .get_organization_audit_logs()
//!     .start_date("2026-12-01T00:00:00Z".parse::<chrono::DateTime<chrono::Utc>>()?)
//!     .call()
//!     .await?;
//! for record in astro_api::audit_logs::records(&file)? {
//!     println!("{record:?}");
//! }
//! # Ok(())
//! # }
//! ```

use std::io::{BufRead, BufReader, Read};

use serde_json::{Map, Value};

/// The first two bytes of every gzip stream.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Why an audit-log file could not be decoded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditLogError {
    /// The file starts as gzip but does not decompress.
    #[error("the audit log is not valid gzip")]
    Gzip(#[source] std::io::Error),
    /// A line is not one JSON object.
    #[error("audit log line {line} is not a JSON object")]
    Record {
        /// The line number, from 1.
        line: usize,
        /// Why it did not parse (`None` when it parsed as JSON that is not an object).
        #[source]
        cause: Option<serde_json::Error>,
    },
}

/// The records of an audit-log file: gzip-compressed NDJSON as the service sends it (an
/// uncompressed body is read as NDJSON too). Blank lines are skipped. The document does not
/// describe the records' fields, so each is a JSON object.
pub fn records(file: &[u8]) -> Result<Vec<Map<String, Value>>, AuditLogError> {
    let reader: Box<dyn Read + '_> = if file.starts_with(&GZIP_MAGIC) {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut records = Vec::new();
    for (index, line) in BufReader::new(reader).lines().enumerate() {
        let line = line.map_err(AuditLogError::Gzip)?;
        if line.trim().is_empty() {
            continue;
        }
        let number = index + 1;
        match serde_json::from_str::<Value>(&line) {
            Ok(Value::Object(record)) => records.push(record),
            Ok(_) => {
                return Err(AuditLogError::Record {
                    line: number,
                    cause: None,
                });
            }
            Err(cause) => {
                return Err(AuditLogError::Record {
                    line: number,
                    cause: Some(cause),
                });
            }
        }
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn gzip(text: &str) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(text.as_bytes()).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn reads_gzip_and_plain_ndjson() {
        let text = "{\"action\":\"a\"}\n\n{\"action\":\"b\"}\n";
        for file in [gzip(text), text.as_bytes().to_vec()] {
            let found = records(&file).unwrap();
            let actions: Vec<&Value> = found.iter().map(|r| &r["action"]).collect();
            assert_eq!(actions, ["a", "b"]);
        }
    }

    #[test]
    fn names_the_line_that_is_not_a_record_and_refuses_broken_gzip() {
        let error = records(&gzip("{\"a\":1}\n[1]\n")).unwrap_err();
        assert!(
            matches!(error, AuditLogError::Record { line: 2, .. }),
            "{error}"
        );
        let error = records(&gzip("{\"a\":1}\n{oops\n")).unwrap_err();
        assert!(
            matches!(
                error,
                AuditLogError::Record {
                    line: 2,
                    cause: Some(_)
                }
            ),
            "{error}"
        );
        let mut broken = gzip("{\"a\":1}\n");
        broken.truncate(broken.len() - 6);
        assert!(matches!(records(&broken), Err(AuditLogError::Gzip(_))));
    }
}
