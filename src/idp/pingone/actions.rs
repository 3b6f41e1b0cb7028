//! The write operations behind the verification gate, each chosen by PingOne's Content-Type:
//! unlock the account, have PingOne e-mail a password recovery code, delete devices. Each takes
//! a [`Verified`], which only the gate can build.

use reqwest::Method;

use super::client::{Payload, PingOneClient};
use crate::idp::{ActionFailure, ActionReceipt, IdpError};
use crate::model::Action;
use crate::policy::gate::Verified;

const UNLOCK: &str = "application/vnd.pingidentity.account.unlock+json";
const SEND_RECOVERY_CODE: &str = "application/vnd.pingidentity.password.sendRecoveryCode+json";

impl PingOneClient {
    /// Carry out the verified action. Writes are sent once and never retried; the receipt holds
    /// each write's `Correlation-Id`. When one of several deletions fails, the failure says
    /// which were already done.
    pub async fn run_action(&self, verified: &Verified) -> Result<ActionReceipt, ActionFailure> {
        let user_id = verified.target().user_id.as_str();
        let mut receipt = ActionReceipt::default();
        let fail = |done: ActionReceipt, error: IdpError| ActionFailure { done, error };
        match verified.action() {
            Action::Unlock => {
                let url = self.user_path(&[user_id]);
                let answer = self
                    .write(Method::POST, url, Some(Payload::operation(UNLOCK)))
                    .await
                    .map_err(|e| fail(ActionReceipt::default(), e))?;
                receipt.request_ids.extend(answer.request_id);
            }
            // PingOne e-mails the code; the answer is the password state, never a code, and
            // is not read.
            Action::ResetPassword => {
                let url = self.user_path(&[user_id, "password"]);
                let answer = self
                    .write(
                        Method::POST,
                        url,
                        Some(Payload::operation(SEND_RECOVERY_CODE)),
                    )
                    .await
                    .map_err(|e| fail(ActionReceipt::default(), e))?;
                receipt.request_ids.extend(answer.request_id);
            }
            // PingOne has no "reset every factor": each device is deleted in turn.
            Action::ResetAllFactors => {
                if self.options.read_only {
                    return Err(fail(receipt, IdpError::ReadOnly));
                }
                let devices = self
                    .fetch_factors(user_id)
                    .await
                    .map_err(|e| fail(ActionReceipt::default(), e))?;
                let ids: Vec<String> = devices.into_iter().map(|d| d.id).collect();
                self.delete_devices(user_id, &ids, &mut receipt)
                    .await
                    .map_err(|e| fail(receipt.clone(), e))?;
            }
            Action::ResetFactors { factor_ids } => {
                self.delete_devices(user_id, factor_ids, &mut receipt)
                    .await
                    .map_err(|e| fail(receipt.clone(), e))?;
            }
        }
        Ok(receipt)
    }

    /// `DELETE …/devices/{id}` for each, in order, stopping at the first failure; each done
    /// deletion's request id goes into `receipt`.
    async fn delete_devices(
        &self,
        user_id: &str,
        device_ids: &[String],
        receipt: &mut ActionReceipt,
    ) -> Result<(), IdpError> {
        for device_id in device_ids {
            let url = self.user_path(&[user_id, "devices", device_id]);
            let answer = self.write(Method::DELETE, url, None).await?;
            receipt.request_ids.extend(answer.request_id);
        }
        Ok(())
    }
}
