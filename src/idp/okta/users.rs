//! Users API: get one user, search users (following every `next` link).

use super::client::OktaClient;
use super::wire::WireUser;
use crate::idp::IdpError;
use crate::model::User;

/// Okta's maximum page size for `GET /api/v1/users`.
pub const MAX_USERS_PAGE: usize = 200;

impl OktaClient {
    /// `GET /api/v1/users/{idOrLogin}`.
    pub async fn fetch_user(&self, id_or_login: &str) -> Result<User, IdpError> {
        if id_or_login.trim().is_empty() {
            return Err(IdpError::Invalid("an empty login or id".into()));
        }
        let url = self.user_path(&[id_or_login.trim()])?;
        let answer = self.get_json::<WireUser>(url).await?;
        Ok(answer.body.into())
    }

    /// `GET /api/v1/users?search=<expression>`, following `next` links until `max` users.
    pub async fn search_expression(
        &self,
        expression: &str,
        page_size: usize,
        max: usize,
    ) -> Result<Vec<User>, IdpError> {
        let mut url = self.url("/api/v1/users");
        url.query_pairs_mut()
            .append_pair("search", expression)
            .append_pair("limit", &page_size.clamp(1, MAX_USERS_PAGE).to_string());
        let users = self.get_pages::<WireUser>(url, max).await?;
        Ok(users.into_iter().map(User::from).collect())
    }

    /// Users whose login, email, first or last name starts with `query`; "Ada Love" matches
    /// first name "Ada…" and last name "Love…".
    pub async fn find_users(&self, query: &str, max: usize) -> Result<Vec<User>, IdpError> {
        let Some(expression) = search_expression_for(query) else {
            return Ok(Vec::new());
        };
        self.search_expression(&expression, max.min(MAX_USERS_PAGE), max)
            .await
    }
}

/// Okta's `search` expression for what an agent typed.
pub fn search_expression_for(query: &str) -> Option<String> {
    let words: Vec<&str> = query.split_whitespace().collect();
    match words.as_slice() {
        [] => None,
        [one] => {
            let q = quote(one);
            Some(format!(
                "profile.login sw {q} or profile.email sw {q} or profile.firstName sw {q} or profile.lastName sw {q}"
            ))
        }
        [first, rest @ ..] => Some(format!(
            "profile.firstName sw {} and profile.lastName sw {}",
            quote(first),
            quote(&rest.join(" "))
        )),
    }
}

/// A SCIM string literal: quotes and backslashes escaped, so input cannot change the query.
fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_word_matches_login_email_and_names() {
        assert_eq!(
            search_expression_for("  dana ").unwrap(),
            r#"profile.login sw "dana" or profile.email sw "dana" or profile.firstName sw "dana" or profile.lastName sw "dana""#
        );
    }

    #[test]
    fn two_words_are_first_and_last_name() {
        assert_eq!(
            search_expression_for("Ada Love lace").unwrap(),
            r#"profile.firstName sw "Ada" and profile.lastName sw "Love lace""#
        );
    }

    #[test]
    fn quotes_cannot_escape_the_literal() {
        assert_eq!(
            search_expression_for(r#"x"or"#)
                .unwrap()
                .matches("\\\"")
                .count(),
            4
        );
        assert!(search_expression_for("   ").is_none());
    }
}
