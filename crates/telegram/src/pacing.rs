//! Telegram flood control: how long a send waits for its turn.
//!
//! Telegram allows a bot about 30 messages per second overall, at most one message per second
//! to one chat and at most 20 messages per minute to one group, supergroup or channel; a 429
//! answer carries `retry_after`, which holds that chat (or everything) for that long. Every
//! send asks the [`Pacer`] for its turn first: the pacer computes the earliest instant that
//! keeps all of these rules, reserves it under a short-lived lock and the caller sleeps until
//! then. Reserving (rather than checking and retrying) is what makes concurrent callers get
//! successive slots, in call order per chat.
//!
//! All times are [`tokio::time::Instant`] so that tests can run on paused time.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// The group limit counts sends in a sliding window of this length.
const GROUP_WINDOW: Duration = Duration::from_secs(60);

/// A `retry_after` longer than this is treated as this long. Telegram's answers are far below
/// it; the cap keeps `Instant` arithmetic away from overflow on an absurd value.
const MAX_HOLD: Duration = Duration::from_secs(24 * 60 * 60);

/// Stale chat state is swept after this many pacer operations, or after as many operations as
/// chats survived the previous sweep if that is more, so a sweep costs O(1) amortised per call.
const PRUNE_EVERY: usize = 1024;

/// Telegram's flood limits for one bot.
#[derive(Debug, Clone, Copy)]
pub struct PaceLimits {
    /// Messages per second over all chats (a zero is treated as one).
    pub per_second: u32,
    /// Minimum spacing between two messages to the same chat (capped at one day).
    pub per_chat_interval: Duration,
    /// Messages per sliding minute to one group, supergroup or channel (a zero is treated as
    /// one).
    pub per_group_per_minute: u32,
}

impl Default for PaceLimits {
    /// Telegram says "about 30 a second"; 28 leaves room for network jitter, which can bring
    /// two requests sent 1 s apart to Telegram less than 1 s apart.
    fn default() -> Self {
        Self { per_second: 28, per_chat_interval: Duration::from_secs(1), per_group_per_minute: 20 }
    }
}

/// The destination of a send, as the pacer tells chats apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Chat {
    /// A private chat with one user (positive Telegram id).
    Private(i64),
    /// A group, supergroup or channel (negative Telegram id); also under the per-minute limit.
    Group(i64),
}

impl Chat {
    /// Classifies a Telegram chat id: negative ids are groups, supergroups and channels.
    pub fn from_id(chat_id: i64) -> Self {
        if chat_id < 0 { Self::Group(chat_id) } else { Self::Private(chat_id) }
    }
}

/// Paces outbound bot messages. `Send + Sync`; share one per bot token in an `Arc`.
#[derive(Debug)]
pub struct Pacer {
    limits: PaceLimits,
    /// Never held across an `.await`: callers reserve under it and sleep after releasing it.
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    global: Grid,
    chats: HashMap<Chat, ChatState>,
    /// No send at all before this instant (a 429 that named no chat).
    hold_all: Option<Instant>,
    ops_since_prune: usize,
    /// The next sweep comes after this many operations (see [`PRUNE_EVERY`]).
    prune_after: usize,
}

#[derive(Debug, Default)]
struct ChatState {
    /// The latest slot reserved by `wait_turn` for this chat (slots per chat only grow).
    last: Option<Instant>,
    /// No send to this chat before this instant (a 429 for this chat).
    hold: Option<Instant>,
    /// Groups only: the most recent reserved slots, at most `per_group_per_minute` of them,
    /// oldest first.
    window: VecDeque<Instant>,
}

/// The global budget as a grid of send slots `1/per_second` apart, each given out at most once.
///
/// Why a smooth grid rather than a token bucket: Telegram does not document a burst allowance,
/// and 30 messages within a few milliseconds draw 429s in practice, while the grid costs a
/// caller at most one step (33 ms) of extra latency. Why a grid of numbered slots rather than
/// a single "next free slot": a caller whose own chat must wait (a group at its per-minute
/// limit, a chat on hold) reserves a global slot far in the future, and that must not push
/// everyone else behind it; free slots before it stay available to other chats.
#[derive(Debug)]
struct Grid {
    epoch: Instant,
    /// Rounded up so that any 31 slots span at least one second (30 × 33 333 333 ns would not).
    step_nanos: u64,
    /// Reserved slot numbers that are not yet in the past.
    taken: BTreeSet<u64>,
}

