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
    /// The simulated period: from its first day to the as-of date.
    pub from: String,
    pub as_of: String,
    pub events: Vec<EventNote>,
    /// What the simulation left out and why: events after the period, naming the persons.
    pub warnings: Vec<Warning>,
    pub decisions: Vec<Decision>,
    pub stops: Vec<Stop>,
    /// The personalised chain of a life situation, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain: Option<crate::graph::chains::Chain>,
}

#[derive(Serialize, Debug)]
pub struct Warning {
    pub event: String,
    pub date: String,
    /// The ids of the persons and groups it binds.
    pub persons: Vec<String>,
    pub message: String,
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
        /// Granted on application.
        Granted = "granted",
        /// Provided proactively (210-ФЗ ст. 7.3 ч. 2: the citizen asked in advance).
        Provided = "provided",
        /// Prepared proactively and offered: applying gets it at once (ст. 7.3 ч. 1).
        Offered = "offered",
        /// Would be granted on application.
        Eligible = "eligible",
        Refused = "refused",
        /// A criterion, refusal ground or output needs facts the profile lacks.
        InsufficientData = "insufficient_data",
        /// A criterion, refusal ground or output needs a parameter that has no value in
        /// force on the decision date: a gap in the regulation, not in the citizen's data.
        RegulationGap = "regulation_gap",
        /// The service does not apply at all (`applies when` does not hold): not refused,
        /// decided before consent.
        NotApplicable = "not_applicable",
        /// A trigger would have started the service, but the applicant opted out or did not
        /// consent; `on_application` says what applying would give.
        Suppressed = "suppressed",
    }
}

impl Outcome {
    /// The name in human output and regulation tests.
    pub fn text(self) -> &'static str {
        match self {
            Outcome::InsufficientData => "insufficient data",
            Outcome::RegulationGap => "regulation gap",
            Outcome::NotApplicable => "not applicable",
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
    /// For a suppressed start, what an application would give (its grounds, missing
    /// facts and outputs are the decision's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_application: Option<Outcome>,
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
    /// A decision with nothing found yet: no grounds, nothing missing, no outputs.
    pub fn new(service: &crate::model::Service, subject: Option<String>, date: String, route: Route) -> Self {
        Decision {
            service: service.name.text.clone(),
            subject,
            title: service.title().to_string(),
            date,
            route,
            trigger: None,
            outcome: Outcome::Granted,
            reason: None,
            refused_by: Vec::new(),
            missing: Vec::new(),
            regulation_gaps: Vec::new(),
            outputs: BTreeMap::new(),
            on_application: None,
            notified: Vec::new(),
            notice_to: None,
            explain: Vec::new(),
            values: Vec::new(),
        }
    }
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
    /// For a periodic payment: the first day it is no longer due (the first of the month
    /// after the event).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective: Option<String>,
    /// Monthly payments made for months from `effective` on, and their sum.
    pub overpaid_months: i64,
    pub overpaid_amount: Option<String>,
}
