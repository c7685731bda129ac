//! What a simulation reports: the events applied, each decision with its route, outcome,
//! reasons and outputs, and the services stopped.

use super::explain::Check;
use crate::model::Value;
use crate::vocabulary::closed_set;
use serde::Serialize;
use std::collections::BTreeMap;

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

closed_set! {
    /// How a decision came to be made.
    pub enum Route {
        /// Started by a trigger, without an application.
        Proactive = "proactive",
        /// On the citizen's application.
        Application = "application",
        /// What an application would give: a service of a situation the profile entered.
        Eligibility = "eligibility",
    }
}

closed_set! {
    /// What came of a decision; the name is what JSON and summaries show.
    pub enum Outcome {
        Granted = "granted",
        /// Would be granted on application.
        Eligible = "eligible",
        Refused = "refused",
        /// A criterion, refusal ground or output needs facts the profile lacks.
        InsufficientData = "insufficient_data",
        /// A criterion, refusal ground or output needs a parameter that has no value in
        /// force on the decision date: a gap in the regulation, not in the citizen's data.
        RegulationGap = "regulation_gap",
        /// A trigger fired but did not start the service (no consent, opted out, or its
        /// condition needs data the event lacks).
        NotStarted = "not_started",
    }
}

impl Outcome {
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

#[derive(Serialize, Debug)]
pub struct Decision {
    pub service: String,
    /// The person or group the decision is about, when the service has a subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
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
    pub regulation_gaps: Vec<String>,
    pub outputs: BTreeMap<String, String>,
    /// The channels the notice goes by, and to whom: the applicant.
    pub notified: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice_to: Option<String>,
    /// With `--explain` only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub explain: Vec<Check>,
    /// Output values of a granted service, for the services that use them.
    #[serde(skip)]
    pub values: Vec<Option<Value>>,
}

impl Decision {
    /// `service[subject]`, as tests and summaries address a decision.
    pub fn label(&self) -> String {
        match &self.subject {
            Some(s) => format!("{}[{s}]", self.service),
            None => self.service.clone(),
        }
    }
}

#[derive(Serialize, Debug)]
pub struct Stop {
    pub service: String,
    /// Whose payment or service stops.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipient: Option<String>,
    /// The decision's subject, when not the recipient.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
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
