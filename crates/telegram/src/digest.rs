//! The teachers' weekly digest in words: each live group's week (who studied, reviews and how
//! many were remembered, exercises) and a button to the students' progress in the Mini App.

use services::groups::{DigestFacts, DigestText};

use crate::handlers::{app_button_at, keyboard};
use crate::texts::{fill, group_texts};

pub fn compose(facts: &DigestFacts, mini_app_url: Option<&url::Url>) -> DigestText {
    let g = group_texts(facts.language);
    let groups: Vec<String> = facts
        .groups
        .iter()
        .map(|group| {
            let retention = match group.retention {
                Some(share) => format!("{:.0}%", share * 100.0),
                None => g.no_retention.to_owned(),
            };
            fill(
                g.digest_group,
                &[
                    ("group", &group.name),
                    ("active", &group.active_students.to_string()),
                    ("students", &group.students.to_string()),
                    ("reviews", &group.reviews.to_string()),
                    ("retention", &retention),
                    ("exercises", &group.exercises.to_string()),
                ],
            )
        })
        .collect();
    let head = fill(g.digest, &[("name", &facts.first_name), ("week", &facts.week), ("groups", "")]);
    let html = format!("{head}{}", groups.join("\n"));
    // One group: straight to its table; several: to the list.
    let route = match facts.groups.as_slice() {
        [only] => format!("groups/{}", only.id),
        _ => "groups".to_owned(),
    };
    let markup = app_button_at(mini_app_url.cloned(), g.open_groups, &route).map(|b| keyboard(vec![vec![b]]));
    DigestText { html, keyboard: markup.and_then(|m| serde_json::to_value(&m).ok()) }
}
