//! SARIF 2.1.0, the format code-scanning services (GitHub, GitLab, Azure DevOps) read:
//! one run of `reglament`, a rule per diagnostic code, a result per diagnostic; warnings
//! left out with `--allow` are listed as suppressed.

use crate::allow::Suppressed;
use crate::diagnostic::{Code, Diagnostic, JsonDiagnostic, Severity};
use crate::source::{SourceMap, percent_encoded};
use serde_json::{Value, json};

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn location(file: &str, line: usize, column: usize, end_line: usize, end_column: usize) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": percent_encoded(file, b"/") },
            "region": { "startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column },
        }
    })
}

fn result(d: &JsonDiagnostic, suppressed: Option<&Suppressed>) -> Value {
    let rule = Code::ALL.iter().position(|c| c.as_str() == d.code).unwrap_or(0);
    let text = match &d.help {
        Some(help) => format!("{} ({}); {help}", d.message, d.label),
        None => format!("{} ({})", d.message, d.label),
    };
    let mut result = json!({
        "ruleId": d.code,
        "ruleIndex": rule,
        "level": level(d.severity),
        "message": { "text": text },
        "locations": [location(&d.file, d.line, d.column, d.end_line, d.end_column)],
    });
    if !d.related.is_empty() {
        let related: Vec<Value> = d
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mut l = location(&r.file, r.line, r.column, r.end_line, r.end_column);
                l["id"] = json!(i);
                l["message"] = json!({ "text": r.message });
                l
            })
            .collect();
        result["relatedLocations"] = json!(related);
    }
    if let Some(s) = suppressed {
        let kind = if s.in_source { "inSource" } else { "external" };
        result["suppressions"] = json!([{ "kind": kind, "justification": s.reason }]);
    }
    result
}

/// The SARIF log of a check: what is reported, and what `--allow` left out.
pub fn log(reported: &[Diagnostic], allowed: &[Suppressed], sources: &SourceMap) -> String {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|c| {
            json!({
                "id": c.as_str(),
                "name": format!("{c:?}"),
                "shortDescription": { "text": c.summary() },
                "defaultConfiguration": { "level": level(c.severity()) },
            })
        })
        .collect();
    let results: Vec<Value> = reported
        .iter()
        .map(|d| result(&crate::diagnostic::to_json(d, sources), None))
        .chain(allowed.iter().map(|s| result(&crate::diagnostic::to_json(&s.diagnostic, sources), Some(s))))
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "reglament",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&log).expect("a log serializes")
}
