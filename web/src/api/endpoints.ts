import type { ApiClient, StreamOptions } from './client';
import type {
  AppNotification,
  AttemptFilter,
  AttemptList,
  Calendar,
  Card,
  CardFilter,
  CardList,
  CardPatch,
  ChatRequest,
  ClearResult,
  Deck,
  DeckList,
  DeckPatch,
  DialogPage,
  ExerciseBatch,
  ExportFormat,
  GenerateExercisesRequest,
  GenerateRequest,
  HintResult,
  ImportFile,
  ImportMapping,
  ImportReport,
  Me,
  MePatch,
  Memory,
  MoveCardRequest,
  NewCard,
  NewDeck,
  NewProfile,
  NewTopic,
  NotificationFilter,
  NotificationPage,
  PhotoReading,
  Profile,
  ProfileList,
  ProfilePatch,
  ReadAllResult,
  ReviewRequest,
  ReviewResult,
  Stats,
  StatsPeriod,
  Streak,
  StudyMoreRequest,
  StudyMoreResult,
  StudyQueue,
  SubmitRequest,
  SubmitResult,
  Topic,
  TopicList,
  TopicPatch,
  TopicSuggestions,
  Transcript,
  UndoResult,
} from './types';

/** Lists may arrive bare or in the `{data, pagination}` envelope of the list convention. */
function unwrapList<T>(body: T[] | { data: T[] }): T[] {
  return Array.isArray(body) ? body : body.data;
}

