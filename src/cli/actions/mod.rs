//! The verified actions (verify, unlock, reset-mfa, reset-password) and what they ask, check
//! and print: the gate's checklist, possession checks, hidden code entry, factor lists.

pub(super) mod act;
pub(super) mod action_notice_lines;
pub(super) mod asked;
pub(super) mod attempt;
pub(super) mod checklist;
pub(super) mod code_prompt;
pub(super) mod factor_list;
pub(super) mod possession;
