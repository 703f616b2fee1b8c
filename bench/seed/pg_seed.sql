-- Bulk seed of the benchmark database (PostgreSQL). Run by bench/run.sh with psql, on a
-- database the api-server's migrations have just created:
--   python3 bench/seed/vocab.py | psql -v users=10000 -v cards_per_user=100 -v progress_pct=60 \
--        -v reviews_total=5000000 -f bench/seed/pg_seed.sql
--
-- Everything is generated with INSERT … SELECT … generate_series. "Random" values come from
-- hashes of the row's number (bench_seed.r), so two seeds with the same parameters hold the
-- same ids and the same data (tokens and card ids are minted per run from whatever is there).
-- Columns not named here get their defaults, so migrations that add columns with defaults
-- need no change here.
--
-- The shape (see bench/README.md): users with 2–3 language profiles (exactly one active),
-- 2–4 decks per profile (exactly one default, ~5 % of the others archived), cards_per_user
-- cards per user (active profile 50–60 % of them), progress for ~progress_pct % of the cards
-- (learning / relearning / review, due from 60 days ago to 60 days ahead), reviews_total
-- reviews consistent with that progress (the last review of a card produced its progress),
-- and daily_activity for every day with reviews or added cards.

\set ON_ERROR_STOP on
\timing on
SET client_min_messages = warning;
SET synchronous_commit = off;
SET maintenance_work_mem = '1GB';
SET work_mem = '256MB';
-- No foreign-key triggers while loading: the rows are consistent by construction.
SET session_replication_role = replica;

DROP SCHEMA IF EXISTS bench_seed CASCADE;
CREATE SCHEMA bench_seed;

CREATE TABLE bench_seed.params AS
SELECT date_trunc('second', now()) AS seed_now,
       :users::int AS users,
       :cards_per_user::int AS cards_per_user,
       (:progress_pct::float8 / 100.0) AS progress_frac,
       :reviews_total::bigint AS reviews_total;

-- Uniform in [0, 1), a pure function of (key, salt). The helpers are STABLE, as the functions
-- in their bodies are, so the planner inlines them (a mismatch makes every call a slow one).
CREATE FUNCTION bench_seed.r(k bigint, salt int) RETURNS float8
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT ((hashint8extended(k, salt) >> 11) & 9007199254740991)::float8 / 9007199254740992.0 $$;

CREATE FUNCTION bench_seed.id(kind text, k bigint) RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT md5('bench-' || kind || '-' || k)::uuid $$;

-- chrono's serde form of a DateTime<Utc>, as ProgressValues is written by the review handler.
CREATE FUNCTION bench_seed.ts(t timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') $$;

-- repositories::progress::ProgressValues as the review handler stores it: serde_json::to_value,
-- whose map sorts the keys, written compactly.
CREATE FUNCTION bench_seed.progress_json(state text, stability float8, difficulty float8, due timestamptz,
                                         last_review timestamptz, reps int, lapses int, step int) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT '{"difficulty":' || coalesce(round(difficulty::numeric, 4)::text, 'null')
          || ',"due":"' || bench_seed.ts(due)
          || '","lapses":' || lapses
          || ',"last_review":' || coalesce('"' || bench_seed.ts(last_review) || '"', 'null')
          || ',"reps":' || reps
          || ',"stability":' || coalesce(round(stability::numeric, 4)::text, 'null')
          || ',"state":"' || state
          || '","step":' || coalesce(step::text, 'null') || '}' $$;

CREATE TABLE bench_seed.words (
    lang text, idx int, front text, lemma text, back_ru text, back_en text, part_of_speech text,
    gender text, lemma_key text, search_key_ru text, search_key_en text,
    PRIMARY KEY (lang, idx)
);
-- bench/run.sh pipes `python3 bench/seed/vocab.py` into psql
\copy bench_seed.words FROM pstdin
SELECT count(DISTINCT idx) AS vocab_size FROM bench_seed.words \gset

\echo [seed] secondary indexes (and unreferenced primary keys) of the big tables are dropped and rebuilt after the load
CREATE TABLE bench_seed.indexes AS
SELECT t.relname AS tbl, NULL::text AS constraint_name, i.indexrelid::regclass::text AS name,
       pg_get_indexdef(i.indexrelid) AS def
FROM pg_index i
JOIN pg_class t ON t.oid = i.indrelid
WHERE t.relname IN ('cards', 'card_progress', 'card_reviews', 'daily_activity')
  AND t.relnamespace = 'public'::regnamespace
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
UNION ALL
-- a primary key no foreign key points at is rebuilt by one sort instead of 5 M random inserts
SELECT t.relname, c.conname, NULL,
       format('ALTER TABLE %I ADD CONSTRAINT %I %s', t.relname, c.conname, pg_get_constraintdef(c.oid))
FROM pg_constraint c
JOIN pg_class t ON t.oid = c.conrelid
WHERE c.contype = 'p'
  AND t.relname IN ('card_progress', 'card_reviews', 'daily_activity')
  AND t.relnamespace = 'public'::regnamespace
  AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.confrelid = t.oid);