/** `?a=1&b=x` from the defined, non-null, non-empty values only. */
export function queryString(params: Record<string, string | number | boolean | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

const id = encodeURIComponent;

export const api = {
  me: (client: ApiClient) => client.get<Me>('/api/me'),
  patchMe: (client: ApiClient, patch: MePatch) => client.patch<Me>('/api/me', patch),
  profiles: async (client: ApiClient) =>
    unwrapList(await client.get<ProfileList | Profile[]>('/api/profiles')),
  createProfile: (client: ApiClient, profile: NewProfile) =>
    client.post<Profile>('/api/profiles', profile),
  patchProfile: (client: ApiClient, profileId: string, patch: ProfilePatch) =>
    client.patch<Profile>(`/api/profiles/${id(profileId)}`, patch),
  deleteProfile: (client: ApiClient, profileId: string) =>
    client.delete(`/api/profiles/${id(profileId)}`),
  activateProfile: (client: ApiClient, profileId: string) =>
    client.post<Profile>(`/api/profiles/${id(profileId)}/activate`),
  memory: (client: ApiClient, profileId: string) => client.get<Memory>(`/api/profiles/${id(profileId)}/memory`),
  resetMemory: (client: ApiClient, profileId: string) =>
    client.delete<Memory>(`/api/profiles/${id(profileId)}/memory/parameters`),

  // Decks of the active profile unless profile_id says otherwise.
  // One page of up to 100 decks: the default page (20) could hide decks from the list.
  decks: async (client: ApiClient, options: { includeArchived?: boolean; profileId?: string } = {}) =>
    unwrapList(
      await client.get<DeckList>(
        `/api/decks${queryString({
          profile_id: options.profileId,
          include_archived: options.includeArchived || undefined,
          limit: 100,
        })}`,
      ),
    ),
  deck: (client: ApiClient, deckId: string) => client.get<Deck>(`/api/decks/${id(deckId)}`),
  createDeck: (client: ApiClient, deck: NewDeck) => client.post<Deck>('/api/decks', deck),
  patchDeck: (client: ApiClient, deckId: string, patch: DeckPatch) =>
    client.patch<Deck>(`/api/decks/${id(deckId)}`, patch),
  /** Without `confirm` a deck that still has cards answers 409 with details.cards. */
  deleteDeck: (client: ApiClient, deckId: string, confirm: boolean) =>
    client.delete(`/api/decks/${id(deckId)}${queryString({ confirm: confirm || undefined })}`),
  /**
   * The raw file as the body; a dry run only reports. A mapping from the column picker says
   * which column is what. 402 LIMIT_REACHED when it does not fit.
   */
  importDeck: (client: ApiClient, deckId: string, file: ImportFile, dryRun: boolean, mapping?: ImportMapping) =>
    client.postBody<ImportReport>(
      `/api/decks/${id(deckId)}/import${queryString({
        dry_run: dryRun,
        columns: mapping?.columns.join(','),
        header: mapping?.header,
      })}`,
      file.body,
      file.contentType,
    ),
  exportDeck: (client: ApiClient, deckId: string, format: ExportFormat) =>
    client.getBlob(`/api/decks/${id(deckId)}/export${queryString({ format })}`),

  cards: (client: ApiClient, filter: CardFilter) =>
    client.get<CardList>(`/api/cards${queryString({ ...filter })}`),
  card: (client: ApiClient, cardId: string) => client.get<Card>(`/api/cards/${id(cardId)}`),
  createCard: (client: ApiClient, card: NewCard) => client.post<Card>('/api/cards', card),
  patchCard: (client: ApiClient, cardId: string, patch: CardPatch) =>
    client.patch<Card>(`/api/cards/${id(cardId)}`, patch),
  deleteCard: (client: ApiClient, cardId: string) => client.delete(`/api/cards/${id(cardId)}`),
  moveCard: (client: ApiClient, cardId: string, deckId: string) =>
    client.post<Card>(`/api/cards/${id(cardId)}/move`, { deck_id: deckId } satisfies MoveCardRequest),

  /** Today's counts over the active profile (archived decks excluded), without the queue. */
  studyCounts: (client: ApiClient) =>
    client.get<StudyQueue>('/api/study/queue?limit=1').then((queue) => queue.counts),
  studyQueue: (client: ApiClient, deckId?: string) =>
    client.get<StudyQueue>(`/api/study/queue${queryString({ deck_id: deckId })}`),
  review: (client: ApiClient, review: ReviewRequest) =>
    client.post<ReviewResult>('/api/study/review', review),
  undo: (client: ApiClient) => client.post<UndoResult>('/api/study/undo'),
  studyMore: (client: ApiClient, request: StudyMoreRequest) =>
    client.post<StudyMoreResult>('/api/study/more', request),
  /** Everything the user owns, as a JSON file. */
  exportMe: (client: ApiClient) => client.getBlob('/api/me/export'),
  /** Erases the account and all its data. */
  deleteMe: (client: ApiClient) => client.delete('/api/me'),

  /** 1–3 pictures as a multipart form, each a part named `image`; costs one tutor message. */
  readPhotos: (client: ApiClient, pictures: Blob[]) => {
    const form = new FormData();
    for (const picture of pictures) form.append('image', picture);
    return client.postBody<PhotoReading>('/api/media/ocr', form);
  },
  /** A recording as the raw body; the server tells the audio format by its bytes. */
  transcribe: (client: ApiClient, recording: Blob) =>
    client.postBody<Transcript>('/api/media/transcribe', recording, 'application/octet-stream'),

  /** The active profile's tutor dialog: `limit` messages older than `before`, oldest first. */
  dialogHistory: (client: ApiClient, options: { before?: string; limit?: number } = {}) =>
    client.get<DialogPage>(`/api/dialog/history${queryString({ before: options.before, limit: options.limit })}`),
  clearDialog: (client: ApiClient) => client.delete<ClearResult>('/api/dialog/history'),
  /**
   * A tutor message as Server-Sent Events: `user_message` (Message), `delta` ({text}),
   * then `done` (ChatReply) or `error` ({error}). Resolves with a ChatReply instead when
   * the server answered plain JSON.
   */
  chat: (client: ApiClient, request: ChatRequest, options: Omit<StreamOptions, 'headers'>) =>
    client.postStream('/api/sessions/chat', request, options),
  /**
   * Cards from words as Server-Sent Events: `word` (WordResult) per word, then `done`
   * (GenerateReport) or `error`. The same `idempotencyKey` replays the first result.
   */
  generateCards: (
    client: ApiClient,
    request: GenerateRequest,
    idempotencyKey: string,
    options: Omit<StreamOptions, 'headers'>,
  ) => client.postStream('/api/cards/generate', request, { ...options, headers: { 'idempotency-key': idempotencyKey } }),

  // Topics of the active profile: active first, then by name. One page of up to 100.
  topics: async (client: ApiClient, options: { includeArchived?: boolean } = {}) =>
    unwrapList(
      await client.get<TopicList>(
        `/api/topics${queryString({ include_archived: options.includeArchived || undefined, limit: 100 })}`,
      ),
    ),
  /** 409 CONFLICT with details.field "name" when the profile has a topic of that name. */
  createTopic: (client: ApiClient, topic: NewTopic) => client.post<Topic>('/api/topics', topic),
  patchTopic: (client: ApiClient, topicId: string, patch: TopicPatch) =>
    client.patch<Topic>(`/api/topics/${id(topicId)}`, patch),
  /** Past attempts stay in the history, without a topic. */
  deleteTopic: (client: ApiClient, topicId: string) => client.delete(`/api/topics/${id(topicId)}`),
  activateTopic: (client: ApiClient, topicId: string) => client.post<Topic>(`/api/topics/${id(topicId)}/activate`),
  /** 5–7 topics from the LLM for the profile's language, levels and goals (cached by the server). */
  suggestTopics: (client: ApiClient) => client.post<TopicSuggestions>('/api/topics/suggest', {}),

  /** A batch of exercises on the topic (the active one without topic_id); costs `count` of the quota. */
  generateExercises: (client: ApiClient, request: GenerateExercisesRequest) =>
    client.post<ExerciseBatch>('/api/exercises/generate', request),
  /** The hint; the attempt is then marked as hinted. 404 EXERCISE_NOT_FOUND when expired or answered. */
  exerciseHint: (client: ApiClient, exerciseId: string) =>
    client.post<HintResult>(`/api/exercises/${id(exerciseId)}/hint`),
  /** Graded once: a second submit (or an expired exercise) is 404 EXERCISE_NOT_FOUND. */
  submitExercise: (client: ApiClient, exerciseId: string, request: SubmitRequest) =>
    client.post<SubmitResult>(`/api/exercises/${id(exerciseId)}/submit`, request),
  /** Attempts, newest first. */
  exerciseHistory: (client: ApiClient, filter: AttemptFilter) =>
    client.get<AttemptList>(`/api/exercises/history${queryString({ ...filter })}`),

  /** The streak over all languages, in the learner's study days. */
  streak: (client: ApiClient) => client.get<Streak>('/api/stats/streak'),
  /** Whole calendar weeks (Monday first) up to today, every day with its actions and level. */
  calendar: (client: ApiClient, weeks: number) => client.get<Calendar>(`/api/stats/calendar${queryString({ weeks })}`),
  /** The active profile's stats over the period. */
  stats: (client: ApiClient, period: StatsPeriod) => client.get<Stats>(`/api/stats${queryString({ period })}`),

  /** Newest first, with the unread count. */
  notifications: (client: ApiClient, filter: NotificationFilter = {}) =>
    client.get<NotificationPage>(`/api/notifications${queryString({ ...filter, unread_only: filter.unread_only || undefined })}`),
  readNotification: (client: ApiClient, notificationId: string) =>
    client.post<AppNotification>(`/api/notifications/${id(notificationId)}/read`),
  readAllNotifications: (client: ApiClient) => client.post<ReadAllResult>('/api/notifications/read-all'),
};
