import type { Difficulty, Exercise, ExerciseBatch, Grade, SubmitResult, Topic } from '../api/types';

/** One answered exercise: what was sent and how the server graded it. */
export interface Answered {
  exercise: Exercise;
  /** The free text, or the chosen option's text. */
  answer: string;
  result: SubmitResult;
  durationMs: number;
}

/**
 * A running session: the generated batch and how far the learner got. The exercise at
 * `index` is being answered while `answers.length === index`, and its result is shown once
 * `answers.length > index`; `index === exercises.length` (or `finishedAt`) is the summary.
 */
export interface Run {
  topic: Topic;
  difficulty: Difficulty;
  exercises: Exercise[];
  index: number;
  answers: Answered[];
  /** Hints asked for, by exercise id. */
  hints: Record<string, string>;
  startedAt: number;
  /** When the current exercise was first shown (its answer's duration_ms). */
  shownAt: number;
  finishedAt: number | null;
}

export type RunPhase = 'exercise' | 'result' | 'summary';

export function startRun(batch: ExerciseBatch, now: number): Run {
  return {
    topic: batch.topic,
    difficulty: batch.difficulty,
    exercises: batch.exercises,
    index: 0,
    answers: [],
    hints: {},
    startedAt: now,
    shownAt: now,
    finishedAt: batch.exercises.length === 0 ? now : null,
  };
}

export function phaseOf(run: Run): RunPhase {
  if (run.finishedAt !== null || run.index >= run.exercises.length) return 'summary';
  return run.answers.length > run.index ? 'result' : 'exercise';
}

export function currentExercise(run: Run): Exercise | undefined {
  return run.exercises[run.index];
}

export function currentAnswer(run: Run): Answered | undefined {
  return run.answers[run.index];
}

/** Exercises not yet answered. */
export function leftCount(run: Run): number {
  return run.exercises.length - run.answers.length;
}

export function withHint(run: Run, exerciseId: string, hint: string): Run {
  return { ...run, hints: { ...run.hints, [exerciseId]: hint } };
}

/** The current exercise's graded answer; the topic's stats move with it. */
export function withAnswer(run: Run, answered: Answered): Run {
  if (phaseOf(run) !== 'exercise') return run;
  return { ...run, answers: [...run.answers, answered], topic: answered.result.topic ?? run.topic };
}

/** On from a result: the next exercise, or the summary after the last. */
export function nextExercise(run: Run, now: number): Run {
  if (phaseOf(run) !== 'result') return run;
  const index = run.index + 1;
  return { ...run, index, shownAt: now, finishedAt: index >= run.exercises.length ? now : null };
}

/** Ends the session early: the summary covers the answers given. */
export function finishRun(run: Run, now: number): Run {
  return run.finishedAt === null ? { ...run, finishedAt: now } : run;
}

/** Time spent on the exercise shown now. */
export function elapsedOnCurrent(run: Run, now: number): number {
  return Math.max(0, now - run.shownAt);
}

export interface RunSummary {
  total: number;
  correct: number;
  partial: number;
  incorrect: number;
  /** (correct + partial / 2) / total, as the server counts a topic's accuracy; null without answers. */
  accuracy: number | null;
  durationMs: number;
}

export function summaryOf(run: Run, now: number): RunSummary {
  const count = (grade: Grade) => run.answers.filter((a) => a.result.result === grade).length;
  const total = run.answers.length;
  const correct = count('correct');
  const partial = count('partial');
  const end = run.finishedAt ?? now;
  return {
    total,
    correct,
    partial,
    incorrect: count('incorrect'),
    accuracy: total === 0 ? null : (correct + partial / 2) / total,
    durationMs: Math.max(0, end - run.startedAt),
  };
}

/** Whether leaving should ask first: answers given or exercises paid for, not yet all done. */
export function runInProgress(run: Run | null): boolean {
  return run !== null && phaseOf(run) !== 'summary';
}

/** Whether the batch's exercises can no longer be answered (the server keeps them 30 minutes). */
export function runExpired(run: Run, now: number): boolean {
  const exercise = currentExercise(run);
  if (!exercise) return false;
  const expires = Date.parse(exercise.expires_at);
  return !Number.isNaN(expires) && expires <= now;
}

// A reload must not lose a batch the quota already paid for: the run is kept in
// sessionStorage under the session's address (topic, count, kind) until it ends.
const STORAGE_KEY = 'la_exercise_run';

interface Stored {
  key: string;
  run: Run;
}

export function saveRun(storage: Storage, key: string, run: Run | null): void {
  try {
    if (run === null || phaseOf(run) === 'summary') storage.removeItem(STORAGE_KEY);
    else storage.setItem(STORAGE_KEY, JSON.stringify({ key, run } satisfies Stored));
  } catch {
    // Storage full or blocked: the session still works, it just does not survive a reload.
  }
}

/** The unfinished run kept for this address, unless its exercises have expired. */
export function loadRun(storage: Storage, key: string, now: number): Run | null {
  try {
    const text = storage.getItem(STORAGE_KEY);
    if (!text) return null;
    const stored = JSON.parse(text) as Partial<Stored>;
    const run = stored.run;
    if (stored.key !== key || !run || !Array.isArray(run.exercises) || !Array.isArray(run.answers)) return null;
    if (phaseOf(run) === 'summary' || (phaseOf(run) === 'exercise' && runExpired(run, now))) return null;
    return run;
  } catch {
    return null;
  }
}
