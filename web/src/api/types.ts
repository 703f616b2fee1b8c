// Shapes of the api-server contract (docs/api.md).

export type Level = 'A1' | 'A2' | 'B1' | 'B2' | 'C1' | 'C2';
export type Goal =
  | 'travel'
  | 'work'
  | 'study'
  | 'exams'
  | 'conversation'
  | 'culture'
  | 'relocation'
  | 'hobby';
export type InterfaceLanguage = 'ru' | 'en';

export interface User {
  id: string;
  telegram_id: number;
  first_name: string;
  last_name: string | null;
  username: string | null;
  language_code: string | null;
  photo_url: string | null;
  timezone: string;
  day_rollover_hour: number;
  reminders_enabled: boolean;
  reminder_hour: number;
  rating_buttons: 3 | 4;
  interface_language: InterfaceLanguage;
  is_admin: boolean;
  created_at: string;
}

export interface Session {
  access_token: string;
  refresh_token: string;
  expires_at: string;
  user: User;
}

/**
 * A daily LLM quota, counted in the user's local calendar day; `max: null` is unlimited.
 * `reset_at` is the user's next local midnight.
 */
export interface Quota {
  used: number;
  max: number | null;
  reset_at: string;
}

export interface Me {
  user: User;
  plan: { name: 'free' | 'premium' | string; premium_until: string | null };
  limits: {
    profiles: { used: number; max: number };
    // Optional only so that a server from before the LLM features still renders.
    /** Tutor answers today (Mini App and bot). */
    messages?: Quota;
    /** Words turned into cards by the LLM today. */
    card_generation?: Quota;
  };
  /**
   * What the server can do. Optional for servers from before it; an absent `llm` means
   * available (the routes themselves then say 503 LLM_NOT_CONFIGURED if they are not).
   */
  features?: {
    /** An LLM provider is configured: the tutor and card generation work. */
    llm?: boolean;
  };
  active_profile_id: string | null;
}

export type MePatch = Partial<
  Pick<
    User,
    | 'timezone'
    | 'day_rollover_hour'
    | 'reminders_enabled'
    | 'reminder_hour'
    | 'rating_buttons'
    | 'interface_language'
  >
>;

export interface Profile {
  id: string;
  language: string;
  current_level: Level;
  target_level: Level;
  goals: Goal[];
  interface_language: InterfaceLanguage;
  is_active: boolean;
  new_cards_per_day: number;
  desired_retention: number;
  created_at: string;
  updated_at: string;
}

export interface NewProfile {
  language: string;
  current_level: Level;
  target_level: Level;
  goals: Goal[];
  interface_language: InterfaceLanguage;
}

export type ProfilePatch = Partial<
  Pick<
    Profile,
    | 'current_level'
    | 'target_level'
    | 'goals'
    | 'interface_language'
    | 'new_cards_per_day'
    | 'desired_retention'
  >
>;

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    details?: Record<string, unknown>;
    request_id?: string;
  };
}

export interface Pagination {
  limit: number;
  offset: number;
  total: number;
  has_more: boolean;
}

export interface Page<T> {
  data: T[];
  pagination: Pagination;
}

/** Today's study work: new cards still allowed, cards in (re)learning, reviews due. */
export interface StudyCounts {
  new: number;
  learning: number;
  due: number;
}

export interface Deck {
  id: string;
  profile_id: string;
  name: string;
  description: string | null;
  is_default: boolean;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
  counts: StudyCounts & { total: number };
}

export interface NewDeck {
  name: string;
  description?: string | null;
  profile_id?: string;
}

export interface DeckPatch {
  name?: string;
  description?: string | null;
  archived?: boolean;
}

export type CardState = 'new' | 'learning' | 'review' | 'relearning';

export interface CardProgress {
  state: CardState;
  due: string;
  stability: number;
  difficulty: number;
  reps: number;
  lapses: number;
  last_review: string | null;
}

