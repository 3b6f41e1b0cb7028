//! Who the audit log names as the agent. Never "unknown agent": a record must say who acted.
//! The configured `agent.name`, else the login the environment gives (`$USER`, then
//! `$LOGNAME`), else the name of the OS account the process runs as.

use super::Env;
use super::source::Source;

/// The agent's name and where it came from. `configured` is `agent.name` with the file it was
/// read from; `os_account` is asked only when nothing else gives a name.
pub fn resolve(
    configured: Option<(String, Source)>,
    env: &dyn Env,
    os_account: impl FnOnce() -> String,
) -> (String, Source) {
    let named = |name: &str| Some(name.trim().to_string()).filter(|n| !n.is_empty());
    if let Some((name, source)) = configured
        && let Some(name) = named(&name)
    {
        return (name, source);
    }
    for var in ["USER", "LOGNAME"] {
        if let Some(name) = env.var(var).as_deref().and_then(named) {
            return (name, Source::Env(var));
        }
    }
    (os_account(), Source::OsAccount)
}

/// The name of the account this process runs as, from the system's user database (local
/// files, LDAP, SSSD: whatever the system resolves users with); `uid N` when it has no entry,
/// as in a container started with an arbitrary uid.
#[cfg(unix)]
pub fn os_account() -> String {
    // SAFETY: getuid has no preconditions and cannot fail.
    let uid = unsafe { libc::getuid() };
    account_name(uid).unwrap_or_else(|| format!("uid {uid}"))
}

#[cfg(unix)]
fn account_name(uid: libc::uid_t) -> Option<String> {
    let mut buf = vec![0u8; 1024];
    loop {
        // SAFETY: an all-zero passwd is a valid value for getpwuid_r to overwrite.
        let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: every pointer refers to memory owned here that outlives the call, and
        // `buf.len()` is its true size; getpwuid_r writes only within them.
        let rc = unsafe {
            libc::getpwuid_r(
                uid,
                &mut entry,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut found,
            )
        };
        if rc == libc::ERANGE && buf.len() < 1 << 20 {
            buf.resize(buf.len() * 2, 0);
            continue;
        }
        if rc != 0 || found.is_null() || entry.pw_name.is_null() {
            return None;
        }
        // SAFETY: on success pw_name points at a NUL-terminated string inside `buf`.
        let name = unsafe { std::ffi::CStr::from_ptr(entry.pw_name) };
        return Some(name.to_string_lossy().into_owned()).filter(|n| !n.is_empty());
    }
}

/// Windows keeps the signed-in account's name in `USERNAME`.
#[cfg(not(unix))]
pub fn os_account() -> String {
    std::env::var("USERNAME")
        .ok()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "the signed-in Windows account".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn file() -> Source {
        Source::File(PathBuf::from("/etc/accessdesk.toml"))
    }

    fn never() -> String {
        panic!("the OS account is the last resort")
    }

    #[test]
    fn the_configured_name_comes_first() {
        let env = [("USER", "alex"), ("LOGNAME", "alex2")];
        assert_eq!(
            resolve(Some(("Alex Chen".into(), file())), &env, never),
            ("Alex Chen".to_string(), file())
        );
    }

    #[test]
    fn then_user_then_logname() {
        let env = [("USER", "alex"), ("LOGNAME", "alex2")];
        assert_eq!(
            resolve(Some(("  ".into(), file())), &env, never),
            ("alex".to_string(), Source::Env("USER")),
            "a blank name is no name"
        );
        let env = [("USER", " "), ("LOGNAME", "alex2")];
        assert_eq!(
            resolve(None, &env, never),
            ("alex2".to_string(), Source::Env("LOGNAME"))
        );
    }

    #[test]
    fn then_the_os_account() {
        assert_eq!(
            resolve(None, &[], || "svc-desk".to_string()),
            ("svc-desk".to_string(), Source::OsAccount)
        );
    }

    /// The same name the system's own tool reports for this process's uid.
    #[cfg(unix)]
    #[test]
    fn the_os_account_is_the_process_uids_entry() {
        let id = std::process::Command::new("id")
            .arg("-un")
            .output()
            .expect("id(1) to compare with");
        assert!(id.status.success());
        assert_eq!(os_account(), String::from_utf8_lossy(&id.stdout).trim());
    }
}
