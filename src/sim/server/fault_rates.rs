//! Faults by rate (`sim --faults 429=5%,500=2%,slow=1%:3s,reset=1%,garbage=1%`): every API
//! request rolls a die seeded from the simulator's seed, so the same seed and the same
//! sequence of requests meet the same faults. Count-based faults queued through
//! `/__sim/faults` go first; the die is rolled only when none of them applies.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::faults::FaultKind;

/// Shares are kept in parts per million, so `0.01%` is the finest share.
const MILLION: u32 = 1_000_000;
/// An injected 429 is a short burst limit, not the minute window: the reset it names is
/// this far ahead, so a client that waits it out is not stalled for a minute at 5 %.
pub const RATE_FAULT_RESET_SECS: u64 = 2;
/// The status of an `html` fault's page: what a proxy in front of the IdP answers.
pub const HTML_FAULT_STATUS: u16 = 502;
/// The longest `slow` pause accepted (longer than any client's request timeout).
const MAX_SLOW: Duration = Duration::from_secs(120);

/// One kind of fault a rate can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RateFault {
    /// `429`: the provider's rate-limit error, with reset headers.
    RateLimited,
    /// `500`…`599`: the provider's error body with this status.
    Status(u16),
    /// `slow=P%:3s`: the normal answer after this pause.
    Slow(Duration),
    /// `reset`: the connection is dropped without an answer.
    Reset,
    /// `garbage`: `200 OK` with a body that is not JSON.
    Garbage,
    /// `html`: an HTML error page (502), as a proxy sends.
    Html,
    /// `truncated`: the real JSON answer, cut short.
    Truncated,
}

impl RateFault {
    /// What the gate does for it (the same shapes the count-based faults have).
    pub fn kind(self) -> FaultKind {
        match self {
            RateFault::RateLimited => FaultKind::RateLimited {
                reset_secs: RATE_FAULT_RESET_SECS,
            },
            RateFault::Status(status) => FaultKind::Status { status },
            RateFault::Slow(pause) => FaultKind::Delay {
                millis: u64::try_from(pause.as_millis()).unwrap_or(u64::MAX),
            },
            RateFault::Reset => FaultKind::Drop,
            RateFault::Garbage => FaultKind::Garbage,
            RateFault::Html => FaultKind::Html {
                status: HTML_FAULT_STATUS,
            },
            RateFault::Truncated => FaultKind::Truncated,
        }
    }

    /// The key as the spec writes it (`429`, `503`, `slow`, `reset`, ...).
    pub fn key(self) -> String {
        match self {
            RateFault::RateLimited => "429".into(),
            RateFault::Status(status) => status.to_string(),
            RateFault::Slow(_) => "slow".into(),
            RateFault::Reset => "reset".into(),
            RateFault::Garbage => "garbage".into(),
            RateFault::Html => "html".into(),
            RateFault::Truncated => "truncated".into(),
        }
    }
}

/// A fault and the share of requests it hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaultRate {
    pub fault: RateFault,
    /// Parts per million of the API requests.
    pub per_million: u32,
}

/// The whole `--faults` spec: at most one rate per key, the shares adding up to 100 % at most.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaultRates {
    rates: Vec<FaultRate>,
}

/// A spec that does not parse, naming the part that is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{part:?}: {reason}")]
pub struct FaultSpecError {
    pub part: String,
    pub reason: String,
}

fn bad(part: &str, reason: impl Into<String>) -> FaultSpecError {
    FaultSpecError {
        part: part.to_string(),
        reason: reason.into(),
    }
}

const KEYS: &str = "429, 500-599, slow, reset, garbage, html or truncated";

impl FaultRates {
    pub fn is_empty(&self) -> bool {
        self.rates.is_empty()
    }

    pub fn rates(&self) -> &[FaultRate] {
        &self.rates
    }
}