/** The learner-editable content of a card (POST body without deck_id, PATCH body). */
export interface CardContent {
  front: string;
  back: string;
  lemma: string | null;
  part_of_speech: string | null;
  gender: string | null;
  forms: Record<string, string> | null;
  transcription: string | null;
  example: string | null;
  example_translation: string | null;
  notes: string | null;
}

export interface Card extends CardContent {
  id: string;
  deck_id: string;
  profile_id: string;
  source: string;
  created_at: string;
  updated_at: string;
  progress: CardProgress | null;
}

/** Where a card came from; `llm` is set by the server for generated cards. */
export type CardSource = 'manual' | 'chat' | 'ocr' | 'llm';

export type NewCard = Partial<CardContent> &
  Pick<CardContent, 'front' | 'back'> & { deck_id?: string; source?: Exclude<CardSource, 'llm'> };
export type CardPatch = Partial<CardContent>;

export interface CardFilter {
  deck_id?: string;
  state?: CardState;
  search?: string;
  limit?: number;
  offset?: number;
}

export type Rating = 1 | 2 | 3 | 4;

/** Seconds each rating would schedule the card for, as of when the queue was built. */
export interface Intervals {
  again: number;
  hard: number;
  good: number;
  easy: number;
}

export interface QueueItem {
  card: Card;
  intervals: Intervals;
}

export interface StudyQueue {
  cards: QueueItem[];
  counts: StudyCounts;
  day: { date: string; ends_at: string };
  rating_buttons: 3 | 4;
}

export interface ReviewRequest {
  card_id: string;
  rating: Rating;
  duration_ms?: number;
  client_review_id: string;
}

export interface ReviewResult {
  card_id: string;
  progress: CardProgress;
  scheduled_seconds: number;
  counts: StudyCounts;
}

export interface UndoResult {
  card_id: string;
  progress: CardProgress | null;
}

/** `POST /api/decks/{id}/import`: what a dry run would do, or what the import did. */
export interface ImportReport {
  dry_run: boolean;
  /** Cards created, or that would be created on a dry run. */
  created: number;
  duplicates: { row: number; front: string; existing_card_id: string | null }[];
  errors: { row: number; message: string }[];
  preview: { front: string; back: string; lemma: string | null; example: string | null }[];
}

export type ExportFormat = 'csv' | 'apkg';

/** A file chosen for import, already read as UTF-8 text. */
export interface ImportFile {
  name: string;
  text: string;
  contentType: string;
}

/** A word an assistant answer taught, for one-tap cards. */
export interface WordSuggestion {
  word: string;
  translation: string;
  note: string | null;
}

export type MessageRole = 'user' | 'assistant';

/** One tutor dialog message; `words` is `[]` except on assistant messages. */
export interface Message {
  /** uuid v7: time-ordered. */
  id: string;
  profile_id: string;
  role: MessageRole;
  content: string;
  channel: 'miniapp' | 'bot';
  created_at: string;
  words: WordSuggestion[];
}

/** `GET /api/dialog/history`: a page of messages, oldest first within the page. */
export interface DialogPage {
  data: Message[];
  pagination: { limit: number; has_more: boolean; next_before: string | null };
}

/** `POST /api/sessions/chat`: a new message, or the retry of the latest unanswered one. */
export type ChatRequest =
  | { message: string; profile_id?: string }
  | { retry_message_id: string; profile_id?: string };

export interface ChatReply {
  user_message: Message;
  assistant_message: Message;
  quota: Quota;
}

/** `POST /api/cards/generate` body. */
export interface GenerateRequest {
  words: string[];
  deck_id?: string;
  profile_id?: string;
}

export type WordStatus = 'created' | 'duplicate' | 'failed';

/** One word of a generation: the new card, the card already there, or why it failed. */
export interface WordResult {
  /** The word as sent. */
  word: string;
  status: WordStatus;
  card: Card | null;
  error: { code: string; message: string } | null;
}

export interface GenerateReport {
  /** In the order the words were sent. */
  results: WordResult[];
  created: number;
  duplicates: number;
  failed: number;
  quota: Quota;
}
