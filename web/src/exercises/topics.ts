import type { ExerciseKind, NewTopic, Topic, TopicKind, TopicPatch } from '../api/types';
import type { MessageKey } from '../i18n/i18n';

export const TOPIC_KINDS: readonly TopicKind[] = ['grammar', 'vocabulary', 'situation'];
export const EXERCISE_KINDS: readonly ExerciseKind[] = ['multiple_choice', 'translate', 'transform', 'fill_gap', 'word_order'];

/** Limits of POST /api/topics. */
export const TOPIC_NAME_MAX = 100;
export const TOPIC_DESCRIPTION_MAX = 500;

/** A session's size: 1–10 exercises, 5 unless chosen. */
export const COUNT_MIN = 1;
export const COUNT_MAX = 10;
export const COUNT_DEFAULT = 5;

export function isExerciseKind(value: string | null | undefined): value is ExerciseKind {
  return EXERCISE_KINDS.some((kind) => kind === value);
}

/** `?count=` as a session size: a whole number clamped to 1–10, else 5. */
export function parseCount(value: string | null | undefined): number {
  const n = Number(value);
  if (!value || !Number.isFinite(n)) return COUNT_DEFAULT;
  return Math.min(COUNT_MAX, Math.max(COUNT_MIN, Math.round(n)));
}

/** A 0..1 accuracy as a whole percent. */
export function percent(accuracy: number): number {
  return Math.round(accuracy * 100);
}

/**
 * The topic to practise next: the lowest accuracy among the topics practised at least once
 * (archived ones left out); the one practised longest ago when two are equal.
 */
export function weakestTopic(topics: readonly Topic[]): Topic | undefined {
  let weakest: Topic | undefined;
  for (const topic of topics) {
    const accuracy = topic.stats.accuracy;
    if (topic.archived || topic.stats.attempts < 1 || accuracy === null || accuracy === undefined) continue;
    const best = weakest?.stats.accuracy;
    if (
      weakest === undefined ||
      best === null ||
      best === undefined ||
      accuracy < best ||
      (accuracy === best && (topic.stats.last_practised_at ?? '') < (weakest.stats.last_practised_at ?? ''))
    ) {
      weakest = topic;
    }
  }
  return weakest;
}

/** The active topic, if any (the list puts it first). */
export function activeTopic(topics: readonly Topic[]): Topic | undefined {
  return topics.find((topic) => topic.is_active && !topic.archived);
}

/** Whether the profile already has a topic of this name (as the server compares: case-blind, trimmed). */
export function hasTopicNamed(topics: readonly Topic[], name: string): boolean {
  const wanted = name.trim().toLocaleLowerCase();
  return topics.some((topic) => topic.name.trim().toLocaleLowerCase() === wanted);
}

export interface TopicFormValues {
  name: string;
  description: string;
  kind: TopicKind;
}

export type TopicFormErrors = Partial<Record<keyof TopicFormValues, MessageKey>>;

export function topicFormOf(topic?: Topic): TopicFormValues {
  return { name: topic?.name ?? '', description: topic?.description ?? '', kind: topic?.kind ?? 'grammar' };
}

export function validateTopicForm(values: TopicFormValues): TopicFormErrors {
  const errors: TopicFormErrors = {};
  const name = values.name.trim();
  if (name.length === 0 || name.length > TOPIC_NAME_MAX) errors.name = 'topics.nameRequired';
  if (values.description.trim().length > TOPIC_DESCRIPTION_MAX) errors.description = 'topics.descriptionTooLong';
  return errors;
}

export function newTopicOf(values: TopicFormValues): NewTopic {
  const description = values.description.trim();
  const topic: NewTopic = { name: values.name.trim(), kind: values.kind };
  return description ? { ...topic, description } : topic;
}

/** Only what changed; a cleared description is sent as null. */
export function topicChanges(topic: Topic, values: TopicFormValues): TopicPatch {
  const patch: TopicPatch = {};
  const name = values.name.trim();
  const description = values.description.trim() || null;
  if (name !== topic.name) patch.name = name;
  if (description !== (topic.description ?? null)) patch.description = description;
  if (values.kind !== topic.kind) patch.kind = values.kind;
  return patch;
}