impl FromStr for FaultRates {
    type Err = FaultSpecError;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let mut rates: Vec<FaultRate> = Vec::new();
        for part in spec.split(',').map(str::trim) {
            if part.is_empty() {
                return Err(bad(
                    spec,
                    "an empty entry; write key=share pairs separated by commas, like 429=5%,500=2%",
                ));
            }
            let rate = parse_rate(part)?;
            if rates.iter().any(|r| r.fault.key() == rate.fault.key()) {
                return Err(bad(part, format!("{} is given twice", rate.fault.key())));
            }
            rates.push(rate);
        }
        let total: u64 = rates.iter().map(|r| u64::from(r.per_million)).sum();
        if total > u64::from(MILLION) {
            return Err(bad(
                spec,
                format!(
                    "the shares add up to {}, more than 100%",
                    Percent(total as f64 / 10_000.0)
                ),
            ));
        }
        Ok(FaultRates { rates })
    }
}

fn parse_rate(part: &str) -> Result<FaultRate, FaultSpecError> {
    let Some((key, value)) = part.split_once('=') else {
        return Err(bad(part, "expected key=share, like 429=5%"));
    };
    let (key, value) = (key.trim(), value.trim());
    let (share, pause) = match value.split_once(':') {
        Some((share, pause)) => (share.trim(), Some(pause.trim())),
        None => (value, None),
    };
    let fault = match key {
        "429" => RateFault::RateLimited,
        "slow" => {
            let pause = pause.ok_or_else(|| {
                bad(
                    part,
                    "slow needs its pause after the share, like slow=1%:3s",
                )
            })?;
            RateFault::Slow(parse_pause(part, pause)?)
        }
        "reset" => RateFault::Reset,
        "garbage" => RateFault::Garbage,
        "html" => RateFault::Html,
        "truncated" => RateFault::Truncated,
        digits if digits.bytes().all(|b| b.is_ascii_digit()) && !digits.is_empty() => {
            match digits.parse::<u16>() {
                Ok(status @ 500..=599) => RateFault::Status(status),
                _ => {
                    return Err(bad(
                        part,
                        format!("status {digits} cannot be injected; use 429 or 500-599"),
                    ));
                }
            }
        }
        other => return Err(bad(part, format!("unknown fault {other:?}; use {KEYS}"))),
    };
    if pause.is_some() && !matches!(fault, RateFault::Slow(_)) {
        return Err(bad(part, "only slow takes a pause (slow=1%:3s)"));
    }
    Ok(FaultRate {
        fault,
        per_million: parse_share(part, share)?,
    })
}

/// `5%`, `0.5%`, `12.25%`: above 0, at most 100, to four decimals at most.
fn parse_share(part: &str, share: &str) -> Result<u32, FaultSpecError> {
    let number = share.strip_suffix('%').ok_or_else(|| {
        bad(
            part,
            format!("the share {share:?} must be a percentage, like 5%"),
        )
    })?;
    let valid = !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && number.bytes().filter(|&b| b == b'.').count() <= 1;
    let percent: f64 = valid
        .then(|| number.parse().ok())
        .flatten()
        .ok_or_else(|| {
            bad(
                part,
                format!("the share {share:?} is not a number of percent"),
            )
        })?;
    let per_million = (percent * 10_000.0).round();
    if !(1.0..=f64::from(MILLION)).contains(&per_million) {
        return Err(bad(
            part,
            format!(
                "the share {share} is not allowed: above 0% (0.0001% at least) and at most 100%"
            ),
        ));
    }
    Ok(per_million as u32)
}

/// `3s`, `1.5s`, `500ms`.
fn parse_pause(part: &str, pause: &str) -> Result<Duration, FaultSpecError> {
    let (number, millis_per_unit) = if let Some(n) = pause.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = pause.strip_suffix('s') {
        (n, 1000.0)
    } else {
        return Err(bad(
            part,
            format!("the pause {pause:?} needs a unit, s or ms, like 3s"),
        ));
    };
    let millis = number
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n > 0.0)
        .map(|n| n * millis_per_unit)
        .ok_or_else(|| {
            bad(
                part,
                format!("the pause {pause:?} is not a positive number"),
            )
        })?;
    let parsed = Duration::from_millis(millis.round() as u64);
    if parsed.is_zero() || parsed > MAX_SLOW {
        return Err(bad(
            part,
            format!("the pause {pause} is not allowed: from 1ms to 120s"),
        ));
    }
    Ok(parsed)
}

