//! Stage 4: simulation of citizen profiles against a compiled regulation set.

pub mod batch;
pub mod columnar;
pub mod engine;
pub mod eval;
pub mod model;
pub mod personal;
pub mod profile;
pub mod report;
pub mod schema;
pub mod table;
pub mod value;