impl Grid {
    fn new(epoch: Instant, per_second: u32) -> Self {
        Self { epoch, step_nanos: 1_000_000_000_u64.div_ceil(u64::from(per_second.max(1))), taken: BTreeSet::new() }
    }

    /// Reserves the first free slot at or after `earliest` (which is not before `now`).
    fn reserve(&mut self, now: Instant, earliest: Instant) -> Instant {
        // Slots before `now` can no longer be given out; forgetting them bounds the set by the
        // reservations still ahead.
        let past = self.index_floor(now);
        while let Some(&first) = self.taken.first()
            && first < past
        {
            self.taken.pop_first();
        }
        let mut index = self.index_ceil(earliest);
        for &taken in self.taken.range(index..) {
            if taken != index {
                break;
            }
            index = index.saturating_add(1);
        }
        self.taken.insert(index);
        let offset = Duration::from_nanos(index.saturating_mul(self.step_nanos));
        // Unreachable overflow (holds are capped); falling back to `earliest` keeps it panic-free.
        self.epoch.checked_add(offset).unwrap_or(earliest)
    }

    fn nanos_since_epoch(&self, t: Instant) -> u128 {
        t.saturating_duration_since(self.epoch).as_nanos()
    }

    fn index_floor(&self, t: Instant) -> u64 {
        let index = self.nanos_since_epoch(t) / u128::from(self.step_nanos);
        u64::try_from(index).unwrap_or(u64::MAX)
    }

    fn index_ceil(&self, t: Instant) -> u64 {
        let index = self.nanos_since_epoch(t).div_ceil(u128::from(self.step_nanos));
        u64::try_from(index).unwrap_or(u64::MAX)
    }
}

/// Which rules a send obeys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Weight {
    /// A message: global budget, per-chat spacing, group window, holds.
    Full,
    /// A chat action: global budget and holds only.
    Light,
}

impl Pacer {
    /// A pacer with no history: the first send goes out at once.
    pub fn new(limits: PaceLimits) -> Self {
        // Zero rates would divide by zero or never send; an absurd interval would overflow
        // `Instant` arithmetic. Neither is a configuration anyone means.
        let limits = PaceLimits {
            per_second: limits.per_second.max(1),
            per_chat_interval: limits.per_chat_interval.min(MAX_HOLD),
            per_group_per_minute: limits.per_group_per_minute.max(1),
        };
        Self {
            limits,
            state: Mutex::new(State {
                global: Grid::new(Instant::now(), limits.per_second),
                chats: HashMap::new(),
                hold_all: None,
                ops_since_prune: 0,
                prune_after: PRUNE_EVERY,
            }),
        }
    }

    /// Waits until a message to `chat` may go out and reserves that slot, so concurrent callers
    /// get successive slots, in call order per chat. Dropping the future leaves its slot
    /// reserved (harmless, slightly slower) and never blocks anyone else.
    pub async fn wait_turn(&self, chat: Chat) {
        self.wait(chat, Weight::Full).await;
    }

    /// Like [`wait_turn`](Self::wait_turn) but only the global budget and the holds count: for
    /// chat actions like "typing", which Telegram does not count per chat but which must
    /// respect a 429 hold.
    pub async fn wait_light(&self, chat: Chat) {
        self.wait(chat, Weight::Light).await;
    }

    /// After a 429 for this chat: no send to it before `retry_after` has passed. Callers
    /// already waiting for this chat obey it too.
    pub fn hold_chat(&self, chat: Chat, retry_after: Duration) {
        let now = Instant::now();
        let until = hold_end(now, retry_after);
        let mut state = self.lock();
        state.maybe_prune(now, self.horizon());
        let entry = state.chats.entry(chat).or_default();
        entry.hold = entry.hold.max(Some(until));
    }

