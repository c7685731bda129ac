//! What a simulation reports: the events applied, each decision with its route, outcome,
//! reasons and outputs, and the services stopped.

use super::explain::Check;
use crate::model::Value;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

#[derive(Serialize, Debug)]
pub struct Report {
    pub profile: String,
    pub as_of: String,
    pub events: Vec<EventNote>,
    pub decisions: Vec<Decision>,
    pub stops: Vec<Stop>,
    /// The personalised chain of a life situation, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain: Option<crate::graph::chains::Chain>,
}

#[derive(Serialize, Debug)]
pub struct EventNote {
    pub event: String,
    pub date: String,
    pub applied: bool,
    pub note: Option<String>,
}

/// How a decision came to be made.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    /// Started by a trigger, without an application.
    Proactive,
    /// On the citizen's application.
    Application,
    /// What an application would give: a service of a situation the profile entered.
    Eligibility,
}

impl Route {
    pub fn as_str(self) -> &'static str {
        match self {
            Route::Proactive => "proactive",
            Route::Application => "application",
            Route::Eligibility => "eligibility",
        }
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Granted,
    /// Would be granted on application.
    Eligible,
    Refused,
    /// A criterion, refusal ground or output needs facts the profile lacks.
    InsufficientData,
    /// A criterion, refusal ground or output needs a parameter that has no value in force
    /// on the decision date: a gap in the regulation, not in the citizen's data.
    RegulationGap,
    /// A trigger fired but did not start the service (no consent, opted out, or its
    /// condition needs data the event lacks).
    NotStarted,
}

impl Outcome {
    /// The name in JSON and in summaries.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Granted => "granted",
            Outcome::Eligible => "eligible",
            Outcome::Refused => "refused",
            Outcome::InsufficientData => "insufficient_data",
            Outcome::RegulationGap => "regulation_gap",
            Outcome::NotStarted => "not_started",
        }
    }

    /// The name in human output and regulation tests.
    pub fn text(self) -> &'static str {
        match self {
            Outcome::InsufficientData => "insufficient data",
            Outcome::RegulationGap => "regulation gap",
            Outcome::NotStarted => "not started",
            other => other.as_str(),
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Serialize, Debug)]
pub struct Decision {
    pub service: String,
    pub title: String,
    pub date: String,
    pub route: Route,
    pub trigger: Option<String>,
    pub outcome: Outcome,
    pub reason: Option<String>,
    /// Every refusal ground that holds and every criterion that fails, in declared order.
    pub refused_by: Vec<String>,
    /// Facts whose absence left a criterion, refusal ground or output unknown.
    pub missing: Vec<String>,
    /// Parameters with no value in force on the decision date that a decision needed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parameter_gaps: Vec<String>,
    pub outputs: BTreeMap<String, String>,
    pub notified: Vec<String>,
    /// With `--explain` only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub explain: Vec<Check>,
    /// Output values of a granted service, for the services that use them.
    #[serde(skip)]
    pub values: Vec<Option<Value>>,
}

#[derive(Serialize, Debug)]
pub struct Stop {
    pub service: String,
    pub date: String,
    pub trigger: String,
    /// Whether the service was active (a granted periodic payment, or a started service).
    pub active: bool,
    /// When the registry learned of the event, if later.
    pub recorded: Option<String>,
    /// Monthly payments made after the event before it was recorded.
    pub excess_months: i64,
    pub excess_amount: Option<String>,
}
