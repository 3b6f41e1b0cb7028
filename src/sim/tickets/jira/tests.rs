//! The simulated Jira over real HTTP on 127.0.0.1.
