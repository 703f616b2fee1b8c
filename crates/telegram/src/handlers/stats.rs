//! `/stats`: the streak with when it is safe until, today's progress, what is due, and a way to
//! study now (here, or the Mini App's stats screen).

use services::inbox::HandlerError;

use super::{app_button, button, keyboard, send};
use crate::bot::{Bot, Ctx, retry};
use crate::callback::Callback;
use crate::texts::fill;

pub async fn show(bot: &Bot, ctx: &Ctx) -> Result<(), HandlerError> {
    let user = ctx.user_id();
    let streak = bot.app.stats.streak(user).await.map_err(retry)?;
    let today = bot.app.stats.today(user).await.map_err(retry)?;
    let counts = bot.app.study.queue(user, None, None, 1).await.map_err(retry)?.counts;
    let t = ctx.t;
    let mut html = if streak.facts.current == 0 {
        t.stats_no_streak.to_owned()
    } else {
        let days = t.days(u64::from(streak.facts.current));
        let best = t.days(u64::from(streak.facts.best));
        fill(t.stats_streak, &[("streak", &days), ("best", &best)])
    };
    if streak.facts.today_done {
        html.push_str(&format!("\n{}", t.stats_today_done));
    } else if let Some(until) = streak.safe_until {
        let zone = domain::TimeZone::parse(&ctx.me.user.timezone).unwrap_or(domain::TimeZone::UTC);
        let time = until.with_timezone(&zone.tz()).format("%H:%M").to_string();
        html.push_str(&format!("\n{}", fill(t.stats_safe_until, &[("time", &time)])));
    }
    let (reviews, exercises, added) = (today.reviews, today.exercises, today.cards_added);
    html.push_str("\n\n");
    html.push_str(&fill(
        t.stats_today,
        &[("reviews", &reviews.to_string()), ("exercises", &exercises.to_string()), ("added", &added.to_string())],
    ));
    html.push('\n');
    html.push_str(&fill(
        t.card_counts,
        &[
            ("new", &counts.new.to_string()),
            ("learning", &counts.learning.to_string()),
            ("due", &counts.due.to_string()),
        ],
    ));
    let mut row = vec![button(t.study_now, &Callback::NextCard)];
    row.extend(app_button(bot, t.stats_open, "stats"));
    send(bot, ctx, &html, Some(keyboard(vec![row]))).await
}
