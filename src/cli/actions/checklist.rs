//! `accessdesk checklist`: the configured KBA items, with the ids `--kba` takes.

use clap::Args;
use serde_json::json;
use std::process::ExitCode;

use crate::cli::{GlobalArgs, load_config};

#[derive(Debug, Args)]
pub struct ChecklistArgs {
    /// Print JSON instead of text
    #[arg(long)]
    json: bool,
}

pub fn run(global: &GlobalArgs, args: ChecklistArgs) -> anyhow::Result<ExitCode> {
    let gate = load_config(global, |_| {})?.gate;
    if args.json {
        let items: Vec<_> = gate
            .checklist
            .iter()
            .map(|i| json!({ "id": i.id, "text": i.text }))
            .collect();
        println!(
            "{}",
            json!({
                "checklist": items,
                "ticket_format": gate.ticket_format,
                "ticket_pattern": gate.ticket_pattern.as_str(),
                "evidence_max_age_minutes": gate.evidence_max_age.num_minutes(),
            })
        );
    } else {
        let width = gate.checklist.iter().map(|i| i.id.len()).max().unwrap_or(0);
        for item in &gate.checklist {
            println!("{:<width$}  {}", item.id, item.text);
        }
        println!();
        println!(
            "Ticket numbers: {} (case and surrounding spaces do not matter).",
            gate.ticket_format
        );
        let needing: Vec<&str> = [
            ("unlock", gate.unlock.possession),
            ("reset-password", gate.reset_password.possession),
            ("reset-mfa", gate.reset_factors.possession),
        ]
        .iter()
        .filter(|(_, needs)| *needs)
        .map(|(name, _)| *name)
        .collect();
        println!(
            "Possession evidence (a push or a code, valid for {} min) is required for: {}.",
            gate.evidence_max_age.num_minutes(),
            if needing.is_empty() {
                "nothing".to_string()
            } else {
                needing.join(", ")
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}
