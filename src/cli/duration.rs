//! Human durations on the command line: `90s`, `15m`, `2h`, `1d`, or plain seconds.

use std::time::Duration;

pub fn parse(raw: &str) -> Result<Duration, String> {
    let s = raw.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, unit) = s.split_at(split);
    let n: u64 = digits.parse().map_err(|_| {
        format!("{raw:?} is not a duration; use a number with s, m, h or d, like 15m")
    })?;
    let secs = match unit {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => {
            return Err(format!(
                "{raw:?} has an unknown unit {unit:?}; use s, m, h or d, like 15m"
            ));
        }
    };
    Ok(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(parse("90").unwrap(), Duration::from_secs(90));
        assert_eq!(parse("90s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse("15m").unwrap(), Duration::from_secs(900));
        assert_eq!(parse("2h").unwrap(), Duration::from_secs(7200));
        assert_eq!(parse("1d").unwrap(), Duration::from_secs(86_400));
    }

    #[test]
    fn errors_say_what_is_allowed() {
        assert!(parse("soon").unwrap_err().contains("15m"));
        assert!(parse("5w").unwrap_err().contains("unknown unit"));
        assert!(parse("").is_err());
    }
}
