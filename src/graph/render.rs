//! Renderings of chains (a table, Mermaid Gantt) and of the graph (DOT, Mermaid, JSON).

use super::chains::{Chain, ChainKind, Step};
use super::{Edge, Node, ServiceGraph};
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt::Write;

fn deadline_text(step: &Step) -> String {
    let d = step.deadline;
    let unit = match (d.working, d.days == 1) {
        (true, true) => "working day",
        (true, false) => "working days",
        (false, true) => "day",
        (false, false) => "days",
    };
    format!("{} {unit}", d.days)
}

/// Calendar days, and working days beside them when there are some (`10 + 5 wd`): the
/// two are never added together without a start date.
fn moment(days: i64, working: i64) -> String {
    match (days, working) {
        (d, 0) => d.to_string(),
        (0, w) => format!("{w} wd"),
        (d, w) => format!("{d} + {w} wd"),
    }
}

/// Text made safe for a terminal or a DOT file: each control character (a title may hold
/// an escape sequence) is shown by its picture (`␛`), line ends and tabs aside.
pub fn printable(text: String) -> String {
    if !text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return text;
    }
    text.chars()
        .map(|c| match c {
            '\n' | '\t' => c,
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            '\u{7f}' => '\u{2421}',
            c if c.is_control() => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// Pads to a width in characters (Cyrillic names are one column per letter).
fn pad(text: &str, width: usize) -> String {
    let n = text.chars().count();
    format!("{text}{}", " ".repeat(width.saturating_sub(n)))
}

fn table(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row.iter().enumerate().map(|(c, s)| pad(s, widths[c])).collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

pub fn chain_human(chain: &Chain) -> String {
    let mut out = String::new();
    let title = chain.title.as_deref().unwrap_or(&chain.name);
    let _ = write!(out, "{title} ({} `{}`)", chain.kind, chain.name);
    if chain.kind == ChainKind::Situation && !chain.entry_events.is_empty() {
        let _ = write!(out, ", on {}", chain.entry_events.join(", "));
    }
    if let Some(from) = &chain.from {
        let _ = write!(out, ", from {from} (working days on the production calendar)");
    }
    out.push_str("\n\n");
    let dated = chain.from.is_some();
    let mut header = vec!["stage", "service", "agency", "deadline", "days"];
    if dated {
        header.push("dates");
    }
    header.extend(["mode", "applicant provides"]);
    let mut rows = vec![header.into_iter().map(String::from).collect::<Vec<_>>()];
    for s in &chain.steps {
        let mut row = vec![
            s.stage.to_string(),
            s.service.clone(),
            s.agency.clone().unwrap_or_default(),
            deadline_text(s),
            format!(
                "{}–{}",
                moment(s.start_day, s.start_working_days),
                moment(s.finish_day, s.finish_working_days)
            ),
        ];
        if let (Some(a), Some(b)) = (&s.start_date, &s.finish_date) {
            row.push(format!("{a} → {b}"));
        }
        row.push(if s.proactive { "proactive" } else { "application" }.into());
        row.push(if s.applicant_provides.is_empty() {
            "—".into()
        } else {
            s.applicant_provides.join(", ")
        });
        rows.push(row);
    }
    out.push_str(&table(&rows));
    out.push('\n');
    let (p, r) = (&chain.proactive, &chain.reactive);
    let totals = vec![
        vec![String::new(), "proactive".into(), "all on application".into()],
        vec![
            "critical path, days".into(),
            moment(p.critical_path_days, p.critical_path_working_days),
            moment(r.critical_path_days, r.critical_path_working_days),
        ],
        vec![
            "sequential sum, days".into(),
            moment(p.sequential_days, p.sequential_working_days),
            moment(r.sequential_days, r.sequential_working_days),
        ],
        vec!["agencies".into(), p.agencies.to_string(), r.agencies.to_string()],
        vec![
            "applicant interactions".into(),
            p.applicant_interactions.to_string(),
            r.applicant_interactions.to_string(),
        ],
    ];
    out.push_str(&table(&totals));
    let _ = writeln!(out, "\ncritical path: {}", chain.critical_path.join(" → "));
    if chain.from.is_none() && chain.steps.iter().any(|s| s.finish_working_days > 0) {
        out.push_str(
            "wd: working days, counted apart; `--from DATE` counts them on the production calendar\n",
        );
    }
    if !chain.undecided.is_empty() {
        out.push_str("\nnot decided, not counted above:\n");
        for u in &chain.undecided {
            let missing = if u.missing.is_empty() {
                String::new()
            } else {
                format!(": missing {}", u.missing.join(", "))
            };
            let _ = writeln!(out, "  {}  {}{missing}", u.service, u.outcome);
        }
    }
    printable(out)
}

/// Text safe inside a Mermaid label: no characters that end a task or a line.
fn mermaid_text(text: &str) -> String {
    text.chars().map(|c| if matches!(c, ':' | ';' | '#' | '"' | '\n') { ' ' } else { c }).collect()
}

/// A Gantt chart: one section per stage, days counted from the event (day-of-year axis).
pub fn chain_mermaid(chain: &Chain) -> String {
    let mut out = String::from("gantt\n");
    let title = chain.title.as_deref().unwrap_or(&chain.name);
    let _ = writeln!(out, "    title {}", mermaid_text(title));
    out.push_str("    dateFormat X\n    axisFormat day %j\n");
    let mut stage = 0;
    for (i, s) in chain.steps.iter().enumerate() {
        if s.stage != stage {
            stage = s.stage;
            let _ = writeln!(out, "    section Stage {stage}");
        }
        let label = mermaid_text(s.title.as_deref().unwrap_or(&s.service));
        // Days from the start (the epoch when there is no start date).
        let base = chain.from.as_deref().and_then(crate::date::Date::parse).map_or(0, |d| d.day_number());
        let start = (base + s.start_day) * 86_400;
        let days = s.finish_day - s.start_day;
        if days == 0 {
            let _ = writeln!(out, "    {label} :milestone, s{i}, {start}, 0d");
        } else {
            let _ = writeln!(out, "    {label} :s{i}, {start}, {days}d");
        }
    }
    printable(out)
}

/// The nodes to show: all, or one situation's services with what touches them.
fn selection(g: &ServiceGraph, situation: Option<&str>) -> Option<BTreeSet<NodeIndex>> {
    let s = &g.model.situations[g.model.situation(situation?)?];
    let services: BTreeSet<NodeIndex> = g
        .full
        .node_indices()
        .filter(|&n| matches!(g.full[n], Node::Service(x) if s.services.contains(&x)))
        .collect();
    let mut keep = services.clone();
    for &n in &services {
        for e in g.full.edges_directed(n, petgraph::Incoming) {
            keep.insert(e.source());
            if matches!(g.full[e.source()], Node::Trigger(_)) {
                keep.extend(g.full.neighbors_directed(e.source(), petgraph::Incoming));
            }
        }
        keep.extend(g.full.neighbors_directed(n, petgraph::Outgoing));
    }
    Some(keep)
}

/// Whether the situation exists (for the CLI's error message).
pub fn has_situation(g: &ServiceGraph, name: &str) -> bool {
    g.model.situation(name).is_some()
}

fn shown(g: &ServiceGraph, situation: Option<&str>) -> (Vec<NodeIndex>, Vec<petgraph::graph::EdgeIndex>) {
    let keep = selection(g, situation);
    let nodes: Vec<NodeIndex> =
        g.full.node_indices().filter(|n| keep.as_ref().is_none_or(|k| k.contains(n))).collect();
    let edges = g
        .full
        .edge_indices()
        .filter(|&e| {
            let (a, b) = g.full.edge_endpoints(e).expect("edge");
            keep.as_ref().is_none_or(|k| k.contains(&a) && k.contains(&b))
        })
        .collect();
    (nodes, edges)
}

fn node_id(g: &ServiceGraph, node: &Node) -> String {
    format!("{}:{}", node.kind(), node.name(g.model))
}

fn dot_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

pub fn graph_dot(g: &ServiceGraph, situation: Option<&str>) -> String {
    let (nodes, edges) = shown(g, situation);
    let mut out =
        String::from("digraph regulations {\n    rankdir=LR;\n    node [fontname=\"sans-serif\"];\n");
    for n in nodes {
        let node = &g.full[n];
        let shape = match node {
            Node::Service(_) => "box",
            Node::Event(_) => "ellipse",
            Node::Registry(_) => "cylinder",
            Node::Trigger(_) => "diamond",
        };
        let (name, title) = (node.name(g.model), node.title(g.model));
        let label = match title {
            Some(t) => format!("{}\\n{}", dot_escape(name), dot_escape(t)),
            None => dot_escape(name),
        };
        let _ =
            writeln!(out, "    \"{}\" [shape={shape}, label=\"{label}\"];", dot_escape(&node_id(g, node)));
    }
    for e in edges {
        let (a, b) = g.full.edge_endpoints(e).expect("edge");
        let edge = &g.full[e];
        let style = if *edge == Edge::Stops { ", style=dashed, color=red" } else { "" };
        let _ = writeln!(
            out,
            "    \"{}\" -> \"{}\" [label=\"{}\"{style}];",
            dot_escape(&node_id(g, &g.full[a])),
            dot_escape(&node_id(g, &g.full[b])),
            dot_escape(edge.label())
        );
    }
    out.push_str("}\n");
    printable(out)
}

pub fn graph_mermaid(g: &ServiceGraph, situation: Option<&str>) -> String {
    let (nodes, edges) = shown(g, situation);
    let mut out = String::from("flowchart LR\n");
    for n in &nodes {
        let node = &g.full[*n];
        let label = mermaid_text(node.title(g.model).unwrap_or(node.name(g.model)));
        let id = n.index();
        let shape = match node {
            Node::Service(_) => format!("n{id}[\"{label}\"]"),
            Node::Event(_) => format!("n{id}([\"{label}\"])"),
            Node::Registry(_) => format!("n{id}[(\"{label}\")]"),
            Node::Trigger(_) => format!("n{id}{{{{\"{label}\"}}}}"),
        };
        let _ = writeln!(out, "    {shape}");
    }
    for e in edges {
        let (a, b) = g.full.edge_endpoints(e).expect("edge");
        let label = mermaid_text(g.full[e].label());
        let arrow = if g.full[e] == Edge::Stops { "-.->" } else { "-->" };
        if label.is_empty() {
            let _ = writeln!(out, "    n{} {arrow} n{}", a.index(), b.index());
        } else {
            let _ = writeln!(out, "    n{} {arrow}|\"{label}\"| n{}", a.index(), b.index());
        }
    }
    printable(out)
}

#[derive(Serialize)]
struct JsonGraph<'a> {
    nodes: Vec<JsonNode<'a>>,
    edges: Vec<JsonEdge<'a>>,
}

#[derive(Serialize)]
struct JsonNode<'a> {
    id: String,
    kind: &'static str,
    name: &'a str,
    title: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonEdge<'a> {
    from: String,
    to: String,
    kind: &'static str,
    label: &'a str,
}

pub fn graph_json(g: &ServiceGraph, situation: Option<&str>) -> String {
    let (nodes, edges) = shown(g, situation);
    let json = JsonGraph {
        nodes: nodes
            .iter()
            .map(|&n| {
                let node = &g.full[n];
                JsonNode {
                    id: node_id(g, node),
                    kind: node.kind(),
                    name: node.name(g.model),
                    title: node.title(g.model),
                }
            })
            .collect(),
        edges: edges
            .iter()
            .map(|&e| {
                let (a, b) = g.full.edge_endpoints(e).expect("edge");
                JsonEdge {
                    from: node_id(g, &g.full[a]),
                    to: node_id(g, &g.full[b]),
                    kind: g.full[e].kind(),
                    label: g.full[e].label(),
                }
            })
            .collect(),
    };
    serde_json::to_string_pretty(&json).expect("graph serializes") + "\n"
}
