//! How wide each of the lockout table's columns is: the columns that matter most are kept
//! first (at their smallest useful width), then each grows towards what its visible cells need,
//! and what is left goes to the free-text columns. So a narrow terminal keeps the login, the
//! handled mark and the time, and a wide one gives Reason the room User does not need.

/// A column of the lockout table, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Column {
    /// The burst mark.
    Burst,
    When,
    User,
    Reason,
    Ip,
    Location,
    Client,
    /// What happened since (the handled mark).
    Since,
    Repeats,
}

/// One column's needs: `min` to be worth showing, `want` for its visible cells in full, and
/// `extra` for nice-to-have text (the user's name after the login).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    pub column: Column,
    pub min: u16,
    pub want: u16,
    pub extra: u16,
}

/// The columns an agent cannot do without, kept first.
const ESSENTIAL: [Column; 6] = [
    Column::User,
    Column::Since,
    Column::Repeats,
    Column::When,
    Column::Burst,
    Column::Ip,
];

/// Shown with the width the essential ones leave.
const CONTEXT: [Column; 3] = [Column::Reason, Column::Location, Column::Client];

/// How a column grows in one step of [`GROWTH`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grow {
    /// As far as the width allows, up to `want`.
    ToWant,
    /// To `want` or not at all (the clock is worth nothing cut).
    Whole,
    /// Up to `want + extra`.
    Extra,
}

/// The order columns grow in: the login (before the clock: the detail has the exact time),
/// the short mark and the IP, then the reason, the clock, the whole mark (who, which audit
/// record), the place and the client, then the user's name.
const GROWTH: [(Column, Grow); 11] = [
    (Column::User, Grow::ToWant),
    (Column::Since, Grow::ToWant),
    (Column::Repeats, Grow::ToWant),
    (Column::Burst, Grow::ToWant),
    (Column::Ip, Grow::ToWant),
    (Column::Reason, Grow::ToWant),
    (Column::When, Grow::Whole),
    (Column::Since, Grow::Extra),
    (Column::Location, Grow::ToWant),
    (Column::Client, Grow::ToWant),
    (Column::User, Grow::Extra),
];

/// Widths for `needs` within `width` columns, `spacing` between two columns, in display
/// order. A column missing from `needs` is not shown.
pub fn plan(width: u16, spacing: u16, needs: &[Need]) -> Vec<(Column, u16)> {
    let mut widths: Vec<(Column, u16)> = Vec::new();
    let mut left = width;
    let include = |tier: &[Column], widths: &mut Vec<(Column, u16)>, left: &mut u16| {
        for column in tier {
            let Some(n) = needs.iter().find(|n| n.column == *column) else {
                continue;
            };
            let cost = n.min + if widths.is_empty() { 0 } else { spacing };
            if cost <= *left {
                *left -= cost;
                widths.push((n.column, n.min));
            }
        }
    };
    let grow = |steps: &[(Column, Grow)], widths: &mut Vec<(Column, u16)>, left: &mut u16| {
        for &(column, how) in steps {
            let Some(n) = needs.iter().find(|n| n.column == column) else {
                continue;
            };
            let Some((_, w)) = widths.iter_mut().find(|(c, _)| *c == column) else {
                continue;
            };
            let target = n.want.max(n.min) + if how == Grow::Extra { n.extra } else { 0 };
            let more = target.saturating_sub(*w);
            let more = match how {
                Grow::Whole if more > *left => 0,
                _ => more.min(*left),
            };
            *w += more;
            *left -= more;
        }
    };
    include(&ESSENTIAL, &mut widths, &mut left);
    grow(&GROWTH[..5], &mut widths, &mut left);
    include(&CONTEXT, &mut widths, &mut left);
    grow(&GROWTH[5..], &mut widths, &mut left);
    // What is still left goes to the free text, Reason first.
    for column in [
        Column::Reason,
        Column::Location,
        Column::Client,
        Column::User,
    ] {
        if left == 0 {
            break;
        }
        let share = match column {
            Column::Reason => left.div_ceil(2),
            _ => left,
        };
        if let Some((_, w)) = widths.iter_mut().find(|(c, _)| *c == column) {
            *w += share;
            left -= share;
        }
    }
    widths.sort_by_key(|(c, _)| *c);
    widths
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needs() -> Vec<Need> {
        let n = |column, min, want, extra| Need {
            column,
            min,
            want,
            extra,
        };
        vec![
            n(Column::When, 7, 16, 0),
            n(Column::User, 20, 30, 17),
            n(Column::Reason, 12, 29, 0),
            n(Column::Ip, 15, 15, 0),
            n(Column::Location, 10, 30, 0),
            n(Column::Client, 10, 20, 0),
            n(Column::Since, 12, 36, 0),
            n(Column::Repeats, 3, 3, 0),
            n(Column::Burst, 1, 1, 0),
        ]
    }

    fn total(widths: &[(Column, u16)], spacing: u16) -> u16 {
        widths.iter().map(|(_, w)| w).sum::<u16>() + spacing * (widths.len() as u16 - 1)
    }

    fn width_of(widths: &[(Column, u16)], column: Column) -> Option<u16> {
        widths.iter().find(|(c, _)| *c == column).map(|(_, w)| *w)
    }

    #[test]
    fn a_narrow_table_keeps_login_mark_count_and_time_first() {
        let widths = plan(76, 1, &needs());
        let columns: Vec<Column> = widths.iter().map(|(c, _)| *c).collect();
        assert!(columns.starts_with(&[Column::Burst, Column::When, Column::User]));
        assert!(columns.contains(&Column::Since) && columns.contains(&Column::Repeats));
        assert!(!columns.contains(&Column::Client) && !columns.contains(&Column::Reason));
        assert_eq!(total(&widths, 1), 76, "every column of the width is used");
        assert_eq!(width_of(&widths, Column::User), Some(30), "the whole login");
    }

    #[test]
    fn a_wide_table_gives_reason_what_user_does_not_need() {
        let widths = plan(220, 1, &needs());
        assert_eq!(widths.len(), 9);
        assert_eq!(
            width_of(&widths, Column::User),
            Some(47),
            "login and name, no more"
        );
        assert!(width_of(&widths, Column::Reason).unwrap() > 29);
        assert_eq!(total(&widths, 1), 220);
        assert_eq!(width_of(&widths, Column::When), Some(16));
    }

    #[test]
    fn the_clock_is_shown_whole_or_not_at_all() {
        let widths = plan(100, 1, &needs());
        let when = width_of(&widths, Column::When).unwrap();
        assert!(when == 7 || when == 16, "{when}");
        assert_eq!(total(&widths, 1), 100);
    }

    #[test]
    fn missing_columns_are_not_shown_and_display_order_holds() {
        let needs: Vec<Need> = needs()
            .into_iter()
            .filter(|n| !matches!(n.column, Column::Since | Column::Burst))
            .collect();
        let widths = plan(116, 1, &needs);
        let columns: Vec<Column> = widths.iter().map(|(c, _)| *c).collect();
        let mut sorted = columns.clone();
        sorted.sort();
        assert_eq!(columns, sorted);
        assert!(!columns.contains(&Column::Since));
    }
}