DO $$
DECLARE ix record;
BEGIN
    FOR ix IN SELECT * FROM bench_seed.indexes LOOP
        IF ix.constraint_name IS NULL THEN
            EXECUTE format('DROP INDEX %s', ix.name);
        ELSE
            EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', ix.tbl, ix.constraint_name);
        END IF;
    END LOOP;
END $$;

TRUNCATE users, language_profiles, decks, cards, card_progress, card_reviews, daily_activity,
         refresh_sessions CASCADE;

\echo [seed] users
CREATE TABLE bench_seed.u AS
SELECT n,
       bench_seed.id('user', n) AS id,
       CASE WHEN bench_seed.r(n, 1) < 0.8 THEN 'ru' ELSE 'en' END AS iface,
       2 + (bench_seed.r(n, 3) < 0.5)::int AS k,
       (SELECT seed_now FROM bench_seed.params) - make_interval(days => 370 + (bench_seed.r(n, 4) * 30)::int) AS created_at
FROM generate_series(1, (SELECT users FROM bench_seed.params)) AS n;
ALTER TABLE bench_seed.u ADD COLUMN tz text;
UPDATE bench_seed.u SET tz = CASE
    WHEN iface = 'ru' THEN (ARRAY['Europe/Moscow', 'Europe/Moscow', 'Europe/Moscow', 'Asia/Yekaterinburg', 'Europe/Kaliningrad'])[1 + (bench_seed.r(n, 5) * 5)::int % 5]
    ELSE (ARRAY['UTC', 'Europe/Berlin', 'America/New_York', 'Europe/London'])[1 + (bench_seed.r(n, 5) * 4)::int % 4] END;

INSERT INTO users (id, telegram_id, first_name, last_name, username, language_code, timezone, day_rollover_hour,
                   premium_until, trial_used, is_admin, reminders_enabled, reminder_hour, rating_buttons,
                   last_seen_at, created_at, updated_at)
SELECT u.id,
       700000000 + u.n,
       CASE WHEN u.iface = 'ru'
            THEN (ARRAY['Анна', 'Иван', 'Мария', 'Алексей', 'Ольга', 'Дмитрий', 'Елена', 'Сергей', 'Наталья', 'Павел'])[1 + u.n % 10]
            ELSE (ARRAY['Anna', 'John', 'Maria', 'Alex', 'Olga', 'David', 'Emma', 'Sam', 'Lena', 'Paul'])[1 + u.n % 10] END,
       CASE WHEN bench_seed.r(u.n, 6) < 0.5 THEN NULL
            WHEN u.iface = 'ru' THEN (ARRAY['Иванова', 'Петров', 'Смирнова', 'Кузнецов', 'Попова'])[1 + u.n % 5]
            ELSE (ARRAY['Smith', 'Miller', 'Brown', 'Wilson', 'Taylor'])[1 + u.n % 5] END,
       'bench_user_' || u.n,
       u.iface,
       u.tz,
       4,
       CASE WHEN bench_seed.r(u.n, 7) < 0.1 THEN p.seed_now + interval '30 days' END,
       bench_seed.r(u.n, 7) < 0.2,
       false,
       bench_seed.r(u.n, 8) < 0.85,
       9 + (bench_seed.r(u.n, 9) * 13)::int % 14,
       CASE WHEN bench_seed.r(u.n, 10) < 0.7 THEN 3 ELSE 4 END,
       p.seed_now - make_interval(secs => bench_seed.r(u.n, 11) * 86400 * 7),
       u.created_at,
       u.created_at