    /// After a 429 that is not tied to one chat: nothing goes out before `retry_after` has
    /// passed. Callers already waiting obey it too.
    pub fn hold_all(&self, retry_after: Duration) {
        let until = hold_end(Instant::now(), retry_after);
        let mut state = self.lock();
        state.hold_all = state.hold_all.max(Some(until));
    }

    async fn wait(&self, chat: Chat, weight: Weight) {
        loop {
            let slot = self.reserve(chat, weight);
            tokio::time::sleep_until(slot).await;
            // A 429 may have arrived while we slept; then our slot is void and we queue again
            // behind the hold (the void slot stays reserved, which only costs a little pace).
            if !self.is_held(chat, Instant::now()) {
                return;
            }
        }
    }

    fn reserve(&self, chat: Chat, weight: Weight) -> Instant {
        let now = Instant::now();
        let limits = self.limits;
        let mut guard = self.lock();
        guard.maybe_prune(now, self.horizon());
        let State { global, chats, hold_all, .. } = &mut *guard;

        let mut earliest = now.max(hold_all.unwrap_or(now));
        match weight {
            Weight::Light => {
                // Read-only: a chat action must not create per-chat state nor move its spacing.
                if let Some(hold) = chats.get(&chat).and_then(|c| c.hold) {
                    earliest = earliest.max(hold);
                }
                global.reserve(now, earliest)
            }
            Weight::Full => {
                let state = chats.entry(chat).or_default();
                if let Some(hold) = state.hold {
                    earliest = earliest.max(hold);
                }
                if let Some(last) = state.last {
                    earliest = earliest.max(last + limits.per_chat_interval);
                }
                let group_limit = usize::try_from(limits.per_group_per_minute).unwrap_or(usize::MAX);
                let is_group = matches!(chat, Chat::Group(_));
                if is_group
                    && state.window.len() >= group_limit
                    && let Some(&oldest) = state.window.front()
                {
                    // The window holds exactly the last `group_limit` slots, so the oldest one
                    // must leave the minute before this one may enter it.
                    earliest = earliest.max(oldest + GROUP_WINDOW);
                }
                let slot = global.reserve(now, earliest);
                state.last = Some(slot);
                if is_group {
                    // Slots per chat only grow, so pushing at the back keeps the window sorted.
                    state.window.push_back(slot);
                    while state.window.len() > group_limit {
                        state.window.pop_front();
                    }
                }
                slot
            }
        }
    }

    fn is_held(&self, chat: Chat, now: Instant) -> bool {
        let state = self.lock();
        let chat_hold = state.chats.get(&chat).and_then(|c| c.hold);
        state.hold_all.max(chat_hold).is_some_and(|until| until > now)
    }

