//! Persons and groups of persons, the facts they carry and the roles that bind them: to a
//! group (a household's parents and children), to an event (a birth's child and mother)
//! and to a service (its subject, applicant and recipient).

use super::{EntityId, Name, Type, Value};
pub use crate::vocabulary::RoleMode;

/// The persons of a set, or a kind of group of them.
#[derive(Clone, Debug)]
pub struct Entity {
    pub name: Name,
    pub title: Option<String>,
    pub group: bool,
    pub roles: Vec<GroupRole>,
    pub facts: Vec<Fact>,
}

impl Entity {
    pub fn fact(&self, name: &str) -> Option<usize> {
        self.facts.iter().position(|f| f.name.text == name)
    }

    pub fn role(&self, name: &str) -> Option<usize> {
        self.roles.iter().position(|r| r.name.text == name)
    }
}

/// A fact of an entity, with the value a registry's silence means, if any.
#[derive(Clone, Debug)]
pub struct Fact {
    pub name: Name,
    pub ty: Type,
    pub default: Option<Value>,
}

/// A fact of an entity type: `person.birth_date`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FactRef {
    pub entity: EntityId,
    pub fact: usize,
}

/// A role of a group and how many members it holds: at least `min`, at most `max`.
#[derive(Clone, Debug)]
pub struct GroupRole {
    pub name: Name,
    pub min: u32,
    pub max: Option<u32>,
}

impl GroupRole {
    /// Whether the role holds one member at most: `household.head.birth_date` reads it.
    pub fn single(&self) -> bool {
        self.max.is_some_and(|m| m <= 1)
    }

    /// `0..2`, `1`, `0..` as written.
    pub fn cardinality(&self) -> String {
        match self.max {
            Some(max) if max == self.min => max.to_string(),
            Some(max) => format!("{}..{max}", self.min),
            None => format!("{}..", self.min),
        }
    }
}

/// A role an event or a service binds to an entity.
#[derive(Clone, Debug)]
pub struct Role {
    pub name: Name,
    pub entity: EntityId,
    pub mode: RoleMode,
}

/// A role of a service bound for one decision: the event role (or the application's
/// binding) it is taken from.
pub fn find_role(roles: &[Role], name: &str) -> Option<usize> {
    roles.iter().position(|r| r.name.text == name)
}
