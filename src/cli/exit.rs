//! Exit codes, one meaning each, the same for every command:
//! 0 done, 1 the IdP or the network failed, 2 refused (the gate, the user's state, read-only
//! mode, no usable factor, an unknown user), 64 usage error (the command line or the
//! configuration is wrong; nothing was tried).

use std::process::ExitCode;

use crate::config::ConfigError;

pub const EXIT_DONE: u8 = 0;
/// The IdP or the network failed (or anything else unexpected went wrong).
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_REFUSED: u8 = 2;
/// `EX_USAGE` from sysexits.h.
pub const EXIT_USAGE: u8 = 64;

/// The command line or the configuration is wrong; nothing was attempted.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The command was refused: it could not or must not be done as asked.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// The exit code for an error that ended a command.
pub fn code_for(error: &anyhow::Error) -> u8 {
    for cause in error.chain() {
        if cause.is::<UsageError>() || cause.is::<ConfigError>() {
            return EXIT_USAGE;
        }
        if cause.is::<Refused>() {
            return EXIT_REFUSED;
        }
    }
    EXIT_FAILED
}

/// clap's own errors print as clap prints them; asking for help or the version is success,
/// anything else is a usage error (clap alone would exit 2, which here means "refused").
pub fn clap_error(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let _ = e.print();
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => ExitCode::SUCCESS,
        _ => ExitCode::from(EXIT_USAGE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_maps_to_its_code() {
        assert_eq!(code_for(&UsageError("x".into()).into()), EXIT_USAGE);
        assert_eq!(code_for(&Refused("x".into()).into()), EXIT_REFUSED);
        let config = ConfigError::Invalid {
            key: "k".into(),
            value: "v".into(),
            allowed: "a".into(),
        };
        assert_eq!(
            code_for(&anyhow::Error::from(config).context("loading")),
            EXIT_USAGE,
            "found anywhere in the chain"
        );
        assert_eq!(code_for(&anyhow::anyhow!("disk full")), EXIT_FAILED);
    }
}