/// A percentage written back without trailing zeros: `5%`, `0.25%`.
struct Percent(f64);

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = format!("{:.4}", self.0);
        let text = text.trim_end_matches('0').trim_end_matches('.');
        write!(f, "{text}%")
    }
}

impl fmt::Display for FaultRates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, rate) in self.rates.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            let share = Percent(f64::from(rate.per_million) / 10_000.0);
            write!(f, "{}={share}", rate.fault.key())?;
            if let RateFault::Slow(pause) = rate.fault {
                write!(f, ":{}ms", pause.as_millis())?;
            }
        }
        Ok(())
    }
}

/// How many requests rolled the die and what they met, by the spec's keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FaultTally {
    pub rolled: u64,
    pub injected: BTreeMap<String, u64>,
}

/// The seeded die the gates roll once per API request.
#[derive(Debug)]
pub(crate) struct FaultDice {
    rates: FaultRates,
    rng: ChaCha8Rng,
    tally: FaultTally,
}

/// Keeps the faults' stream apart from the organisation's and the traffic's, which use the
/// same seed.
const STREAM: u64 = 0xFA17_0000_0000_0011;

impl FaultDice {
    pub fn new(rates: FaultRates, seed: u64) -> Self {
        Self {
            rates,
            rng: ChaCha8Rng::seed_from_u64(seed ^ STREAM),
            tally: FaultTally::default(),
        }
    }

    /// The fault this request meets, if any. Without rates the die is never rolled.
    pub fn roll(&mut self) -> Option<FaultKind> {
        if self.rates.is_empty() {
            return None;
        }
        self.tally.rolled += 1;
        let mut point = self.rng.random_range(0..MILLION);
        for rate in self.rates.rates() {
            if point < rate.per_million {
                *self.tally.injected.entry(rate.fault.key()).or_default() += 1;
                return Some(rate.fault.kind());
            }
            point -= rate.per_million;
        }
        None
    }

