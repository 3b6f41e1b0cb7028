//! Which of a tab's columns fit and how wide each is: columns are kept in order of how much
//! they matter (each at its smallest useful width) while they fit, then grow in the same order
//! towards what their visible cells need; what is left goes to the first (the user). So a
//! narrow terminal keeps who, when and the next reminder, and drops the extras first.

/// One column's needs: `min` to be worth showing, `want` for its visible cells in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need<K> {
    pub column: K,
    pub min: u16,
    pub want: u16,
}

/// Widths for `needs` (in display order) within `width`, `spacing` between two columns;
/// `keep` names the columns from the one to keep longest. A column missing from `keep`, or
/// that does not fit, is not shown.
pub fn plan<K: Copy + PartialEq>(
    width: u16,
    spacing: u16,
    needs: &[Need<K>],
    keep: &[K],
) -> Vec<(K, u16)> {
    let need = |k: K| needs.iter().find(|n| n.column == k);
    let mut kept: Vec<(K, u16)> = Vec::new();
    let mut left = width;
    for &column in keep {
        let Some(n) = need(column) else { continue };
        let cost = n.min + if kept.is_empty() { 0 } else { spacing };
        if cost <= left {
            left -= cost;
            kept.push((column, n.min));
        }
    }
    for (column, w) in &mut kept {
        let want = need(*column).map_or(*w, |n| n.want.max(n.min));
        let more = want.saturating_sub(*w).min(left);
        *w += more;
        left -= more;
    }
    if let Some((_, w)) = kept.first_mut() {
        *w += left;
    }
    needs
        .iter()
        .filter_map(|n| kept.iter().find(|(c, _)| *c == n.column).copied())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum C {
        User,
        When,
        Extra,
        Days,
    }

    fn needs() -> Vec<Need<C>> {
        vec![
            Need { column: C::User, min: 10, want: 30 },
            Need { column: C::When, min: 8, want: 12 },
            Need { column: C::Days, min: 4, want: 4 },
            Need { column: C::Extra, min: 8, want: 20 },
        ]
    }

    const KEEP: [C; 4] = [C::User, C::When, C::Extra, C::Days];

    fn total(widths: &[(C, u16)]) -> u16 {
        widths.iter().map(|(_, w)| w).sum::<u16>() + widths.len().saturating_sub(1) as u16
    }

    #[test]
    fn narrow_drops_the_least_needed_and_keeps_display_order() {
        let widths = plan(28, 1, &needs(), &KEEP);
        assert_eq!(
            widths.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
            [C::User, C::When, C::Extra],
            "Days goes first"
        );
        assert_eq!(total(&widths), 28);
    }

    #[test]
    fn wide_gives_each_what_it_wants_and_the_rest_to_the_user() {
        let widths = plan(100, 1, &needs(), &KEEP);
        assert_eq!(widths.len(), 4);
        assert_eq!(widths[1], (C::When, 12));
        assert_eq!(widths[3], (C::Extra, 20));
        assert_eq!(total(&widths), 100);
        assert!(widths[0].1 > 30);
    }

    #[test]
    fn too_narrow_for_anything_but_the_first() {
        let widths = plan(12, 1, &needs(), &KEEP);
        assert_eq!(widths, [(C::User, 12)]);
        assert!(plan(5, 1, &needs(), &KEEP).is_empty());
    }
}
