// Shapes of the api-server contract. Every request and response type is derived from the types
// generated from the server's OpenAPI document (`schema.gen.ts`, `npm run api:types`): the
// bodies of the routes the app calls through their path and method, the shapes inside them by
// schema name. A contract change (a field, a route, a method) so breaks the type-check. Only
// client-side shapes are written by hand here.
import type { components, paths } from './schema.gen';

type Schemas = components['schemas'];
type Method = 'get' | 'post' | 'patch' | 'delete';
/** The methods the contract documents for `path`. */
type MethodOf<P extends keyof paths> = { [M in Method]-?: undefined extends paths[P][M] ? never : M }[Method];
type Operation<P extends keyof paths, M extends MethodOf<P>> = NonNullable<paths[P][M]>;
type Json<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;

/** The JSON body of `M path`'s success answer (200 or 201). */
type ResponseBody<P extends keyof paths, M extends MethodOf<P>> =
  Operation<P, M>['responses'] extends infer R ? Json<R[keyof R & (200 | 201)]> : never;
/** The JSON request body of `M path`. */
type RequestBody<P extends keyof paths, M extends MethodOf<P>> = Json<NonNullable<Operation<P, M>['requestBody']>>;
/** The query parameters of `GET path`. */
type Query<P extends keyof paths> = NonNullable<Operation<P, MethodOf<P> & 'get'>['parameters']['query']>;

export type Level = Schemas['CefrLevelValue'];
export type Goal = Schemas['GoalValue'];
export type InterfaceLanguage = Schemas['InterfaceLanguageValue'];
/** An ISO 639-1 code the server takes as a profile's language. */
export type LanguageCode = Schemas['LanguageCodeValue'];
/** An IANA time-zone name the server takes. */
export type TimeZone = Schemas['TimeZoneValue'];

export type User = Schemas['UserResponse'];
export type Session = ResponseBody<'/api/auth/refresh', 'post'>;
export type ValidateRequest = RequestBody<'/api/auth/validate', 'post'>;
export type DevLoginRequest = RequestBody<'/api/auth/dev-login', 'post'>;
export type RefreshRequest = RequestBody<'/api/auth/refresh', 'post'>;

/**
 * A daily LLM quota, counted in the user's local calendar day; `max: null` is unlimited.
 * `reset_at` is the user's next local midnight.
 */
export type Quota = Schemas['QuotaResponse'];

export type Me = ResponseBody<'/api/me', 'get'>;
export type MePatch = RequestBody<'/api/me', 'patch'>;

export type Profile = ResponseBody<'/api/profiles/{id}', 'get'>;
export type ProfileList = ResponseBody<'/api/profiles', 'get'>;
export type NewProfile = RequestBody<'/api/profiles', 'post'>;
export type ProfilePatch = RequestBody<'/api/profiles/{id}', 'patch'>;
/** The profile's memory model: FSRS parameters in use, the last fit, retention, workload. */
export type Memory = ResponseBody<'/api/profiles/{id}/memory', 'get'>;

export type ErrorBody = Schemas['ErrorBody'];

export type Pagination = Schemas['Pagination'];

/** Today's study work: new cards still allowed, cards in (re)learning, reviews due. */
export type StudyCounts = Schemas['DayCountsResponse'];

export type Deck = ResponseBody<'/api/decks/{id}', 'get'>;
export type DeckList = ResponseBody<'/api/decks', 'get'>;
export type NewDeck = RequestBody<'/api/decks', 'post'>;
export type DeckPatch = RequestBody<'/api/decks/{id}', 'patch'>;

export type CardState = Schemas['CardStateValue'];
export type CardProgress = Schemas['ProgressResponse'];

/** The learner-editable content of a card (the POST body without deck_id and source). */
export type CardContent = Schemas['CardFields'];
export type Card = ResponseBody<'/api/cards/{id}', 'get'>;
export type CardList = ResponseBody<'/api/cards', 'get'>;
/** Where a card the learner adds came from. */
export type CardSource = Schemas['CreatedFrom'];
export type NewCard = RequestBody<'/api/cards', 'post'>;
export type CardPatch = RequestBody<'/api/cards/{id}', 'patch'>;
export type CardFilter = Query<'/api/cards'>;
export type MoveCardRequest = RequestBody<'/api/cards/{id}/move', 'post'>;

/** The rating buttons: 1 Again, 2 Hard, 3 Good, 4 Easy (the contract's `rating` is an integer). */
export type Rating = 1 | 2 | 3 | 4;

/** Seconds each rating would schedule the card for, as of when the queue was built. */
export type Intervals = Schemas['Intervals'];
export type QueueItem = Schemas['QueueItem'];
export type StudyQueue = ResponseBody<'/api/study/queue', 'get'>;
export type ReviewRequest = RequestBody<'/api/study/review', 'post'> & { rating: Rating };
export type ReviewResult = ResponseBody<'/api/study/review', 'post'>;
export type UndoResult = ResponseBody<'/api/study/undo', 'post'>;
/** "Study more today": more new cards for the current study day only. */
export type StudyMoreRequest = RequestBody<'/api/study/more', 'post'>;
export type StudyMoreResult = ResponseBody<'/api/study/more', 'post'>;

