//! Answers made up rather than stored: a deployment's log entries, and an organization's audit
//! logs as a gzip-compressed NDJSON file.

use std::collections::BTreeMap;
use std::io::Write;

use astro_spec::Document;
use astro_spec::samples::sample;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use crate::ids::Ids;
use crate::schema::conform;

/// How many entries a log answer holds when the request sets no smaller `limit`.
pub const LOG_ENTRIES: u64 = 3;

/// How many records an audit log file holds.
pub const AUDIT_RECORDS: usize = 3;

/// A log answer shaped like `schema` (an object with one array of entries): a few entries
/// ([`LOG_ENTRIES`], fewer if `limit` asks), a second apart and ending now.
///
/// Each entry is a sample of the entry schema where a field named like the singular of an
/// array query parameter cycles through the values asked for (`sources` → `source`), numeric
/// time fields (`timestamp`) count seconds since the epoch, and other free-text strings say
/// which entry they are. In the envelope, `limit`, `offset` and string fields the query also
/// has echo the query, and `…Count` fields count the entries.
pub fn log_entries(
    document: &Document,
    schema: &Value,
    query: &BTreeMap<String, Value>,
    ids: &Ids,
) -> Value {
    let resolved = document.resolve(schema);
    let properties = resolved
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let Some((array_name, item_schema)) = properties.iter().find_map(|(name, property)| {
        let property = document.resolve(property);
        (property.get("type").and_then(Value::as_str) == Some("array"))
            .then(|| (name.clone(), property.get("items").cloned()))
    }) else {
        return sample(document, schema);
    };
    let item_schema = item_schema.unwrap_or(json!({}));
    let limit = query.get("limit").and_then(Value::as_u64);
    let count = limit.unwrap_or(LOG_ENTRIES).min(LOG_ENTRIES) as usize;
    let now = Utc::now();
    let entries: Vec<Value> = (0..count)
        .map(|index| {
            let at = now - Duration::seconds((count - index) as i64);
            entry(document, &item_schema, query, index, at)
        })
        .collect();
    let mut envelope = match sample(document, schema) {
        Value::Object(fields) => fields,
        _ => Map::new(),
    };
    for (name, property) in &properties {
        let property = document.resolve(property);
        let kind = property.get("type").and_then(Value::as_str);
        let value = match (name.as_str(), kind) {
            ("limit", Some("integer")) => json!(limit.unwrap_or(LOG_ENTRIES)),
            (_, Some("integer")) if name.ends_with("Count") => json!(count),
            (_, Some("integer" | "string")) if query.contains_key(name) => query[name].clone(),
            (_, Some("string")) if name.ends_with("Id") => json!(ids.object()),
            _ => continue,
        };
        envelope.insert(name.clone(), value);
    }
    envelope.insert(array_name, Value::Array(entries));
    conform(document, schema, &Value::Object(envelope))
}

fn entry(
    document: &Document,
    schema: &Value,
    query: &BTreeMap<String, Value>,
    index: usize,
    at: DateTime<Utc>,
) -> Value {
    let mut fields = match sample(document, schema) {
        Value::Object(fields) => fields,
        _ => return sample(document, schema),
    };
    let resolved = document.resolve(schema);
    let properties = resolved
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut described = Vec::new();
    for (name, property) in &properties {
        let property = document.resolve(property);
        let kind = property.get("type").and_then(Value::as_str);
        let asked = query
            .get(&format!("{name}s"))
            .and_then(Value::as_array)
            .filter(|values| !values.is_empty());
        let value = match (asked, kind) {
            (Some(values), _) => values[index % values.len()].clone(),
            (None, Some("number")) if name.to_lowercase().contains("time") => {
                json!(at.timestamp_millis() as f64 / 1000.0)
            }
            (None, Some("integer")) if name.to_lowercase().contains("time") => {
                json!(at.timestamp())
            }
            _ => continue,
        };
        if let Value::String(text) = &value {
            described.push(text.clone());
        }
        fields.insert(name.clone(), value);
    }
    for (name, property) in &properties {
        let property = document.resolve(property);
        let free_text = property.get("type").and_then(Value::as_str) == Some("string")
            && property.get("enum").is_none()
            && property.get("format").is_none();
        if free_text && !query.contains_key(&format!("{name}s")) {
            let text = format!(
                "{} {} sandbox log entry {}",
                at.to_rfc3339_opts(SecondsFormat::Millis, true),
                described.join(" "),
                index + 1
            );
            fields.insert(name.clone(), Value::String(text.replace("  ", " ")));
        }
    }
    Value::Object(fields)
}

/// The audit logs of `organization`: [`AUDIT_RECORDS`] JSON records, one a line, gzip
/// compressed. Their times are spread over `startDate`..`endDate` (by default the last day).
///
/// The document does not describe the records (the answer is a file), so their fields are the
/// sandbox's own: `id`, `organizationId`, `timestamp`, `action`, `actor` (`id`, `type`),
/// `target` (`type`, `id`) and `requestId`.
pub fn audit_logs(organization: &str, query: &BTreeMap<String, Value>, ids: &Ids) -> Vec<u8> {
    let time = |name: &str| {
        query
            .get(name)
            .and_then(Value::as_str)
            .and_then(|text| DateTime::parse_from_rfc3339(text).ok())
            .map(|at| at.with_timezone(&Utc))
    };
    let end = time("endDate").unwrap_or_else(Utc::now);
    let start = time("startDate")
        .unwrap_or(end - Duration::days(1))
        .min(end);
    let step = (end - start) / (AUDIT_RECORDS as i32 + 1);
    let actions = [
        ("organization.updated", "ORGANIZATION"),
        ("workspace.created", "WORKSPACE"),
        ("apiToken.created", "API_TOKEN"),
    ];
    let mut lines = String::new();
    for index in 0..AUDIT_RECORDS {
        let (action, target) = actions[index % actions.len()];
        let at = start + step * (index as i32 + 1);
        let record = json!({
            "id": ids.object(),
            "organizationId": organization,
            "timestamp": at.to_rfc3339_opts(SecondsFormat::Secs, true),
            "action": action,
            "actor": {"id": "sandbox-user", "type": "USER"},
            "target": {"type": target, "id": ids.object()},
            "requestId": ids.request(),
        });
        lines.push_str(&record.to_string());
        lines.push('\n');
    }
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(lines.as_bytes());
    encoder.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn audit_logs_are_gzip_ndjson_within_the_dates() {
        let query = BTreeMap::from([
            ("startDate".to_string(), json!("2026-01-01T00:00:00Z")),
            ("endDate".to_string(), json!("2026-01-02T00:00:00Z")),
        ]);
        let bytes = audit_logs("org-1", &query, &Ids::default());
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut text)
            .unwrap();
        let records: Vec<Value> = text
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_eq!(records.len(), AUDIT_RECORDS);
        for record in records {
            assert_eq!(record["organizationId"], "org-1");
            let at = record["timestamp"].as_str().unwrap();
            assert!(("2026-01-01".."2026-01-03").contains(&at), "{at}");
        }
    }
}
