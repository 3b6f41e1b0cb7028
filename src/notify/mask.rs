//! Addresses as the agent sees them on screen and in the CLI: enough to tell them apart,
//! without spelling them out.

/// `dana.kim@example.com` → `d…@example.com`.
pub fn mask_address(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => match local.chars().next() {
            Some(first) => format!("{first}…@{domain}"),
            None => format!("…@{domain}"),
        },
        None => match address.chars().next() {
            Some(first) => format!("{first}…"),
            None => String::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_the_first_letter_and_the_domain() {
        assert_eq!(mask_address("dana.kim@example.com"), "d…@example.com");
        assert_eq!(mask_address("@example.com"), "…@example.com");
        assert_eq!(mask_address("nobody"), "n…");
    }
}