/** `POST /api/decks/{id}/import`: what a dry run would do, or what the import did. */
export type ImportReport = ResponseBody<'/api/decks/{id}/import', 'post'>;
export type ExportFormat = NonNullable<Query<'/api/decks/{id}/export'>['format']>;

/** A file chosen for import: text already read as UTF-8, or an Anki package as it is. */
export interface ImportFile {
  name: string;
  body: string | Blob;
  contentType: string;
}

/** What a column of an imported file fills (`ignore`: nothing). */
export type ImportColumnRole = Schemas['ColumnRoleValue'];
export type ImportRowErrorCode = Schemas['ImportRowErrorCode'];

/** The column picker's answer, sent back with the import. */
export interface ImportMapping {
  columns: ImportColumnRole[];
  /** Whether the first row is a header; text files only (a package has none). */
  header?: boolean;
}

/** A word an assistant answer taught, for one-tap cards. */
export type WordSuggestion = Schemas['WordSuggestionResponse'];

/** One tutor dialog message; `words` is `[]` except on assistant messages. */
export type Message = Schemas['MessageResponse'];

/** `GET /api/dialog/history`: a page of messages, oldest first within the page. */
export type DialogPage = ResponseBody<'/api/dialog/history', 'get'>;
export type ClearResult = ResponseBody<'/api/dialog/history', 'delete'>;

/** `POST /api/sessions/chat`: a new message, or the retry of the latest unanswered one. */
export type ChatRequest = RequestBody<'/api/sessions/chat', 'post'>;
/** Its answer: the `done` frame of the stream, or the JSON body. */
export type ChatReply = ResponseBody<'/api/sessions/chat', 'post'>;

/** `POST /api/cards/generate` body. */
export type GenerateRequest = RequestBody<'/api/cards/generate', 'post'>;

export type WordStatus = Schemas['WordOutcome'];

/** One word of a generation: the new card, the card already there, or why it failed. */
export type WordResult = Schemas['WordResultResponse'];

/** Its answer: the `done` frame of the stream, or the JSON body. */
export type GenerateReport = ResponseBody<'/api/cards/generate', 'post'>;

/** `POST /api/media/ocr`: the text in the pictures and the words from it not yet in the cards. */
export type PhotoReading = ResponseBody<'/api/media/ocr', 'post'>;
/** A word a photo offers: the word as written there and its translation. */
export type PhotoWord = Schemas['SuggestedWord'];
/** `POST /api/media/transcribe`: what a recording says. */
export type Transcript = ResponseBody<'/api/media/transcribe', 'post'>;

/** What a topic practises. */
export type TopicKind = Schemas['TopicKindValue'];
/** How an exercise is answered: `multiple_choice` by an option, the rest by free text. */
export type ExerciseKind = Schemas['ExerciseKindValue'];
export type Grade = Schemas['GradeValue'];
export type Difficulty = Schemas['DifficultyValue'];

/** A topic with its stats: `accuracy` is (correct + partial / 2) / attempts, absent or null before the first. */
export type Topic = Schemas['TopicResponse'];
export type TopicList = ResponseBody<'/api/topics', 'get'>;
export type NewTopic = RequestBody<'/api/topics', 'post'>;
export type TopicPatch = RequestBody<'/api/topics/{id}', 'patch'>;
export type TopicSuggestion = Schemas['TopicSuggestionResponse'];
export type TopicSuggestions = ResponseBody<'/api/topics/suggest', 'post'>;

/** What the learner sees of an exercise: no answer, no right option, no hint. */
export type Exercise = Schemas['ExerciseResponse'];
export type GenerateExercisesRequest = RequestBody<'/api/exercises/generate', 'post'>;
export type ExerciseBatch = ResponseBody<'/api/exercises/generate', 'post'>;
export type HintResult = ResponseBody<'/api/exercises/{id}/hint', 'post'>;
export type SubmitRequest = RequestBody<'/api/exercises/{id}/submit', 'post'>;
/** The grade, the right answer, why, the mistakes, the missed words and the topic's new stats. */
export type SubmitResult = ResponseBody<'/api/exercises/{id}/submit', 'post'>;
export type Mistake = Schemas['MistakeResponse'];
/** A word an answer missed, offerable as a card. */
export type MissedWord = Schemas['MissedWord'];
export type Attempt = Schemas['AttemptResponse'];
export type AttemptList = ResponseBody<'/api/exercises/history', 'get'>;
export type AttemptFilter = Query<'/api/exercises/history'>;

/** A stats period: the last 7, 30, 91 or 365 study days, or since the first activity. */
export type StatsPeriod = Schemas['PeriodValue'];
/** How busy a calendar day was: none (0), low (1–9), medium (10–29), high (30 or more actions). */
export type ActivityLevel = Schemas['ActivityLevelValue'];
/** `GET /api/stats/streak`, over all the learner's languages, in their study days. */
export type Streak = ResponseBody<'/api/stats/streak', 'get'>;
/** `GET /api/stats/calendar`: every day of whole weeks, Monday first, up to today. */
export type Calendar = ResponseBody<'/api/stats/calendar', 'get'>;
export type CalendarDay = Schemas['CalendarDayResponse'];
/** `GET /api/stats`: one profile's reviews, retention, cards, exercises, time and active days. */
export type Stats = ResponseBody<'/api/stats', 'get'>;
export type DayStats = Schemas['DayStats'];
export type TopicAccuracy = Schemas['TopicAccuracy'];