    pub fn tally(&self) -> FaultTally {
        self.tally.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(spec: &str) -> Result<FaultRates, FaultSpecError> {
        spec.parse()
    }

    #[test]
    fn the_documented_spec_parses() {
        let rates = parse("429=5%,500=2%,slow=1%:3s,reset=1%,garbage=1%").unwrap();
        let got: Vec<_> = rates
            .rates()
            .iter()
            .map(|r| (r.fault, r.per_million))
            .collect();
        assert_eq!(
            got,
            [
                (RateFault::RateLimited, 50_000),
                (RateFault::Status(500), 20_000),
                (RateFault::Slow(Duration::from_secs(3)), 10_000),
                (RateFault::Reset, 10_000),
                (RateFault::Garbage, 10_000),
            ]
        );
        let all = parse("html=1%, truncated=0.5%, 503=1%, slow=2.5%:250ms").unwrap();
        assert_eq!(
            all.to_string(),
            "html=1%,truncated=0.5%,503=1%,slow=2.5%:250ms"
        );
        assert_eq!(parse(&all.to_string()).unwrap(), all, "Display reads back");
        assert_eq!(
            parse("slow=1%:1.5s").unwrap().rates()[0].fault,
            RateFault::Slow(Duration::from_millis(1500))
        );
        assert_eq!(parse("reset=100%").unwrap().rates()[0].per_million, MILLION);
    }

    #[test]
    fn bad_specs_name_the_bad_part() {
        let cases = [
            ("429=5", "\"429=5\"", "percentage"),
            ("429", "\"429\"", "key=share"),
            ("404=1%", "\"404=1%\"", "429 or 500-599"),
            ("600=1%", "\"600=1%\"", "429 or 500-599"),
            ("boom=1%", "\"boom=1%\"", "unknown fault \"boom\""),
            ("500=1%,500=2%", "\"500=2%\"", "given twice"),
            ("429=x%", "\"429=x%\"", "not a number"),
            ("429=-1%", "\"429=-1%\"", "not a number"),
            ("429=0%", "\"429=0%\"", "above 0%"),
            ("429=101%", "\"429=101%\"", "at most 100%"),
            ("429=60%,500=50%", "\"429=60%,500=50%\"", "add up to 110%"),
            ("slow=1%", "\"slow=1%\"", "slow=1%:3s"),
            ("slow=1%:3", "\"slow=1%:3\"", "needs a unit"),
            ("slow=1%:0s", "\"slow=1%:0s\"", "positive"),
            ("slow=1%:10m", "\"slow=1%:10m\"", "needs a unit"),
            ("slow=1%:500s", "\"slow=1%:500s\"", "from 1ms to 120s"),
            ("reset=1%:3s", "\"reset=1%:3s\"", "only slow"),
            ("429=5%,", "\"429=5%,\"", "empty entry"),
            ("", "\"\"", "empty entry"),
        ];
        for (spec, part, reason) in cases {
            let e = parse(spec).expect_err(spec).to_string();
            assert!(e.starts_with(part), "{spec}: {e}");
            assert!(e.contains(reason), "{spec}: {e}");
        }
    }

    fn sequence(rates: &FaultRates, seed: u64, n: usize) -> Vec<Option<FaultKind>> {
        let mut dice = FaultDice::new(rates.clone(), seed);
        (0..n).map(|_| dice.roll()).collect()
    }

    #[test]
    fn the_same_seed_rolls_the_same_faults() {
        let rates = parse("429=5%,500=3%,garbage=2%,reset=1%,slow=1%:3s").unwrap();
        let a = sequence(&rates, 7, 2000);
        assert_eq!(a, sequence(&rates, 7, 2000));
        assert_ne!(a, sequence(&rates, 8, 2000));
        assert!(a.iter().any(Option::is_some) && a.iter().any(Option::is_none));
    }

    #[test]
    fn shares_come_out_as_asked_and_are_tallied() {
        let rates = parse("429=5%,500=3%,garbage=2%").unwrap();
        let mut dice = FaultDice::new(rates, 42);
        let n = 100_000u64;
        for _ in 0..n {
            dice.roll();
        }
        let tally = dice.tally();
        assert_eq!(tally.rolled, n);
        // Binomial: 5 % of 100,000 is 5,000 ± 69 (one sigma); ±10 % is over seven sigmas.
        for (key, expected) in [("429", 5_000.0), ("500", 3_000.0), ("garbage", 2_000.0)] {
            let got = tally.injected[key] as f64;
            assert!((got - expected).abs() < expected * 0.1, "{key}: {got}");
        }
        assert_eq!(tally.injected.len(), 3);
    }

    #[test]
    fn no_rates_never_roll() {
        let mut dice = FaultDice::new(FaultRates::default(), 1);
        assert_eq!(dice.roll(), None);
        assert_eq!(dice.tally(), FaultTally::default());
    }

    #[test]
    fn each_key_maps_to_its_fault() {
        let kinds: Vec<_> =
            parse("429=1%,503=1%,slow=1%:3s,reset=1%,garbage=1%,html=1%,truncated=1%")
                .unwrap()
                .rates()
                .iter()
                .map(|r| r.fault.kind())
                .collect();
        assert_eq!(
            kinds,
            [
                FaultKind::RateLimited {
                    reset_secs: RATE_FAULT_RESET_SECS
                },
                FaultKind::Status { status: 503 },
                FaultKind::Delay { millis: 3000 },
                FaultKind::Drop,
                FaultKind::Garbage,
                FaultKind::Html { status: 502 },
                FaultKind::Truncated,
            ]
        );
    }
}
