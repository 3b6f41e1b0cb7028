//! What `accessdesk sim` prints once it listens: where it is and, for PingOne, the
//! environment, the worker app and the variables a client exports to reach them. The client
//! secret is the `--token` the caller chose; it is never echoed.

use crate::idp::Provider;
use crate::sim::SimInfo;

/// The lines printed when the simulator is ready; the first names the base URL.
pub fn ready_lines(info: &SimInfo, base: &str, control: bool) -> Vec<String> {
    let mut lines = Vec::new();
    match info.provider {
        Provider::Okta => lines.push(format!("accessdesk simulator listening on {base}")),
        Provider::PingOne => {
            let env = info.environment_id.as_deref().unwrap_or_default();
            let client = info.client_id.as_deref().unwrap_or_default();
            lines.extend([
                format!("accessdesk simulator (PingOne) listening on {base}"),
                format!("API URL:        {}", info.api_url),
                format!("auth URL:       {}", info.auth_url),
                format!("environment id: {env}"),
                format!("client id:      {client}"),
                "client secret:  the --token value".to_string(),
                String::new(),
                "export PINGONE_API_URL=".to_string() + &info.api_url,
                "export PINGONE_AUTH_URL=".to_string() + &info.auth_url,
                format!("export PINGONE_ENVIRONMENT_ID={env}"),
                format!("export PINGONE_CLIENT_ID={client}"),
                "export PINGONE_CLIENT_SECRET=... # the --token value (ACCESSDESK_SIM_TOKEN)"
                    .to_string(),
            ]);
        }
    }
    if control {
        let mut endpoints = format!(
            "control endpoints: POST {0}/__sim/lockouts, POST {0}/__sim/password-changes, POST {0}/__sim/faults, GET {0}/__sim/requests, GET {0}/__sim/info, GET {0}/__sim/lockouts (the lockouts logged), GET {0}/__sim/faults (the rate-based faults met)",
            base
        );
        if info.provider == Provider::PingOne {
            endpoints.push_str(&format!(", POST {base}/__sim/tokens/expire"));
        }
        lines.push(endpoints);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "http://127.0.0.1:7777";

    #[test]
    fn okta_prints_its_url_first() {
        let info = SimInfo {
            provider: Provider::Okta,
            api_url: BASE.into(),
            auth_url: BASE.into(),
            environment_id: None,
            client_id: None,
        };
        assert_eq!(
            ready_lines(&info, BASE, false),
            vec!["accessdesk simulator listening on http://127.0.0.1:7777"]
        );
        let with_control = ready_lines(&info, BASE, true);
        assert_eq!(with_control.len(), 2);
        assert!(!with_control[1].contains("tokens/expire"));
    }

    #[test]
    fn pingone_prints_what_a_client_exports_but_not_the_secret() {
        let info = SimInfo {
            provider: Provider::PingOne,
            api_url: format!("{BASE}/v1"),
            auth_url: BASE.into(),
            environment_id: Some("env-1".into()),
            client_id: Some("client-1".into()),
        };
        let lines = ready_lines(&info, BASE, true);
        assert!(lines[0].ends_with(" http://127.0.0.1:7777"), "{}", lines[0]);
        for line in [
            "export PINGONE_API_URL=http://127.0.0.1:7777/v1",
            "export PINGONE_AUTH_URL=http://127.0.0.1:7777",
            "export PINGONE_ENVIRONMENT_ID=env-1",
            "export PINGONE_CLIENT_ID=client-1",
            "environment id: env-1",
            "client id:      client-1",
        ] {
            assert!(
                lines.iter().any(|l| l == line),
                "{line} missing from {lines:#?}"
            );
        }
        let secret = lines
            .iter()
            .find(|l| l.starts_with("export PINGONE_CLIENT_SECRET="))
            .unwrap();
        assert!(secret.contains("--token"), "{secret}");
        assert!(lines.last().unwrap().contains("/__sim/tokens/expire"));
    }
}