FROM bench_seed.u u CROSS JOIN bench_seed.params p;

\echo [seed] language profiles
CREATE TABLE bench_seed.p AS
SELECT u.n * 4 + j AS pn, u.n, j, u.k,
       bench_seed.id('profile', u.n * 4 + j) AS id,
       u.id AS user_id, u.iface, u.tz,
       CASE WHEN u.iface = 'ru'
            THEN (ARRAY['en', 'de', 'es', 'fr', 'it'])[1 + ((bench_seed.r(u.n, 20) * 5)::int + j) % 5]
            ELSE (ARRAY['de', 'es', 'fr', 'it'])[1 + ((bench_seed.r(u.n, 20) * 4)::int + j) % 4] END AS lang,
       -- the active profile (j = 0) holds 50-60 % of the user's cards
       CASE WHEN u.k = 2 THEN CASE j WHEN 0 THEN round(c.cpu * 0.6)::int ELSE c.cpu - round(c.cpu * 0.6)::int END
            ELSE CASE j WHEN 0 THEN round(c.cpu * 0.5)::int WHEN 1 THEN round(c.cpu * 0.25)::int
                        ELSE c.cpu - round(c.cpu * 0.5)::int - round(c.cpu * 0.25)::int END END AS cnt,
       2 + (bench_seed.r(u.n * 4 + j, 21) * 3)::int % 3 AS m,
       u.created_at + make_interval(days => j * 3) AS created_at
FROM bench_seed.u u
CROSS JOIN generate_series(0, 2) AS j
CROSS JOIN (SELECT cards_per_user AS cpu FROM bench_seed.params) c
WHERE j < u.k;

SELECT max(cnt) AS max_cards_per_profile FROM bench_seed.p \gset
SELECT (:max_cards_per_profile > :vocab_size) AS too_many_cards \gset
\if :too_many_cards
    \echo [seed] cards_per_user is too large: a profile would hold more cards than the vocabulary has words
    SELECT 1 / 0;
\endif

INSERT INTO language_profiles (id, user_id, language, current_level, target_level, goals, interface_language,
                               is_active, new_cards_per_day, desired_retention, created_at, updated_at)
SELECT p.id, p.user_id, p.lang,
       (ARRAY['A1', 'A2', 'B1', 'B2', 'C1', 'C2'])[1 + lv.cur],
       (ARRAY['A1', 'A2', 'B1', 'B2', 'C1', 'C2'])[1 + least(5, lv.cur + 1 + (bench_seed.r(p.pn, 31) * 2)::int % 2)],
       (ARRAY['["travel"]', '["work","conversation"]', '["study","exams"]', '["culture","hobby"]',
              '["relocation","work"]', '["conversation"]'])[1 + p.pn % 6]::json,
       p.iface,
       p.j = 0,
       (ARRAY[10, 20, 20, 20, 30])[1 + p.pn % 5],
       (ARRAY[0.85, 0.9, 0.9, 0.9, 0.95])[1 + (p.pn / 5) % 5],
       p.created_at,
       p.created_at
FROM bench_seed.p p
CROSS JOIN LATERAL (SELECT (bench_seed.r(p.pn, 30) * 4)::int % 4 AS cur) lv;

\echo [seed] decks
CREATE TABLE bench_seed.d AS
SELECT p.pn, jd, p.pn * 4 + jd AS dn, bench_seed.id('deck', p.pn * 4 + jd) AS id, p.id AS profile_id,
       p.user_id, p.iface, p.created_at,
       CASE WHEN jd = 0 THEN 0 ELSE 1 + ((bench_seed.r(p.pn, 40) * 6)::int + jd - 1) % 6 END AS name_ix
FROM bench_seed.p p
CROSS JOIN generate_series(0, 3) AS jd
WHERE jd < p.m;

