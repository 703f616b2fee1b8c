#!/usr/bin/env python3
"""Produce FSRS-6 scheduling test vectors with the reference Python package py-fsrs.

Our Rust scheduler (built on the `fsrs` crate) is cross-checked against these vectors, so the
expected values come from code we did not write.

    pip install -r scripts/testdata/requirements-fsrs.txt      # fsrs==6.3.2
    python3 scripts/testdata/fsrs-vectors.py \
        > crates/services/tests/services/data/fsrs_vectors.json

The output is deterministic (fixed seed, fixed start time, fuzzing off). The generator refuses
to run with any other py-fsrs version, and checks its own output (coverage of every state
transition, same-day and multi-day elapsed times) before printing it; a summary goes to stderr.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone
from importlib.metadata import version

import fsrs
from fsrs import Card, Rating, Scheduler, State

PINNED_VERSION = "6.3.2"
SEED = 20261127
N_HISTORIES = 300
START = datetime(2026, 1, 1, 8, 0, 0, tzinfo=timezone.utc)
DAY = 86400

STATE_NAMES = {
    State.Learning: "learning",
    State.Review: "review",
    State.Relearning: "relearning",
}

# Read from py-fsrs 6.3.2 fsrs/scheduler.py (Scheduler.review_card and helpers).
SEMANTICS = {
    "elapsed_days": (
        "review_card computes days_since_last_review = (review_datetime - card.last_review).days, "
        "i.e. floor(elapsed_seconds / 86400) over whole 24-hour periods (not a calendar-date "
        "difference, no day-rollover hour); the first review of a fresh card has no last_review. "
        "get_card_retrievability uses the same integer: elapsed_days = max(0, (now - last_review).days)."
    ),
    "stability_update": (
        "First review (card.stability is None): S = _initial_stability = w[rating-1] "
        "(clamped to >= 0.001), D = _initial_difficulty(rating, clamp=True) = "
        "clamp(w[4] - e^(w[5]*(rating-1)) + 1, 1, 10). Afterwards, in every state: if "
        "days_since_last_review < 1 then S = _short_term_stability(S, rating) = "
        "S * e^(w[17]*(rating-3+w[18])) * S^(-w[19]), where the factor is clamped to >= 1.0 for "
        "Hard/Good/Easy but not for Again (this also applies to Again in the Review state: a same-day "
        "lapse uses the short-term formula, not the forget formula); else S = _next_stability(D, S, R, rating) "
        "with R = get_card_retrievability = (1 + FACTOR*elapsed_days/S)^DECAY, DECAY = -w[20], "
        "FACTOR = 0.9^(1/DECAY) - 1; Again -> _next_forget_stability = min(w[11]*D^(-w[12])*((S+1)^w[13]-1)"
        "*e^((1-R)*w[14]), S/e^(w[17]*w[18])); Hard/Good/Easy -> _next_recall_stability = "
        "S*(1 + e^w[8]*(11-D)*S^(-w[9])*(e^((1-R)*w[10])-1)*hard_penalty*easy_bonus) with hard_penalty "
        "= w[15] for Hard else 1, easy_bonus = w[16] for Easy else 1. Every resulting S is clamped to >= 0.001. "
        "D is always updated afterwards with the OLD D: _next_difficulty = clamp(w[7]*D0(Easy) + "
        "(1-w[7])*(D + (10-D)*(-w[6]*(rating-3))/9), 1, 10) where D0(Easy) = w[4]-e^(w[5]*3)+1 unclamped. "
        "S is updated before D, and R uses the old S."
    ),
    "stability_bounds": (
        "py-fsrs clamps stability only from below (_clamp_stability: max(S, STABILITY_MIN = 0.001)); "
        "there is NO upper bound on stability, only the interval is capped at maximum_interval. "
        "(The Rust fsrs crate's step() clamps S to [0.001, 36500], so histories here whose "
        "stability_after exceeds 36500 diverge from that point on.) Difficulty is clamped to [1, 10] "
        "after every update."
    ),
    "learning_hard": (
        "Learning state, Hard: step stays the same; if step == 0 and there are >= 2 learning steps the "
        "delay is (learning_steps[0] + learning_steps[1]) / 2.0 (1 min and 10 min -> 5.5 min = 330 s); "
        "if step == 0 and there is exactly 1 step it is learning_steps[0] * 1.5; otherwise "
        "learning_steps[step] (step 1 -> 600 s). No cap of the Hard delay."
    ),
    "learning_again": "Learning state, Again: step = 0, delay learning_steps[0] (60 s).",
    "learning_good": (
        "Learning state, Good: if step + 1 == len(learning_steps) (the last step, step 1 here) the card "
        "graduates: state = Review, step = None, interval = _next_interval(S) days; otherwise step += 1 and "
        "delay learning_steps[step] (step 0 -> step 1, 600 s)."
    ),
    "learning_easy": (
        "Learning state (any step, including the first review of a fresh card), Easy: state = Review, "
        "step = None, interval = _next_interval(S) days."
    ),
    "review_again": (
        "Review state, Again with relearning_steps non-empty: state = Relearning, step = 0, due = "
        "reviewed_at + relearning_steps[0] (600 s). S is the new (forget or short-term) stability. "
        "(With no relearning steps it would stay in Review with interval _next_interval(S).)"
    ),
    "review_hard_good_easy": (
        "Review state, Hard/Good/Easy: stays Review, interval = _next_interval(S_new) days; nothing else."
    ),
    "next_interval": (
        "_next_interval(stability) = (stability / FACTOR) * (desired_retention^(1/DECAY) - 1), "
        "then round() (Python built-in round: half to even), then max(interval, 1), then "
        "min(interval, maximum_interval); result is an int number of days. With desired_retention "
        "= 0.9 the factor is 1 (up to floating-point error), so interval = round(S) clamped to [1, 36500]."
    ),
    "interval_constraints": (
        "None. py-fsrs does not enforce Hard <= Good <= Easy ordering, does not compare with the "
        "previous interval (no 'at least last interval + 1'), and applies no separate rule for "
        "graduating cards: every Review-state interval is just _next_interval(S_new). Fuzzing "
        "(_get_fuzzed_interval) is the only later change and is disabled here."
    ),
    "relearning": (
        "Relearning state (relearning_steps = [600 s]): Again -> step = 0, delay relearning_steps[0] "
        "(600 s); Hard -> step stays, and with step == 0 and exactly one relearning step the delay is "
        "relearning_steps[0] * 1.5 = 900 s (with >= 2 steps: average of the first two; at later steps: "
        "relearning_steps[step]); Good at the last step (step + 1 == len(relearning_steps), i.e. step 0 "
        "here) -> graduates: state = Review, step = None, interval = _next_interval(S_new) days; Easy -> "
        "Review with interval _next_interval(S_new). S_new uses the same short-term/long-term rule as "
        "all other states."
    ),
    "due": (
        "card.due = review_datetime + next_interval, where for Review-state results next_interval = "
        "timedelta(days=interval) (exactly interval * 86400 seconds after reviewed_at, same time of day, "
        "no snapping to a day boundary) and for (re)learning results it is the step timedelta. "
        "card.last_review = review_datetime."
    ),
    "new_card": (
        "py-fsrs has no New state: Card() starts in State.Learning with step 0 and stability/difficulty "
        "None; these vectors report state_before 'new' (step_before 0) for that first review."
    ),
}


def fmt(dt: datetime) -> str:
    assert dt.tzinfo == timezone.utc and dt.microsecond == 0
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def pick_rating(rng: random.Random) -> Rating:
    return Rating(rng.choices([1, 2, 3, 4], weights=[15, 15, 55, 15])[0])


def next_review_time(rng: random.Random, card: Card) -> tuple[datetime, str]:
    """Choose when the card is reviewed next, relative to its due time."""
    last, due = card.last_review, card.due
    gap = int((due - last).total_seconds())
    x = rng.random()
    if card.state in (State.Learning, State.Relearning):
        # due is minutes after the last review
        if x < 0.30:
            return due, "at_due"
        if x < 0.45:
            return last + timedelta(seconds=rng.randint(1, gap - 1)), "early_within_step"
        if x < 0.68:
            return due + timedelta(seconds=rng.randint(1, 20 * 3600)), "late_same_day"
        if x < 0.72:
            # boundary of the whole-day count: 86399 s -> 0 days, 86400 s -> 1 day
            return last + timedelta(seconds=rng.choice([DAY - 1, DAY, DAY + 1])), "day_boundary"
        days = rng.randint(1, 60)
        return due + timedelta(days=days, seconds=rng.randint(0, DAY - 1)), "late_days"
    # Review state: due is whole days after the last review
    ivl_days = gap // DAY
    if x < 0.28:
        return due, "at_due"
    if x < 0.43:
        if ivl_days >= 2:
            early = rng.randint(1, ivl_days - 1)
            return due - timedelta(days=early, seconds=rng.randint(0, 3600)), "early_days"
        return last + timedelta(seconds=rng.randint(60, DAY - 1)), "same_day_repeat"
    if x < 0.58:
        return last + timedelta(seconds=rng.randint(60, DAY - 1)), "same_day_repeat"
    if x < 0.68:
        # within a few hours of due, on either side (exercises the floor of the day count)
        return due + timedelta(seconds=rng.choice([-1, 1]) * rng.randint(1, 23 * 3600)), "near_due"
    if x < 0.71:
        return last + timedelta(seconds=rng.choice([DAY - 1, DAY, DAY + 1])), "day_boundary"
    days = rng.randint(1, 60)
    return due + timedelta(days=days, seconds=rng.randint(0, DAY - 1)), "late_days"


def main() -> int:
    installed = version("fsrs")
    if installed != PINNED_VERSION:
        print(f"need fsrs=={PINNED_VERSION}, found {installed}", file=sys.stderr)
        return 1

    scheduler = Scheduler(
        desired_retention=0.9,
        learning_steps=(timedelta(minutes=1), timedelta(minutes=10)),
        relearning_steps=(timedelta(minutes=10),),
        maximum_interval=36500,
        enable_fuzzing=False,
    )
    assert tuple(scheduler.parameters) == tuple(fsrs.scheduler.DEFAULT_PARAMETERS)
    assert len(scheduler.parameters) == 21

    rng = random.Random(SEED)
    histories = []
    transitions: Counter[str] = Counter()
    timing_kinds: Counter[str] = Counter()
    same_day_with_s = 0
    multi_day = 0
    n_reviews = 0

    for hid in range(1, N_HISTORIES + 1):
        start = START + timedelta(seconds=rng.randint(0, 90 * DAY - 1))
        n = rng.randint(1, 30)
        # every 8th history: the first review in the Review state is a lapse (Again)
        force_lapse = hid % 8 == 0
        lapsed = False
        card = Card(card_id=hid, due=start)
        reviews = []
        reviewed_at = start
        for i in range(n):
            if i > 0:
                reviewed_at, kind = next_review_time(rng, card)
                timing_kinds[kind] += 1
            rating = pick_rating(rng)
            if force_lapse and not lapsed and card.state == State.Review:
                rating = Rating.Again
                lapsed = True

            first = card.stability is None
            state_before = "new" if first else STATE_NAMES[card.state]
            step_before = card.step
            # exactly the quantity review_card uses (days_since_last_review)
            elapsed_days = 0 if first else (reviewed_at - card.last_review).days
            assert elapsed_days >= 0

            card, _log = scheduler.review_card(card, rating, reviewed_at)

            scheduled = card.due - reviewed_at
            assert scheduled.microseconds == 0
            scheduled_seconds = int(scheduled.total_seconds())
            interval_days = None
            if card.state == State.Review:
                interval_days = scheduler._next_interval(stability=card.stability)
                assert scheduled_seconds == interval_days * DAY
                assert 1 <= interval_days <= scheduler.maximum_interval

            state_after = STATE_NAMES[card.state]
            transitions[f"{state_before}->{state_after}"] += 1
            if not first:
                if elapsed_days == 0:
                    same_day_with_s += 1
                else:
                    multi_day += 1
            reviews.append(
                {
                    "reviewed_at": fmt(reviewed_at),
                    "rating": int(rating),
                    "state_before": state_before,
                    "step_before": step_before,
                    "elapsed_days": elapsed_days,
                    "state_after": state_after,
                    "step_after": card.step,
                    "stability_after": float(card.stability),
                    "difficulty_after": float(card.difficulty),
                    "due_after": fmt(card.due),
                    "scheduled_seconds": scheduled_seconds,
                    "interval_days": interval_days,
                }
            )
        n_reviews += len(reviews)
        histories.append({"id": hid, "reviews": reviews})

    out = {
        "generator": f"py-fsrs {PINNED_VERSION} via scripts/testdata/fsrs-vectors.py",
        "parameters": [float(p) for p in scheduler.parameters],
        "desired_retention": scheduler.desired_retention,
        "learning_steps_seconds": [int(s.total_seconds()) for s in scheduler.learning_steps],
        "relearning_steps_seconds": [int(s.total_seconds()) for s in scheduler.relearning_steps],
        "maximum_interval_days": scheduler.maximum_interval,
        "semantics": SEMANTICS,
        "histories": histories,
    }

    # self-check
    required = [
        "new->learning",
        "learning->learning",
        "learning->review",
        "review->review",
        "review->relearning",
        "relearning->relearning",
        "relearning->review",
    ]
    missing = [t for t in required if transitions[t] == 0]
    assert not missing, f"transitions never seen: {missing}"
    assert len(histories) >= 250 and n_reviews >= 3000
    assert same_day_with_s >= 100 and multi_day >= 100

    text = json.dumps(out, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    sys.stdout.write(text)

    print(f"histories: {len(histories)}, reviews: {n_reviews}", file=sys.stderr)
    print(f"elapsed_days == 0 with stability: {same_day_with_s}, elapsed_days >= 1: {multi_day}", file=sys.stderr)
    for t, c in sorted(transitions.items()):
        print(f"  {t}: {c}", file=sys.stderr)
    print("timings: " + ", ".join(f"{k}={v}" for k, v in sorted(timing_kinds.items())), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
