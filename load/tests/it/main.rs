//! The load tool's tests against the real server, in one test binary: one link of the
//! dependency tree. The harness is the server package's own (`tests/it/common`).

#[path = "../../../tests/it/common/mod.rs"]
mod common;

mod load_tool;
mod talk;