-- Deck names with their keys (domain::text::normalized_key, computed here, not with lower()).
INSERT INTO decks (id, profile_id, owner_id, name, name_key, description, is_default, archived_at, created_at, updated_at)
SELECT d.id, d.profile_id, d.user_id,
       CASE WHEN d.iface = 'ru'
            THEN (ARRAY['Мои слова', 'Путешествия', 'Работа', 'Еда', 'Дом и быт', 'Глаголы', 'Фразы'])[1 + d.name_ix]
            ELSE (ARRAY['My words', 'Travel', 'Work', 'Food', 'Home', 'Verbs', 'Phrases'])[1 + d.name_ix] END,
       CASE WHEN d.iface = 'ru'
            THEN (ARRAY['мои слова', 'путешествия', 'работа', 'еда', 'дом и быт', 'глаголы', 'фразы'])[1 + d.name_ix]
            ELSE (ARRAY['my words', 'travel', 'work', 'food', 'home', 'verbs', 'phrases'])[1 + d.name_ix] END,
       CASE WHEN d.jd > 0 AND bench_seed.r(d.dn, 41) < 0.3 THEN 'Слова из учебника' END,
       d.jd = 0,
       CASE WHEN d.jd > 0 AND bench_seed.r(d.dn, 42) < 0.05 THEN d.created_at + interval '200 days' END,
       d.created_at,
       d.created_at
FROM bench_seed.d d;

\echo [seed] cards
CREATE TABLE bench_seed.c AS
SELECT p.pn::bigint * 1000 + i AS cn,
       bench_seed.id('card', p.pn::bigint * 1000 + i) AS id,
       p.id AS profile_id, p.user_id, p.lang, p.iface, p.tz,
       bench_seed.id('deck', p.pn * 4 + i % p.m) AS deck_id,
       -- distinct words in one profile: a stride coprime to the vocabulary size
       ((bench_seed.r(p.pn, 50) * :vocab_size)::int + i * 7) % :vocab_size AS widx,
       par.seed_now - make_interval(secs => 86400 + bench_seed.r(p.pn::bigint * 1000 + i, 51) * 86400 * 363) AS created_at
FROM bench_seed.p p
CROSS JOIN bench_seed.params par
CROSS JOIN LATERAL generate_series(0, p.cnt - 1) AS i;

INSERT INTO cards (id, deck_id, profile_id, front, back, lemma, lemma_key, search_key, part_of_speech, gender,
                   forms, transcription, example, example_translation, notes, source, created_at, updated_at)
SELECT c.id, c.deck_id, c.profile_id, w.front,
       CASE WHEN c.iface = 'ru' THEN w.back_ru ELSE w.back_en END,
       w.lemma, w.lemma_key,
       CASE WHEN c.iface = 'ru' THEN w.search_key_ru ELSE w.search_key_en END,
       w.part_of_speech, w.gender,
       NULL, NULL, NULL, NULL, NULL,
       CASE WHEN s.x < 0.50 THEN 'manual' WHEN s.x < 0.75 THEN 'llm' WHEN s.x < 0.85 THEN 'chat'
            WHEN s.x < 0.90 THEN 'ocr' ELSE 'import' END,
       c.created_at, c.created_at
FROM bench_seed.c c
JOIN bench_seed.words w ON w.lang = c.lang AND w.idx = c.widx
CROSS JOIN LATERAL (SELECT bench_seed.r(c.cn, 52) AS x) s
ORDER BY c.created_at;

\echo [seed] card progress
CREATE TABLE bench_seed.pr AS
SELECT c.cn, c.id AS card_id, c.user_id, c.profile_id, c.tz, c.created_at, st.state,
       least(par.seed_now - interval '5 minutes',
             c.created_at + (par.seed_now - c.created_at) * (0.3 + 0.7 * bench_seed.r(c.cn, 61))) AS lr
FROM bench_seed.c c
CROSS JOIN bench_seed.params par
CROSS JOIN LATERAL (SELECT CASE WHEN bench_seed.r(c.cn, 60) < 0.80 THEN 'review'
                                WHEN bench_seed.r(c.cn, 60) < 0.92 THEN 'learning'
                                ELSE 'relearning' END AS state) st
