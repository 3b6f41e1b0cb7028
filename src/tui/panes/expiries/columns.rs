//! Which of a tab's columns fit and how wide each is. The essential columns come first, each
//! at its smallest useful width, then grow towards what their visible cells need (a column
//! marked `whole` grows to its long form or not at all: half a date is worth nothing); then
//! the optional ones, in order, while they fit; the user's name comes last of all. What is
//! left stays blank rather than stretching a column. So 80 columns keep who, when, the state
//! and the next reminder, and drop the extras first.

/// One column's needs: `min` to be worth showing, `want` for its visible cells in full and
/// `extra` on top for nice-to-have text (the name after the login).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need<K> {
    pub column: K,
    pub min: u16,
    pub want: u16,
    pub extra: u16,
    /// Grow to `want` in one step or not at all.
    pub whole: bool,
}

impl<K> Need<K> {
    pub fn new(column: K, min: u16, want: u16) -> Self {
        Self {
            column,
            min: min.min(want.max(1)),
            want,
            extra: 0,
            whole: false,
        }
    }

    /// Grows to its long form whole, or stays at `min`.
    pub fn whole(mut self) -> Self {
        self.whole = true;
        self
    }

    pub fn extra(mut self, extra: u16) -> Self {
        self.extra = extra;
        self
    }
}

/// Widths for `needs` (in display order) within `width`, `spacing` between two columns:
/// `essential` columns first (included, then grown), then `optional` ones once every
/// essential one is in. A column in neither, or that does not fit, is not shown.
pub fn plan<K: Copy + PartialEq>(
    width: u16,
    spacing: u16,
    needs: &[Need<K>],
    essential: &[K],
    optional: &[K],
) -> Vec<(K, u16)> {
    let need = |k: K| needs.iter().find(|n| n.column == k);
    let mut kept: Vec<(K, u16)> = Vec::new();
    let mut left = width;
    let include = |tier: &[K], kept: &mut Vec<(K, u16)>, left: &mut u16| {
        for &column in tier {
            let Some(n) = need(column) else { continue };
            let cost = n.min + if kept.is_empty() { 0 } else { spacing };
            if cost <= *left {
                *left -= cost;
                kept.push((column, n.min));
            }
        }
    };
    let grow = |tier: &[K], extra: bool, kept: &mut Vec<(K, u16)>, left: &mut u16| {
        for &column in tier {
            let (Some(n), Some((_, w))) =
                (need(column), kept.iter_mut().find(|(c, _)| *c == column))
            else {
                continue;
            };
            let target = n.want.max(n.min) + if extra { n.extra } else { 0 };
            let more = target.saturating_sub(*w);
            let more = if n.whole && more > *left {
                0
            } else {
                more.min(*left)
            };
            *w += more;
            *left -= more;
        }
    };
    include(essential, &mut kept, &mut left);
    grow(essential, false, &mut kept, &mut left);
    // Extras only beside every essential column: never instead of one.
    let essentials = essential.iter().filter(|&&k| need(k).is_some()).count();
    if kept.len() == essentials {
        include(optional, &mut kept, &mut left);
    }
    grow(optional, false, &mut kept, &mut left);
    grow(essential, true, &mut kept, &mut left);
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
            Need::new(C::User, 10, 20).extra(10),
            Need::new(C::When, 8, 14).whole(),
            Need::new(C::Days, 4, 4),
            Need::new(C::Extra, 8, 20),
        ]
    }

    const ESSENTIAL: [C; 2] = [C::User, C::When];
    const OPTIONAL: [C; 2] = [C::Extra, C::Days];

    fn plan_at(width: u16) -> Vec<(C, u16)> {
        plan(width, 1, &needs(), &ESSENTIAL, &OPTIONAL)
    }

    #[test]
    fn narrow_keeps_the_essentials_and_drops_the_rest_in_order() {
        assert_eq!(plan_at(28), [(C::User, 19), (C::When, 8)]);
        // Room for Extra at its minimum but not Days: Days goes first.
        let widths = plan_at(46);
        assert_eq!(
            widths.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
            [C::User, C::When, C::Extra]
        );
    }

    #[test]
    fn a_whole_column_grows_to_its_long_form_or_not_at_all() {
        // User to 20 leaves 3: not enough for When's 6 more (the name takes them).
        assert_eq!(plan_at(32), [(C::User, 23), (C::When, 8)]);
        assert_eq!(plan_at(35), [(C::User, 20), (C::When, 14)]);
    }

    #[test]
    fn wide_gives_each_what_it_wants_then_the_name_and_leaves_the_rest() {
        let widths = plan_at(100);
        assert_eq!(
            widths,
            [(C::User, 30), (C::When, 14), (C::Days, 4), (C::Extra, 20)],
            "display order, nothing stretched"
        );
        assert!(plan(5, 1, &needs(), &ESSENTIAL, &OPTIONAL).is_empty());
    }
}