    /// How long a chat's state can still influence a send after its last slot.
    fn horizon(&self) -> Duration {
        self.limits.per_chat_interval.max(GROUP_WINDOW)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Every update under the lock leaves the state valid, so a poisoned lock is safe to
        // reuse; propagating the panic would stop every sender of the bot.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How many chats have state right now.
    #[cfg(test)]
    fn tracked_chats(&self) -> usize {
        self.lock().chats.len()
    }
}

impl State {
    /// Forgets chats whose last slot is more than `horizon` ago and that have no live hold, so
    /// the map holds only chats active in the last minute however many chats the bot serves.
    fn maybe_prune(&mut self, now: Instant, horizon: Duration) {
        self.ops_since_prune = self.ops_since_prune.saturating_add(1);
        if self.ops_since_prune < self.prune_after {
            return;
        }
        self.chats.retain(|_, chat| {
            let recent = chat.last.is_some_and(|last| last + horizon > now);
            let held = chat.hold.is_some_and(|until| until > now);
            recent || held
        });
        // Fixed at sweep time (not the live size, which grows as fast as the counter would).
        self.ops_since_prune = 0;
        self.prune_after = PRUNE_EVERY.max(self.chats.len());
        if self.hold_all.is_some_and(|until| until <= now) {
            self.hold_all = None;
        }
    }
}

fn hold_end(now: Instant, retry_after: Duration) -> Instant {
    now + retry_after.min(MAX_HOLD)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn pacer() -> Arc<Pacer> {
        Arc::new(Pacer::new(PaceLimits::default()))
    }

    /// Asserts that no half-open window `[t, t + window)` contains more than `max` of `times`.
    fn assert_at_most(times: &[Instant], max: usize, window: Duration) {
        let mut sorted = times.to_vec();
        sorted.sort();
        for (i, pair) in sorted.iter().zip(sorted.iter().skip(max)).enumerate() {
            let span = pair.1.duration_since(*pair.0);
            assert!(span >= window, "sends {i} and {} are only {span:?} apart: more than {max} in {window:?}", i + max);
        }
    }

    fn assert_spaced(times: &[Instant], gap: Duration) {
        let mut sorted = times.to_vec();
        sorted.sort();
        for pair in sorted.windows(2) {
            let span = pair[1].duration_since(pair[0]);
            assert!(span >= gap, "two sends only {span:?} apart");
        }
    }

    /// Spawns one `wait_turn` per chat in order and returns (chat, completion time) pairs.
    async fn send_all(pacer: &Arc<Pacer>, chats: &[Chat]) -> Vec<(Chat, Instant)> {
        let handles: Vec<_> = chats
            .iter()
            .map(|&chat| {
                let pacer = Arc::clone(pacer);
                tokio::spawn(async move {
                    pacer.wait_turn(chat).await;
                    (chat, Instant::now())
                })
            })
            .collect();
        let mut done = Vec::new();
        for handle in handles {
            done.push(handle.await.unwrap());
        }
        done
    }

    #[test]
    fn chat_ids_and_defaults() {
        assert_eq!(Chat::from_id(42), Chat::Private(42));
        assert_eq!(Chat::from_id(-1001234), Chat::Group(-1001234));
        let limits = PaceLimits::default();
        assert_eq!(limits.per_second, 28);
        assert_eq!(limits.per_chat_interval, Duration::from_secs(1));
        assert_eq!(limits.per_group_per_minute, 20);
        fn shared<T: Send + Sync>() {}
        shared::<Pacer>();
    }

    #[tokio::test(start_paused = true)]
    async fn hundred_private_chats_keep_the_global_rate() {
        let pacer = pacer();
        let start = Instant::now();
        let chats: Vec<_> = (1..=100).map(Chat::Private).collect();
        let done = send_all(&pacer, &chats).await;
        assert_eq!(done.len(), 100);
        let times: Vec<_> = done.iter().map(|&(_, t)| t).collect();
        assert_at_most(&times, 30, Duration::from_secs(1));
        // Smooth pacing: 100 sends take about 3.3 s, not much more.
        let last = times.iter().max().unwrap();
        assert!(last.duration_since(start) < Duration::from_secs(4));
    }

    #[tokio::test(start_paused = true)]
    async fn one_private_chat_gets_one_per_second() {
        let pacer = pacer();
        let start = Instant::now();
        let done = send_all(&pacer, &[Chat::Private(7); 5]).await;
        let times: Vec<_> = done.iter().map(|&(_, t)| t).collect();
        assert_spaced(&times, Duration::from_secs(1));
        // The first goes out at once; call order is kept.
        assert_eq!(times.first().unwrap(), &start);
        assert!(times.windows(2).all(|w| w[0] < w[1]));
    }

    #[tokio::test(start_paused = true)]
    async fn one_group_gets_twenty_per_minute() {
        let pacer = pacer();
        let group = Chat::from_id(-100_500);
        let done = send_all(&pacer, &[group; 25]).await;
        let times: Vec<_> = done.iter().map(|&(_, t)| t).collect();
        assert!(times[20].duration_since(times[0]) >= Duration::from_secs(60));
        assert_at_most(&times, 20, Duration::from_secs(60));
        assert_spaced(&times, Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn a_waiting_group_does_not_hold_up_other_chats() {
        let pacer = pacer();
        let group = Chat::Group(-1);
        send_all(&pacer, &[group; 20]).await;
        // The group's 21st send is a minute away; a private chat must not queue behind it.
        let blocked = {
            let pacer = Arc::clone(&pacer);
            tokio::spawn(async move { pacer.wait_turn(group).await })
        };
        tokio::task::yield_now().await;
        let before = Instant::now();
        pacer.wait_turn(Chat::Private(1)).await;
        assert!(Instant::now().duration_since(before) < Duration::from_millis(100));
        blocked.await.unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn mixed_burst_keeps_every_rule() {
        let pacer = pacer();
        // Interleaved as a real burst would arrive: message m to every chat, then m + 1.
        let chats: Vec<_> = (0..10).flat_map(|_| (1..=10).map(Chat::Private)).collect();
        let done = send_all(&pacer, &chats).await;
        assert_eq!(done.len(), 100);
        let times: Vec<_> = done.iter().map(|&(_, t)| t).collect();
        assert_at_most(&times, 30, Duration::from_secs(1));
        for id in 1..=10 {
            let own: Vec<_> = done.iter().filter(|&&(chat, _)| chat == Chat::Private(id)).map(|&(_, t)| t).collect();
            assert_eq!(own.len(), 10);
            assert_spaced(&own, Duration::from_secs(1));
        }
    }

    #[tokio::test(start_paused = true)]
    async fn hold_chat_delays_only_that_chat() {
        let pacer = pacer();
        let (held, other) = (Chat::Private(1), Chat::Private(2));
        let start = Instant::now();
        pacer.hold_chat(held, Duration::from_secs(5));
        let done = send_all(&pacer, &[held, other]).await;
        assert!(done[0].1.duration_since(start) >= Duration::from_secs(5));
        assert!(done[1].1.duration_since(start) < Duration::from_millis(100));
    }

    #[tokio::test(start_paused = true)]
    async fn hold_chat_reaches_callers_already_waiting() {
        let pacer = pacer();
        let chat = Chat::Private(1);
        pacer.wait_turn(chat).await;
        // This caller has reserved a slot one second ahead and is asleep when the 429 comes.
        let waiting = {
            let pacer = Arc::clone(&pacer);
            tokio::spawn(async move {
                pacer.wait_turn(chat).await;
                Instant::now()
            })
        };
        tokio::time::sleep(Duration::from_millis(100)).await;
        let held_at = Instant::now();
        pacer.hold_chat(chat, Duration::from_secs(5));
        let sent = waiting.await.unwrap();
        assert!(sent.duration_since(held_at) >= Duration::from_secs(5));
    }

    #[tokio::test(start_paused = true)]
    async fn hold_all_delays_everyone() {
        let pacer = pacer();
        let start = Instant::now();
        pacer.hold_all(Duration::from_secs(3));
        let done = send_all(&pacer, &[Chat::Private(1), Chat::Group(-2)]).await;
        for (_, sent) in &done {
            assert!(sent.duration_since(start) >= Duration::from_secs(3));
        }
        pacer.wait_light(Chat::Private(3)).await;
        assert!(Instant::now().duration_since(start) >= Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn wait_light_skips_chat_spacing_but_not_holds() {
        let pacer = pacer();
        let chat = Chat::Private(1);
        let start = Instant::now();
        pacer.wait_turn(chat).await;
        for _ in 0..5 {
            pacer.wait_light(chat).await;
        }
        // Only the global 1/30 s spacing applied, not the chat's 1 s.
        assert!(Instant::now().duration_since(start) < Duration::from_millis(300));

        let held_at = Instant::now();
        pacer.hold_chat(chat, Duration::from_secs(3));
        pacer.wait_light(Chat::Private(2)).await;
        assert!(Instant::now().duration_since(held_at) < Duration::from_millis(100));
        pacer.wait_light(chat).await;
        assert!(Instant::now().duration_since(held_at) >= Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn stale_chats_are_pruned() {
        let pacer = pacer();
        let mut most = 0;
        for id in 0..10_000 {
            pacer.wait_turn(Chat::Private(id)).await;
            most = most.max(pacer.tracked_chats());
        }
        // 10 000 sends take about 333 s, so only the last minute's chats (about 1 800) matter;
        // lazy sweeping keeps the map within a small multiple of that.
        assert!(most < 5_000, "map grew to {most}");

        tokio::time::advance(Duration::from_secs(120)).await;
        for _ in 0..PRUNE_EVERY.max(most) {
            pacer.wait_light(Chat::Private(1)).await;
        }
        pacer.wait_turn(Chat::Private(1)).await;
        assert!(pacer.tracked_chats() <= 2, "{} chats tracked", pacer.tracked_chats());
    }
}
