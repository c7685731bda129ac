//! Stage 4: simulation of citizen profiles and populations against the checked model.

pub mod batch;
pub mod columnar;
pub mod decision;
pub mod engine;
pub mod eval;
pub mod explain;
pub mod groups;
pub mod personal;
pub mod profile;
pub mod report;
pub mod scalar;
pub mod schema;
pub mod table;
