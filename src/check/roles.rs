//! Roles: those a service is decided over (its subject, applicant and recipient among
//! them) and how a trigger binds them from the roles of its event.

use super::Checker;
use super::declare::role;
use super::errors;
use super::symbols::DeclKind;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{self, EntityId, EventId, RoleMode, find_role};
use crate::syntax::ast::{Action, ActionKind, Ident, Service};
use foldhash::{HashMap, HashMapExt};

/// A service's roles and which of them is the subject, the applicant and the recipient.
pub struct ServiceRoles {
    pub roles: Vec<model::Role>,
    pub subject: Option<usize>,
    pub applicant: Option<usize>,
    pub recipient: Option<usize>,
}

impl<'a> Checker<'a> {
    /// The roles a service declares. The applicant is the subject when that is a person
    /// and no applicant is named; the recipient is the applicant when not named.
    pub(super) fn service_roles(&mut self, s: &'a Service) -> ServiceRoles {
        let mut roles = Vec::new();
        let mut seen: HashMap<&str, &Ident> = HashMap::new();
        for (name, entity) in &s.roles {
            if let Some(first) = seen.insert(&name.name, name) {
                self.report(errors::duplicate_local(name, "service", first));
                continue;
            }
            let entity: EntityId = self.resolve(entity, DeclKind::Entity).unwrap_or(EntityId(u32::MAX));
            roles.push(role(name, entity, RoleMode::One));
        }
        let mark = |c: &mut Self, ident: &Option<Ident>, what: &str| -> Option<usize> {
            let ident = ident.as_ref()?;
            let found = find_role(&roles, &ident.name);
            if found.is_none() {
                let d = Diagnostic::new(
                    Code::Undefined,
                    format!("the {what} `{}` is not a role of service `{}`", ident.name, s.name.name),
                    ident.span,
                    "not declared with its entity",
                )
                .with_help(format!("declare it with its entity: `{what} {}: person`", ident.name));
                c.report(d);
            }
            found
        };
        let subject = mark(self, &s.subject, "subject");
        let applicant = mark(self, &s.applicant, "applicant");
        let recipient = mark(self, &s.recipient, "recipient");
        // Whoever applies, consents and is notified is a person; so is who is paid.
        for (i, ident, what) in
            [(applicant, &s.applicant, "applicant"), (recipient, &s.recipient, "recipient")]
        {
            if let (Some(i), Some(ident)) = (i, ident)
                && self.is_group(roles[i].entity)
            {
                let entity = self.model.entities[roles[i].entity].name.text.clone();
                let d = Diagnostic::new(
                    Code::RoleKind,
                    format!("the {what} of `{}` must be a person, but `{}` is a `{entity}`", s.name.name, ident.name),
                    ident.span,
                    "a group",
                )
                .with_help(format!("name a person role as the {what}; a group is the subject of a decision, not a party to it"));
                self.report(d);
            }
        }
        let is_person = |i: usize| roles.get(i).is_some_and(|r| !self.is_group(r.entity));
        let applicant = applicant.or(subject.filter(|&i| s.applicant.is_none() && is_person(i)));
        let recipient = recipient.or(applicant.filter(|_| s.recipient.is_none()));
        ServiceRoles { roles, subject, applicant, recipient }
    }

    fn is_group(&self, e: EntityId) -> bool {
        self.model.entities.get(e).is_some_and(|e| e.group)
    }

    /// For each role of the service a trigger acts on, the event role that binds it: the
    /// one named after `for` (the subject of a start, the recipient of a stop), else the
    /// one of the same name. A start binds every role of the service; a stop needs the
    /// recipient's.
    pub(super) fn binds(
        &mut self,
        on: EventId,
        action: model::Action,
        written: &'a Action,
    ) -> Vec<Option<usize>> {
        let service = &self.model.services[action.service()];
        let event = &self.model.events[on];
        let target = if written.kind == ActionKind::Stop { service.recipient } else { service.subject };
        let mut binds = Vec::with_capacity(service.roles.len());
        let mut problems = Vec::new();
        let by_for = written.role.as_ref().map(|r| (r, find_role(&event.roles, &r.name)));
        if let Some((r, None)) = &by_for {
            let names: Vec<&str> = event.roles.iter().map(|r| r.name.as_str()).collect();
            let suggestion = super::symbols::suggest(&r.name, names.iter().copied());
            problems.push(errors::unknown_field(r, &event.name.text, names, suggestion));
        }
        for (i, role) in service.roles.iter().enumerate() {
            let bound = match &by_for {
                Some((_, found)) if Some(i) == target => *found,
                _ => find_role(&event.roles, &role.name),
            };
            let needed = written.kind != ActionKind::Stop || Some(i) == target;
            match bound {
                Some(b) if event.roles[b].entity != role.entity && role.entity.0 != u32::MAX => {
                    let (has, wants) = (
                        self.model.entities[event.roles[b].entity].name.text.clone(),
                        self.model.entities[role.entity].name.text.clone(),
                    );
                    let span = written.role.as_ref().map_or(written.service.span, |r| r.span);
                    problems.push(
                        Diagnostic::new(
                            Code::WrongEntity,
                            format!(
                                "role `{}` of service `{}` is a `{wants}`, but event `{}` binds `{}` to a `{has}`",
                                role.name.text, service.name.text, event.name.text, event.roles[b].name.text
                            ),
                            span,
                            format!("`{}` binds a `{has}`", event.roles[b].name.text),
                        )
                        .with_label(role.name.span, format!("a `{wants}` here"))
                        .with_help("bind the role from an event role of the same entity: `provide service for role`"),
                    );
                    binds.push(None);
                }
                None if needed && (by_for.is_none() || Some(i) != target) => {
                    let roles: Vec<&str> = event.roles.iter().map(|r| r.name.as_str()).collect();
                    let has = if roles.is_empty() {
                        "no roles".to_string()
                    } else {
                        format!("`{}`", roles.join("`, `"))
                    };
                    let what = if written.kind == ActionKind::Stop { " (whose payment stops)" } else { "" };
                    problems.push(
                        Diagnostic::new(
                            Code::UnboundRole,
                            format!(
                                "service `{}` needs role `{}`{what}, which event `{}` does not bind",
                                service.name.text, role.name.text, event.name.text
                            ),
                            written.service.span,
                            format!("`{}` binds {has}", event.name.text),
                        )
                        .with_label(role.name.span, "declared here")
                        .with_help(format!(
                            "add `role {}: {}` to the event, or name the event role that binds it: `{} {} for <role>`",
                            role.name.text,
                            self.model.entities.get(role.entity).map_or("person", |e| e.name.as_str()),
                            match written.kind { ActionKind::Provide => "provide", ActionKind::Offer => "offer", ActionKind::Stop => "stop" },
                            service.name.text
                        )),
                    );
                    binds.push(None);
                }
                b => binds.push(b),
            }
        }
        for d in problems {
            self.report(d);
        }
        binds
    }
}
