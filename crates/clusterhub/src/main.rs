//! The `clusterhub` binary.
fn main() {}
