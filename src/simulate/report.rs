//! The human rendering of simulation reports (JSON is the serde form of the report).

use super::decision::Report;
use super::explain::{CheckKind, Truth};
use std::fmt::Write;

pub fn human(report: &Report, explain: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "profile {} ({} to {})", report.profile, report.from, report.as_of);
    if !report.events.is_empty() {
        out.push_str("\nevents\n");
        for e in &report.events {
            let note = e.note.as_deref().unwrap_or("applied");
            let _ = writeln!(out, "  {}  {}  {note}", e.date, e.event);
        }
    }
    if !report.warnings.is_empty() {
        out.push_str("\nwarnings\n");
        for w in &report.warnings {
            let _ = writeln!(out, "  {}  {} ({}): {}", w.date, w.event, w.persons.join(", "), w.message);
        }
    }
    if !report.decisions.is_empty() {
        out.push_str("\ndecisions\n");
        let labels: Vec<String> = report.decisions.iter().map(|d| d.label()).collect();
        let width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
        for (d, label) in report.decisions.iter().zip(&labels) {
            let pad = " ".repeat(width - label.chars().count());
            let _ = write!(out, "  {}  {label}{pad}  {:<11}  {}", d.date, d.route, d.outcome.text());
            if let Some(reason) = &d.reason {
                let _ = write!(out, ": {reason}");
            }
            out.push('\n');
            if let Some(outcome) = d.on_application {
                let _ = writeln!(out, "      on application: {}", outcome.text());
            }
            if !d.missing.is_empty() {
                let _ = writeln!(out, "      missing: {}", d.missing.join(", "));
            }
            for (name, value) in &d.outputs {
                let _ = writeln!(out, "      {name} = {value}");
            }
            if !d.notified.is_empty() {
                let to = d.notice_to.as_ref().map(|p| format!(" → {p}")).unwrap_or_default();
                let _ = writeln!(out, "      notified: {}{to}", d.notified.join(", "));
            }
            if explain {
                for c in &d.explain {
                    let mark = match c.result {
                        Truth::True if c.kind != CheckKind::Refusal => "✓",
                        Truth::False if c.kind == CheckKind::Refusal => "✓",
                        Truth::Unknown => "?",
                        _ => "✗",
                    };
                    let title = c.title.as_ref().map(|t| format!(" «{t}»")).unwrap_or_default();
                    let reads: Vec<String> = c.reads.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                    let _ = writeln!(out, "      {mark} {} {}{title} = {}", c.kind, c.name, c.result);
                    if !reads.is_empty() {
                        let _ = writeln!(out, "          reads {}", reads.join("; "));
                    }
                }
            }
        }
    }
    if let Some(chain) = &report.chain {
        out.push_str("\npersonal chain: ");
        out.push_str(&crate::graph::render::chain_human(chain));
    }
    if !report.stops.is_empty() {
        out.push_str("\nstops\n");
        for s in &report.stops {
            let whose =
                s.subject.as_ref().or(s.recipient.as_ref()).map(|w| format!("[{w}]")).unwrap_or_default();
            let _ = write!(out, "  {}  {}{whose}  ", s.date, s.service);
            if let (Some(r), Some(_)) = (&s.recipient, &s.subject) {
                let _ = write!(out, "(paid to {r}) ");
            }
            if !s.active {
                out.push_str("nothing to stop: the service was not being provided\n");
                continue;
            }
            out.push_str("stopped");
            if let Some(effective) = &s.effective {
                let _ = write!(out, " from {effective}");
            }
            if let Some(recorded) = &s.recorded {
                let _ = write!(out, "; recorded only on {recorded}");
            }
            if s.overpaid_months > 0 {
                let _ = write!(out, "; {} monthly payments overpaid", s.overpaid_months);
                if let Some(amount) = &s.overpaid_amount {
                    let _ = write!(out, ", {amount} rub");
                }
            }
            out.push('\n');
        }
    }
    crate::graph::render::printable(out)
}