WHERE bench_seed.r(c.cn, 59) < par.progress_frac;

-- Mean repetitions of review/relearning cards so that the log holds reviews_total rows
-- (learning cards have 1-2).
SELECT ((SELECT reviews_total FROM bench_seed.params) - 1.5 * count(*) FILTER (WHERE state = 'learning'))
       / greatest(1, count(*) FILTER (WHERE state <> 'learning')) AS mean_reps
FROM bench_seed.pr \gset
\echo [seed] mean repetitions of review cards: :mean_reps

ALTER TABLE bench_seed.pr
    ADD COLUMN due timestamptz, ADD COLUMN stability float8, ADD COLUMN difficulty float8,
    ADD COLUMN reps int, ADD COLUMN lapses int, ADD COLUMN step int;
UPDATE bench_seed.pr p SET
    due = CASE p.state
        WHEN 'review' THEN greatest(p.lr + interval '1 day',
                                    par.seed_now + make_interval(secs => (bench_seed.r(p.cn, 62) * 120 - 60) * 86400))
        WHEN 'learning' THEN p.lr + make_interval(mins => 1 + (bench_seed.r(p.cn, 62) * 59)::int)
        ELSE p.lr + interval '10 minutes' END,
    difficulty = 1 + bench_seed.r(p.cn, 63) * 9,
    reps = CASE WHEN p.state = 'learning' THEN 1 + (bench_seed.r(p.cn, 64) * 2)::int % 2
                ELSE greatest(CASE WHEN p.state = 'relearning' THEN 2 ELSE 1 END,
                              1 + floor(bench_seed.r(p.cn, 64) * (2 * :mean_reps - 1))::int) END,
    step = CASE p.state WHEN 'learning' THEN (bench_seed.r(p.cn, 65) * 2)::int % 2 WHEN 'relearning' THEN 0 END
FROM bench_seed.params par;
UPDATE bench_seed.pr p SET
    stability = round(CASE p.state
        WHEN 'review' THEN greatest(1.0, extract(epoch FROM p.due - p.lr) / 86400 * (0.8 + 0.4 * bench_seed.r(p.cn, 66)))
        WHEN 'learning' THEN 0.2 + 3 * bench_seed.r(p.cn, 66)
        ELSE 0.5 + 5 * bench_seed.r(p.cn, 66) END::numeric, 4)::float8,
    lapses = CASE p.state WHEN 'relearning' THEN greatest(1, floor(p.reps * 0.2 * bench_seed.r(p.cn, 67))::int)
                          WHEN 'review' THEN floor(p.reps * 0.15 * bench_seed.r(p.cn, 67))::int
                          ELSE 0 END,
    difficulty = round(p.difficulty::numeric, 4)::float8;

INSERT INTO card_progress (id, user_id, card_id, state, stability, difficulty, due, last_review, reps, lapses, step,
                           updated_at)
SELECT bench_seed.id('progress', p.cn), p.user_id, p.card_id, p.state, p.stability, p.difficulty, p.due, p.lr,
       p.reps, p.lapses, p.step, p.lr
FROM bench_seed.pr p
ORDER BY p.lr;

\echo [seed] card reviews (the log behind every progress row; the last review produced it)
INSERT INTO card_reviews (id, user_id, card_id, profile_id, client_review_id, rating, state_before, state_after,
                          elapsed_days, scheduled_days, stability_after, difficulty_after, progress_before,
                          progress_after, scheduled_seconds, duration_ms, local_date, reviewed_at, undone_at)
