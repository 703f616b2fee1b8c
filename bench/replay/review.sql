-- One review as the api-server writes it (BEGIN, the user lock, the write statement of
-- repositories::review_write, COMMIT; the server's read statement between the lock and the
-- write is left out), for a random card of the first 5 000 seeded users. pgbench script for
-- bench/replay/review.sh. The ids are made the way the server makes them: the log's id is
-- time-ordered (UUID v7 layout), the rest random.
\set n random(1, 500000)
SELECT user_id AS uid, card_id AS cid, profile_id AS pid FROM replay_pick WHERE n = :n \gset
BEGIN;
SELECT id FROM users WHERE id = :uid FOR NO KEY UPDATE;
WITH recorded AS (INSERT INTO card_reviews (id, user_id, card_id, profile_id, client_review_id, rating, state_before, state_after, elapsed_days, scheduled_days, stability_after, difficulty_after, progress_before, progress_after, scheduled_seconds, duration_ms, local_date, reviewed_at, undone_at)
 VALUES ((lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || substr(replace(gen_random_uuid()::text, '-', ''), 13))::uuid,
   :uid, :cid, :pid, gen_random_uuid(), 3, 'review', 'review', 3, 7, 12.5, 5.1,
   '{"state":"review","stability":10.1,"difficulty":5.0,"due":"2026-11-29T10:00:00Z","reps":4,"lapses":0}',
   '{"state":"review","stability":12.5,"difficulty":5.1,"due":"2026-12-06T10:00:00Z","reps":5,"lapses":0}',
   604800, 4200, CURRENT_DATE, now(), NULL)
 ON CONFLICT (user_id, client_review_id) DO NOTHING RETURNING id),
progress_written AS (INSERT INTO card_progress (id, user_id, card_id, state, stability, difficulty, due, last_review, reps, lapses, step, updated_at)
 VALUES (gen_random_uuid(), :uid, :cid, 'review', 12.5, 5.1, now() + interval '7 days' * random(), now(), 5, 0, NULL, now())
 ON CONFLICT (user_id, card_id) DO UPDATE SET state = excluded.state, stability = excluded.stability, difficulty = excluded.difficulty,
   due = excluded.due, last_review = excluded.last_review, reps = excluded.reps, lapses = excluded.lapses, step = excluded.step, updated_at = excluded.updated_at),
activity_written AS (INSERT INTO daily_activity (id, user_id, profile_id, local_date, cards_reviewed, new_cards_studied, cards_added, exercises_done, messages_sent, seconds_spent, extra_new_cards)
 VALUES (gen_random_uuid(), :uid, :pid, CURRENT_DATE, 1, 0, 0, 0, 0, 4, 0)
 ON CONFLICT (user_id, profile_id, local_date) DO UPDATE SET cards_reviewed = daily_activity.cards_reviewed + 1,
   new_cards_studied = daily_activity.new_cards_studied + 0, seconds_spent = daily_activity.seconds_spent + 4)
SELECT (SELECT COUNT(*) FROM recorded) AS recorded;
COMMIT;
