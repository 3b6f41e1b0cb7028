//! One request: look it up, raise it on behalf of a customer, comment on it, resolve it.

use serde_json::json;

use super::client::{JiraClient, decode};
use super::convert;
use super::wire::{Paged, Request, Transition};
use crate::tickets::{NewTicket, Ticket, TicketError, TicketResolution};

impl JiraClient {
    fn request_url(&self, key: &str, rest: &[&str]) -> url::Url {
        let mut segments = vec!["rest", "servicedeskapi", "request", key];
        segments.extend_from_slice(rest);
        self.url(&segments)
    }

    /// `GET /rest/servicedeskapi/request/{key}?expand=requestType`; 404 is no such request
    /// (or none this account may see, which Jira does not tell apart).
    pub(super) async fn find(&self, key: &str) -> Result<Option<Ticket>, TicketError> {
        let key = key.trim();
        if key.is_empty() {
            return Ok(None);
        }
        let mut url = self.request_url(key, &[]);
        url.query_pairs_mut().append_pair("expand", "requestType");
        match self.get_json::<Request>(url).await {
            Ok(r) => Ok(Some(convert::request(r, &self.open_statuses))),
            Err(TicketError::Api { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `POST /rest/servicedeskapi/request`, raised on behalf of the caller's account.
    pub(super) async fn raise(&self, new: &NewTicket) -> Result<Ticket, TicketError> {
        let reporter = self.account_for(&new.caller_email).await?;
        let body = json!({
            "serviceDeskId": self.service_desk_id,
            "requestTypeId": self.request_type_id,
            "requestFieldValues": {
                "summary": new.summary,
                "description": new.description,
            },
            "raiseOnBehalfOf": reporter.id,
        });
        let (status, headers, bytes) = self
            .write(self.url(&["rest", "servicedeskapi", "request"]), body)
            .await?;
        let request: Request = decode(status, &headers, &bytes)?;
        Ok(convert::request(request, &self.open_statuses))
    }

    /// An internal comment (`public: false`): agents see it, the customer does not.
    pub(super) async fn comment(&self, ticket: &Ticket, note: &str) -> Result<(), TicketError> {
        let body = json!({"body": note, "public": false});
        self.write(self.request_url(&ticket.number, &["comment"]), body)
            .await?;
        Ok(())
    }

    /// Takes the configured transition, with the notes as its comment.
    pub(super) async fn transition(
        &self,
        ticket: &Ticket,
        resolution: &TicketResolution,
    ) -> Result<(), TicketError> {
        let Some(name) = self.resolve_transition.as_deref() else {
            return Err(TicketError::Invalid(
                "no Jira transition is configured to resolve requests: set \
                 tickets.jira.resolve_transition to its name (e.g. \"Resolve this issue\")"
                    .into(),
            ));
        };
        let offered = self.transitions(&ticket.number).await?;
        let Some(chosen) = offered
            .iter()
            .find(|t| t.name.trim().eq_ignore_ascii_case(name.trim()))
        else {
            let names: Vec<&str> = offered.iter().map(|t| t.name.as_str()).collect();
            return Err(TicketError::Invalid(format!(
                "{} offers no transition named {name:?} in its current status ({}): check \
                 tickets.jira.resolve_transition against the workflow (offered: {})",
                ticket.number,
                ticket.state,
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            )));
        };
        let mut body = json!({"id": chosen.id});
        if !resolution.notes.trim().is_empty() {
            body["additionalComment"] = json!({"body": resolution.notes});
        }
        self.write(self.request_url(&ticket.number, &["transition"]), body)
            .await?;
        Ok(())
    }

    /// Every transition the request's status offers, following `start`/`isLastPage`.
    async fn transitions(&self, key: &str) -> Result<Vec<Transition>, TicketError> {
        let mut all = Vec::new();
        let mut start = 0usize;
        loop {
            let mut url = self.request_url(key, &["transition"]);
            url.query_pairs_mut()
                .append_pair("start", &start.to_string())
                .append_pair("limit", &self.page_size.to_string());
            let page: Paged<Transition> = self.get_json(url).await?;
            let got = page.values.len();
            all.extend(page.values);
            if page.is_last_page.unwrap_or(true) || got == 0 {
                return Ok(all);
            }
            start = page.start + got;
        }
    }
}
