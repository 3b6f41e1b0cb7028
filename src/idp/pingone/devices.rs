//! MFA devices as the desk's factors: `GET …/users/{id}/devices`, contacts masked at once.

use super::client::PingOneClient;
use super::wire::WireDevice;
use crate::idp::IdpError;
use crate::model::{Factor, FactorKind, mask_email, mask_phone};

/// The `provider` of every PingOne factor.
pub const PROVIDER: &str = "PINGONE";

/// A PingOne device type as the desk's factor kind.
pub fn factor_kind(device_type: &str) -> FactorKind {
    match device_type {
        "MOBILE" => FactorKind::Push,
        "SMS" => FactorKind::Sms,
        "VOICE" => FactorKind::Call,
        "EMAIL" => FactorKind::Email,
        "TOTP" => FactorKind::Totp,
        // PLATFORM and SECURITY_KEY are the legacy names of FIDO2 devices.
        "FIDO2" | "SECURITY_KEY" | "PLATFORM" => FactorKind::WebAuthn,
        "OATH_TOKEN" => FactorKind::HardwareToken,
        _ => FactorKind::Other,
    }
}

impl From<WireDevice> for Factor {
    fn from(d: WireDevice) -> Self {
        let contact = d
            .phone
            .as_deref()
            .map(mask_phone)
            .or_else(|| d.email.as_deref().map(mask_email));
        Factor {
            kind: factor_kind(&d.kind),
            id: d.id,
            factor_type: d.kind,
            provider: PROVIDER.to_string(),
            status: d.status.unwrap_or_default(),
            device_name: d.nickname,
            contact,
            created: d.created_at,
            last_updated: d.updated_at,
        }
    }
}

impl PingOneClient {
    /// The user's devices.
    pub async fn fetch_factors(&self, user_id: &str) -> Result<Vec<Factor>, IdpError> {
        let url = self.user_path(&[user_id, "devices"]);
        let devices = self
            .get_pages::<WireDevice>(url, "devices", usize::MAX)
            .await?;
        Ok(devices.into_iter().map(Factor::from).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::idp::pingone::wire::Collection;
    use crate::idp::pingone::wire::samples::sample;

    #[test]
    fn the_sample_devices_decode_with_contacts_masked() {
        let Some(json) = sample("pingone-synthetic-devices.json") else {
            return;
        };
        let page: Collection = serde_json::from_str(&json).unwrap();
        let factors: Vec<Factor> =
            serde_json::from_str::<Vec<WireDevice>>(page.raw_items("devices").unwrap().get())
                .unwrap()
                .into_iter()
                .map(Factor::from)
                .collect();
        let kinds: Vec<_> = factors.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            [FactorKind::Push, FactorKind::Sms, FactorKind::Email]
        );
        let push = &factors[0];
        assert_eq!(push.device_name.as_deref(), Some("Work phone"));
        assert_eq!(
            (push.provider.as_str(), push.factor_type.as_str()),
            ("PINGONE", "MOBILE")
        );
        assert!(push.can_push());
        let sms = &factors[1];
        assert_eq!(sms.contact.as_deref(), Some("•••-0123"));
        assert!(sms.can_verify_code());
        let email = &factors[2];
        assert_eq!(email.contact.as_deref(), Some("d•••@example.com"));
        assert!(
            !email.can_verify_code(),
            "ACTIVATION_REQUIRED is not active"
        );
        let text = format!("{factors:?}");
        assert!(!text.contains("5555550123") && !text.contains("dana.reyes@"));
    }

    #[test]
    fn device_types_map_to_factor_kinds() {
        for (t, k) in [
            ("VOICE", FactorKind::Call),
            ("TOTP", FactorKind::Totp),
            ("FIDO2", FactorKind::WebAuthn),
            ("SECURITY_KEY", FactorKind::WebAuthn),
            ("PLATFORM", FactorKind::WebAuthn),
            ("OATH_TOKEN", FactorKind::HardwareToken),
            ("WHATSAPP", FactorKind::Other),
        ] {
            assert_eq!(factor_kind(t), k, "{t}");
        }
    }
}