/** An in-app notification; `title` and `body` are already in the user's interface language. */
export type AppNotification = Schemas['NotificationResponse'];
/** `GET /api/notifications`: newest first, with the count of unread ones for the badge. */
export type NotificationPage = ResponseBody<'/api/notifications', 'get'>;
export type NotificationFilter = Query<'/api/notifications'>;
export type ReadAllResult = ResponseBody<'/api/notifications/read-all', 'post'>;

// Teacher groups (docs/groups-and-billing.md). `role`, `kind` and `period` are plain strings in
// the contract; the app checks them (src/groups/groups.ts).
export type GroupSummary = Schemas['GroupSummaryResponse'];
export type GroupList = ResponseBody<'/api/groups', 'get'>;
/** Teachers see every member; students see the teachers (and the count). */
export type GroupDetail = ResponseBody<'/api/groups/{id}', 'get'>;
export type GroupMember = Schemas['MemberResponse'];
export type NewGroup = RequestBody<'/api/groups', 'post'>;
export type GroupPatch = RequestBody<'/api/groups/{id}', 'patch'>;
export type Invite = ResponseBody<'/api/groups/{id}/invites', 'post'>;
export type InviteList = ResponseBody<'/api/groups/{id}/invites', 'get'>;
export type NewInvite = RequestBody<'/api/groups/{id}/invites', 'post'>;
/** `GET /api/groups/invites/{code}`: the group, its teacher and what the teacher will see. */
export type InvitePreview = ResponseBody<'/api/groups/invites/{code}', 'get'>;
export type JoinRequest = RequestBody<'/api/groups/join', 'post'>;
/** A deck or a topic shared with a group; deck counts are the caller's. */
export type Material = ResponseBody<'/api/groups/{id}/materials', 'post'>;
export type MaterialList = ResponseBody<'/api/groups/{id}/materials', 'get'>;
export type ShareRequest = RequestBody<'/api/groups/{id}/materials', 'post'>;
export type GroupProgress = ResponseBody<'/api/groups/{id}/progress', 'get'>;
export type StudentProgress = Schemas['StudentProgressResponse'];

// Plans, Telegram Stars and admin (docs/groups-and-billing.md). `plan`, `kind`, `provider` and
// `action` are plain strings in the contract; the app checks them (src/billing/, src/admin/).
/** `GET /api/billing/plans`: the Stars offers, my plan and trial, and what each plan allows. */
export type BillingPlans = ResponseBody<'/api/billing/plans', 'get'>;
export type PlanId = Schemas['PlanIdValue'];
export type PlanOffer = Schemas['OfferResponse'];
/** What one plan allows; `null` is unlimited. */
export type PlanLimits = Schemas['PlanLimitsResponse'];
/** A createInvoiceLink link for Telegram.WebApp.openInvoice. */
export type Invoice = ResponseBody<'/api/billing/invoice', 'post'>;
export type TrialResult = ResponseBody<'/api/billing/trial', 'post'>;
export type PaymentList = ResponseBody<'/api/billing/payments', 'get'>;
export type Payment = Schemas['PaymentResponse'];
/** Admin routes: 403 FORBIDDEN unless the caller's Telegram id is in ADMIN_TELEGRAM_IDS. */
export type AdminUserList = ResponseBody<'/api/admin/users', 'get'>;
export type AdminUser = Schemas['AdminUserResponse'];
export type AdminUserFilter = Query<'/api/admin/users'>;
export type AdminSort = NonNullable<AdminUserFilter['sort']>;
export type AdminPlanFilter = NonNullable<AdminUserFilter['plan']>;
export type AdminMetrics = ResponseBody<'/api/admin/metrics', 'get'>;
export type MetricsPeriod = NonNullable<Query<'/api/admin/metrics'>['period']>;
export type GrantRequest = RequestBody<'/api/admin/users/{id}/premium', 'post'>;
export type GrantResult = ResponseBody<'/api/admin/users/{id}/premium', 'post'>;
export type RefundRequest = RequestBody<'/api/admin/payments/{id}/refund', 'post'>;
export type RefundResult = ResponseBody<'/api/admin/payments/{id}/refund', 'post'>;
export type AdminActionList = ResponseBody<'/api/admin/actions', 'get'>;
export type AdminPaymentList = ResponseBody<'/api/admin/users/{id}/payments', 'get'>;
/** A payment as an admin sees it: the user's payment and whether it can still be refunded. */
export type AdminPayment = Schemas['AdminPaymentResponse'];
export type AdminAction = Schemas['AdminActionResponse'];
/** Who an audit entry is about; `null` once they erased their account. */
export type AuditTarget = Schemas['AuditTargetResponse'];
