//! The write operations behind the verification gate. Each takes a [`Verified`], which only the
//! gate can build, and acts on exactly the user and action it names.

use reqwest::Method;

use super::client::OktaClient;
use crate::idp::{ActionFailure, ActionReceipt, IdpError};
use crate::model::Action;
use crate::policy::gate::Verified;

impl OktaClient {
    /// Carry out the verified action. Writes are sent once and never retried; the receipt holds
    /// each request's `X-Okta-Request-Id` for the audit log. When one of several steps fails,
    /// the failure says which steps had already been done.
    pub async fn run_action(&self, verified: &Verified) -> Result<ActionReceipt, ActionFailure> {
        let user_id = verified.target().user_id.as_str();
        let requests = match verified.action() {
            Action::Unlock => vec![(Method::POST, self.lifecycle_url(user_id, "unlock", &[]))],
            // The IdP e-mails the link; with sendEmail=true the answer holds no URL, and the body
            // is not read either way.
            Action::ResetPassword => vec![(
                Method::POST,
                self.lifecycle_url(user_id, "reset_password", &[("sendEmail", "true")]),
            )],
            Action::ResetAllFactors => {
                vec![(
                    Method::POST,
                    self.lifecycle_url(user_id, "reset_factors", &[]),
                )]
            }
            Action::ResetFactors { factor_ids } => factor_ids
                .iter()
                .map(|factor_id| {
                    (
                        Method::DELETE,
                        self.user_path(&[user_id, "factors", factor_id]),
                    )
                })
                .collect(),
        };
        let mut receipt = ActionReceipt::default();
        for (method, url) in requests {
            let sent = match url {
                Ok(url) => self.write(method, url, None).await,
                Err(e) => Err(e),
            };
            match sent {
                Ok(answer) => receipt.request_ids.extend(answer.request_id),
                Err(error) => {
                    return Err(ActionFailure {
                        done: receipt,
                        error,
                    });
                }
            }
        }
        Ok(receipt)
    }

    fn lifecycle_url(
        &self,
        user_id: &str,
        operation: &str,
        query: &[(&str, &str)],
    ) -> Result<url::Url, IdpError> {
        let mut url = self.user_path(&[user_id, "lifecycle", operation])?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(url)
    }
}