SELECT bench_seed.id('review', p.cn * 100 + k),
       p.user_id, p.card_id, p.profile_id,
       bench_seed.id('client-review', p.cn * 100 + k),
       CASE WHEN k = p.reps AND p.state = 'relearning' THEN 1
            WHEN x.rr < 0.10 THEN 1 WHEN x.rr < 0.23 THEN 2 WHEN x.rr < 0.85 THEN 3 ELSE 4 END,
       x.state_before, x.state_after,
       CASE WHEN k = 1 THEN 0 ELSE floor(extract(epoch FROM x.t - x.t_prev) / 86400)::int END,
       floor(extract(epoch FROM x.t_next - x.t) / 86400)::int,
       round((p.stability * k / p.reps)::numeric, 4)::float8,
       p.difficulty,
       CASE WHEN k = 1 THEN 'null'
            ELSE bench_seed.progress_json(x.state_before, round((p.stability * (k - 1) / p.reps)::numeric, 4)::float8,
                                          p.difficulty, x.t, x.t_prev, k - 1, (p.lapses * (k - 1)) / p.reps,
                                          CASE WHEN x.state_before IN ('learning', 'relearning') THEN 0 END) END::json,
       bench_seed.progress_json(x.state_after, round((p.stability * k / p.reps)::numeric, 4)::float8, p.difficulty,
                                x.t_next, x.t, k, (p.lapses * k) / p.reps,
                                CASE WHEN k = p.reps THEN p.step WHEN x.state_after = 'learning' THEN 0 END)::json,
       floor(extract(epoch FROM x.t_next - x.t))::bigint,
       1000 + (bench_seed.r(p.cn * 100 + k, 71) * 14000)::int,
       ((x.t AT TIME ZONE p.tz) - interval '4 hours')::date,
       x.t,
       NULL
FROM bench_seed.pr p
CROSS JOIN LATERAL generate_series(1, p.reps) AS k
CROSS JOIN LATERAL (
    SELECT p.created_at + (p.lr - p.created_at) * (k::float8 / p.reps) AS t,
           p.created_at + (p.lr - p.created_at) * ((k - 1)::float8 / p.reps) AS t_prev,
           CASE WHEN k = p.reps THEN p.due ELSE p.created_at + (p.lr - p.created_at) * ((k + 1)::float8 / p.reps) END AS t_next,
           CASE WHEN k = 1 THEN 'new' WHEN k = 2 THEN 'learning' ELSE 'review' END AS state_before,
           CASE WHEN k = p.reps THEN p.state WHEN k = 1 THEN 'learning' ELSE 'review' END AS state_after,
           bench_seed.r(p.cn * 100 + k, 70) AS rr
) x;

\echo [seed] daily activity
INSERT INTO daily_activity (id, user_id, profile_id, local_date, cards_reviewed, new_cards_studied, cards_added,
                            exercises_done, messages_sent, seconds_spent)
SELECT md5('bench-day-' || a.user_id || a.profile_id || a.local_date)::uuid, a.user_id, a.profile_id, a.local_date,
       sum(a.reviewed)::int, sum(a.new_studied)::int, sum(a.added)::int, 0, 0, sum(a.seconds)::int
FROM (
    SELECT user_id, profile_id, local_date, count(*) AS reviewed,
           count(*) FILTER (WHERE state_before = 'new') AS new_studied, 0 AS added,
           sum(duration_ms / 1000) AS seconds
    FROM card_reviews GROUP BY 1, 2, 3
    UNION ALL
    SELECT user_id, profile_id, ((created_at AT TIME ZONE tz) - interval '4 hours')::date, 0, 0, count(*), 0
    FROM bench_seed.c GROUP BY 1, 2, 3
) a
GROUP BY a.user_id, a.profile_id, a.local_date;

\echo [seed] rebuilding the secondary indexes
DO $$
DECLARE ix record;
BEGIN
    FOR ix IN SELECT def FROM bench_seed.indexes LOOP
        EXECUTE ix.def;
    END LOOP;
END $$;

CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text NOT NULL);
INSERT INTO bench_meta (key, value)
SELECT 'seeded_at', seed_now::text FROM bench_seed.params
UNION ALL SELECT 'users', count(*)::text FROM users
UNION ALL SELECT 'cards', count(*)::text FROM cards
UNION ALL SELECT 'card_progress', count(*)::text FROM card_progress
UNION ALL SELECT 'card_reviews', count(*)::text FROM card_reviews
UNION ALL SELECT 'daily_activity', count(*)::text FROM daily_activity
ON CONFLICT (key) DO UPDATE SET value = excluded.value;

RESET session_replication_role;
DROP SCHEMA bench_seed CASCADE;
