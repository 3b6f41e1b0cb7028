//! The action the command line asks for, and for an MFA reset, the factors its names mean:
//! each `--factor` must name exactly one of the user's factors (by id, type or provider), and
//! what will go, including what goes along with it, is said before anything happens.

use super::factor_list;
use super::possession::Stop;
use crate::model::{
    Action, Factor, User, removal_requests, removal_set, removed_along, select_factors,
};

/// The action as the command line asked for it; an MFA reset's factor names are resolved
/// against the user's factors once those are known.
pub enum Asked {
    Unlock,
    ResetPassword,
    ResetAllFactors,
    ResetNamedFactors(Vec<String>),
}

impl Asked {
    /// The action as asked, for records made before it can be resolved (the factor names as
    /// typed).
    pub fn as_typed(&self) -> Action {
        match self {
            Asked::Unlock => Action::Unlock,
            Asked::ResetPassword => Action::ResetPassword,
            Asked::ResetAllFactors => Action::ResetAllFactors,
            Asked::ResetNamedFactors(names) => Action::ResetFactors {
                factor_ids: names.clone(),
            },
        }
    }
}

/// What the action needs to know of the user to be built (the factors a name means).
pub struct Known<'a> {
    pub user: &'a User,
    pub factors: &'a [Factor],
}

/// The action for what was asked: for an MFA reset by name, the factors the names resolve to
/// (each name must mean exactly one of the user's factors).
pub fn resolve(asked: &Asked, known: &Known) -> Result<Action, Stop> {
    let Asked::ResetNamedFactors(names) = asked else {
        return Ok(asked.as_typed());
    };
    let mut chosen: Vec<String> = Vec::new();
    let mut problems = Vec::new();
    for name in names {
        match select_factors(name, known.factors).as_slice() {
            [one] => {
                if !chosen.contains(&one.id) {
                    chosen.push(one.id.clone());
                }
            }
            [] => problems.push(format!(
                "--factor {name:?} matches none of {}'s factors (by id, type or provider)",
                known.user.login
            )),
            several => problems.push(format!(
                "--factor {name:?} matches {} of {}'s factors ({}); name one by id",
                several.len(),
                known.user.login,
                several
                    .iter()
                    .map(|f| f.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
    if !problems.is_empty() {
        problems.push(format!(
            "{}'s factors:\n{}",
            known.user.login,
            factor_list::listing(known.factors)
        ));
        return Err(Stop::Refused(problems));
    }
    Ok(Action::ResetFactors {
        factor_ids: removal_requests(&chosen, known.factors),
    })
}

/// The factors `action` will take, chosen and along.
pub fn planned_removal<'a>(action: &Action, factors: &'a [Factor]) -> Vec<&'a Factor> {
    match action {
        Action::ResetAllFactors => factors.iter().collect(),
        Action::ResetFactors { factor_ids } => removal_set(factor_ids, factors),
        _ => Vec::new(),
    }
}

/// Say, before anything happens, every factor that will go, and which go along with another.
pub fn preview_removal(action: &Action, user: &User, factors: &[Factor]) {
    let planned = planned_removal(action, factors);
    if planned.is_empty() {
        return;
    }
    let what = match action {
        Action::ResetAllFactors => "every factor",
        _ => "these factors",
    };
    eprintln!("This will remove {what} of {}:", user.login);
    eprint!("{}", factor_list::table(&planned));
    if let Action::ResetFactors { factor_ids } = action {
        for f in factors.iter().filter(|f| factor_ids.contains(&f.id)) {
            let along = removed_along(f, factors);
            if !along.is_empty() {
                let names: Vec<String> = along.iter().map(|a| a.describe()).collect();
                eprintln!(
                    "Removing {} also removes: {}",
                    f.describe(),
                    names.join(", ")
                );
            }
        }
    }
}
