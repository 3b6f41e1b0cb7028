//! A user's factors as the command line shows them: one per line, with the id, type,
//! provider, device (or masked contact) and enrolment date in columns, so same-type factors
//! can be told apart; and the same fields as JSON.

use crate::tui::inert::inert;
use serde_json::{Value, json};

use crate::model::Factor;

/// The factors as aligned columns under a header, each line indented by two spaces.
pub fn table(factors: &[&Factor]) -> String {
    let device = |f: &Factor| {
        f.device_name
            .clone()
            .or_else(|| f.contact.clone())
            .unwrap_or_else(|| "-".into())
    };
    let enrolled = |f: &Factor| {
        f.created
            .map_or_else(|| "-".to_string(), |t| t.format("%Y-%m-%d").to_string())
    };
    let rows: Vec<[String; 6]> = factors
        .iter()
        .map(|f| {
            // IdP text, printed to a terminal: inert.
            [
                f.id.clone(),
                f.factor_type.clone(),
                f.provider.clone(),
                device(f),
                enrolled(f),
                f.status.clone(),
            ]
            .map(|cell| inert(&cell).into_owned())
        })
        .collect();
    let header = [
        "id",
        "type",
        "provider",
        "device / contact",
        "enrolled",
        "status",
    ]
    .map(String::from);
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String; 6]| {
        let mut out = String::from(" ");
        for (cell, w) in cells.iter().zip(widths) {
            out.push(' ');
            out.push_str(cell);
            out.push_str(&" ".repeat(w - cell.chars().count() + 1));
        }
        out.trim_end().to_string() + "\n"
    };
    std::iter::once(&header).chain(&rows).map(line).collect()
}

/// The table, or "(none)" when the user has no factor: for messages that list what there is.
pub fn listing(factors: &[Factor]) -> String {
    if factors.is_empty() {
        "  (none)".to_string()
    } else {
        table(&factors.iter().collect::<Vec<_>>())
            .trim_end()
            .to_string()
    }
}

/// One factor as JSON: what a script needs to name it again and a person to recognise it.
pub fn json(f: &Factor) -> Value {
    json!({
        "id": f.id,
        "type": f.factor_type,
        "provider": f.provider,
        "description": f.describe(),
        "device_name": f.device_name,
        "enrolled": f.created,
    })
}

pub fn json_list<'a>(factors: impl IntoIterator<Item = &'a Factor>) -> Value {
    Value::Array(factors.into_iter().map(json).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FactorKind;
    use chrono::TimeZone;

    fn push(id: &str, device: &str, day: u32) -> Factor {
        Factor {
            id: id.into(),
            kind: FactorKind::Push,
            factor_type: "push".into(),
            provider: "OKTA".into(),
            status: "ACTIVE".into(),
            device_name: Some(device.into()),
            contact: None,
            created: Some(chrono::Utc.with_ymd_and_hms(2025, 3, day, 9, 0, 0).unwrap()),
            last_updated: None,
        }
    }

    #[test]
    fn same_type_factors_are_told_apart_in_columns() {
        let a = push("opf1", "Dana's iPhone", 1);
        let b = push("opf2", "Pixel 8", 20);
        let text = table(&[&a, &b]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("  id"), "{text}");
        assert!(
            lines[1].contains("opf1")
                && lines[1].contains("Dana's iPhone")
                && lines[1].contains("2025-03-01")
        );
        assert!(
            lines[2].contains("opf2")
                && lines[2].contains("Pixel 8")
                && lines[2].contains("2025-03-20")
        );
        // Columns line up.
        assert_eq!(lines[1].find("push"), lines[2].find("push"));
        assert_eq!(json(&a)["description"], "Okta Verify push (Dana's iPhone)");
        assert_eq!(json(&a)["type"], "push");
    }
}
