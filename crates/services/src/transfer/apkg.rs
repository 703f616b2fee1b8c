//! A deck as an Anki package.

use chrono::{DateTime, Utc};
use repositories::RepoError;
use repositories::anki::{AnkiNote, write_apkg};

use crate::cards::Card;

/// The deck as an Anki package: one note per card (front; back with the example, forms and
/// notes), all new in Anki, since Anki schedules with its own state.
pub(super) async fn to_apkg(deck_name: &str, cards: &[Card], now: DateTime<Utc>) -> Result<Vec<u8>, RepoError> {
    let notes: Vec<AnkiNote> = cards
        .iter()
        .map(|card| {
            let c = &card.content;
            let mut back = escape(&c.back);
            if let Some(forms) = c.forms.as_ref().and_then(|f| f.as_object()).filter(|f| !f.is_empty()) {
                let list: Vec<String> = forms
                    .iter()
                    .map(|(k, v)| format!("{}: {}", escape(k), escape(v.as_str().unwrap_or(&v.to_string()))))
                    .collect();
                back.push_str(&format!("<br><small>{}</small>", list.join(", ")));
            }
            if let Some(example) = &c.example {
                back.push_str(&format!("<br><i>{}</i>", escape(example)));
                if let Some(translation) = &c.example_translation {
                    back.push_str(&format!(" — {}", escape(translation)));
                }
            }
            if let Some(notes) = &c.notes {
                back.push_str(&format!("<br>{}", escape(notes)));
            }
            AnkiNote {
                guid: card.id.simple().to_string(),
                front: escape(&c.front),
                back,
                tags: vec!["lang-agent".to_owned()],
            }
        })
        .collect();
    write_apkg(deck_name, &notes, now).await
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
