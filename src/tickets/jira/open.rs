//! A caller's open requests: the account behind the e-mail (`user/search`), then a JQL search
//! of the service desk's project for requests they reported that are still open, newest first,
//! following `nextPageToken`. The service desk API itself cannot filter by reporter or sort by
//! creation, so listing the desk's requests would read the whole queue.

use super::client::JiraClient;
use super::convert::{self, jql_quote};
use super::wire::{SearchPage, ServiceDesk, User};
use crate::tickets::{Ticket, TicketError, TicketPerson, TicketProvider};

/// The most requests read for one caller: a person with more open ones has bigger problems.
const MAX_OPEN: usize = 500;

impl JiraClient {
    /// The account with this e-mail address. Jira matches `query` against addresses it may
    /// hide from the agent: an exact visible match wins, else a single hidden-address match.
    pub(super) async fn account_for(&self, email: &str) -> Result<TicketPerson, TicketError> {
        let unknown = || TicketError::UnknownPerson {
            provider: TicketProvider::Jira,
            email: email.to_string(),
        };
        let email = email.trim();
        if email.is_empty() {
            return Err(unknown());
        }
        let mut url = self.url(&["rest", "api", "3", "user", "search"]);
        url.query_pairs_mut()
            .append_pair("query", email)
            .append_pair("maxResults", "50");
        let users: Vec<User> = self.get_json(url).await?;
        let people: Vec<User> = users
            .into_iter()
            .filter(|u| u.account_type.as_deref() != Some("app"))
            .collect();
        let exact = people.iter().position(|u| {
            u.email_address
                .as_deref()
                .is_some_and(|e| e.trim().eq_ignore_ascii_case(email))
        });
        let chosen = match exact {
            Some(i) => people.into_iter().nth(i),
            None if people.len() == 1 && people[0].email_address.is_none() => {
                people.into_iter().next()
            }
            None => None,
        };
        chosen.map(convert::person).ok_or_else(unknown)
    }

    /// The service desk's project key, read once.
    async fn project_key(&self) -> Result<&str, TicketError> {
        self.project_key
            .get_or_try_init(|| async {
                let url = self.url(&[
                    "rest",
                    "servicedeskapi",
                    "servicedesk",
                    &self.service_desk_id,
                ]);
                let desk: ServiceDesk = self.get_json(url).await?;
                Ok(desk.project_key)
            })
            .await
            .map(String::as_str)
    }

    /// The JQL for the caller's open requests in the project.
    fn open_jql(&self, project: &str, account_id: &str) -> String {
        let open = if self.open_statuses.is_empty() {
            "statusCategory != Done".to_string()
        } else {
            let names: Vec<String> = self.open_statuses.iter().map(|s| jql_quote(s)).collect();
            format!("status IN ({})", names.join(", "))
        };
        format!(
            "project = {} AND reporter = {} AND {open} ORDER BY created DESC",
            jql_quote(project),
            jql_quote(account_id)
        )
    }

    pub(super) async fn open_requests(&self, email: &str) -> Result<Vec<Ticket>, TicketError> {
        let person = self.account_for(email).await?;
        let project = self.project_key().await?.to_string();
        let jql = self.open_jql(&project, &person.id);
        let browse = self.url(&["browse", ""]).to_string();
        let mut tickets = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut url = self.url(&["rest", "api", "3", "search", "jql"]);
            {
                let mut q = url.query_pairs_mut();
                q.append_pair("jql", &jql)
                    .append_pair("fields", "summary,status,reporter,created,issuetype")
                    .append_pair("maxResults", &self.page_size.to_string());
                if let Some(t) = &token {
                    q.append_pair("nextPageToken", t);
                }
            }
            let page: SearchPage = self.get_json(url).await?;
            let got = page.issues.len();
            tickets.extend(
                page.issues
                    .into_iter()
                    .map(|i| convert::issue(i, &self.open_statuses, &browse)),
            );
            let next = page.next_page_token.filter(|t| !t.is_empty());
            match next {
                Some(t) if page.is_last != Some(true) && got > 0 && tickets.len() < MAX_OPEN => {
                    if token.as_deref() == Some(t.as_str()) {
                        break;
                    }
                    token = Some(t);
                }
                _ => break,
            }
        }
        // Jira sorted them; the open check is the configuration's, applied again in case a
        // status was renamed between the search and now.
        tickets.retain(|t| t.open);
        tickets.truncate(MAX_OPEN);
        Ok(tickets)
    }
}
