import { describe, expect, it } from 'vitest';
import { exercise, exerciseBatch, practised, submitResult, topic } from '../test/apiStub';
import {
  currentExercise,
  finishRun,
  leftCount,
  loadRun,
  nextExercise,
  phaseOf,
  runInProgress,
  saveRun,
  startRun,
  summaryOf,
  withAnswer,
  withHint,
} from './session';
import { hasTopicNamed, newTopicOf, parseCount, topicChanges, validateTopicForm, weakestTopic } from './topics';

describe('topics', () => {
  it('reads ?count= as 1–10, 5 by default', () => {
    expect([null, '', 'x', '0', '1', '7', '10', '11', '3.6', '-2'].map(parseCount)).toEqual([5, 5, 5, 1, 1, 7, 10, 10, 4, 1]);
  });

  it('points at the lowest accuracy among topics practised at least once', () => {
    const fresh = topic({ id: 'fresh', name: 'Fresh' });
    const strong = practised(topic({ id: 'strong', name: 'Strong' }), 4, 0.9);
    const weak = practised(topic({ id: 'weak', name: 'Weak' }), 3, 0.4);
    const archived = { ...practised(topic({ id: 'old', name: 'Old' }), 5, 0.1), archived: true };
    expect(weakestTopic([fresh, strong, weak, archived])?.id).toBe('weak');
    expect(weakestTopic([fresh])).toBeUndefined();
    // Equal accuracy: the one practised longest ago.
    const earlier = { ...weak, id: 'earlier', stats: { ...weak.stats, last_practised_at: '2026-01-01T00:00:00Z' } };
    expect(weakestTopic([weak, earlier])?.id).toBe('earlier');
  });

  it('validates the form and sends only what changed', () => {
    expect(validateTopicForm({ name: '  ', description: '', kind: 'grammar' })).toEqual({ name: 'topics.nameRequired' });
    expect(validateTopicForm({ name: 'x', description: 'y'.repeat(501), kind: 'grammar' })).toEqual({
      description: 'topics.descriptionTooLong',
    });
    expect(newTopicOf({ name: ' Food ', description: ' ', kind: 'vocabulary' })).toEqual({ name: 'Food', kind: 'vocabulary' });
    const past = topic();
    expect(topicChanges(past, { name: 'Past Simple', description: '', kind: 'situation' })).toEqual({
      description: null,
      kind: 'situation',
    });
    expect(hasTopicNamed([past], ' past simple ')).toBe(true);
  });
});

describe('session', () => {
  const first = exercise({ id: 'e-1' });
  const second = exercise({ id: 'e-2' });

  it('goes exercise → result → next → summary, counting what is left', () => {
    let run = startRun(exerciseBatch([first, second]), 1_000);
    expect(phaseOf(run)).toBe('exercise');
    expect(leftCount(run)).toBe(2);
    run = withHint(run, 'e-1', 'buy → bought');
    expect(run.hints['e-1']).toBe('buy → bought');
    const better = practised(topic(), 1, 1);
    run = withAnswer(run, { exercise: first, answer: 'a', result: submitResult({ topic: better }), durationMs: 5_000 });
    expect(phaseOf(run)).toBe('result');
    expect(leftCount(run)).toBe(1);
    expect(run.topic.stats.attempts).toBe(1);
    // A second answer to the same exercise is ignored.
    expect(withAnswer(run, run.answers[0]!)).toBe(run);
    run = nextExercise(run, 7_000);
    expect(currentExercise(run)?.id).toBe('e-2');
    expect(runInProgress(run)).toBe(true);
    run = withAnswer(run, { exercise: second, answer: 'b', result: submitResult({ result: 'partial', topic: null }), durationMs: 3_000 });
    expect(run.topic.stats.attempts).toBe(1);
    run = nextExercise(run, 11_000);
    expect(phaseOf(run)).toBe('summary');
    expect(runInProgress(run)).toBe(false);
    expect(summaryOf(run, 99_000)).toEqual({ total: 2, correct: 1, partial: 1, incorrect: 0, accuracy: 0.75, durationMs: 10_000 });
  });

  it('finishes early with the answers given', () => {
    const run = finishRun(startRun(exerciseBatch([first, second]), 0), 4_000);
    expect(phaseOf(run)).toBe('summary');
    expect(summaryOf(run, 9_000)).toMatchObject({ total: 0, accuracy: null, durationMs: 4_000 });
  });

  it('keeps an unfinished run for its address until it ends or expires', () => {
    const run = startRun(exerciseBatch([first]), 0);
    saveRun(sessionStorage, 'a', run);
    expect(loadRun(sessionStorage, 'a', Date.now())?.exercises[0]?.id).toBe('e-1');
    expect(loadRun(sessionStorage, 'b', Date.now())).toBeNull();
    expect(loadRun(sessionStorage, 'a', Date.parse('2100-01-01T00:00:01Z'))).toBeNull();
    saveRun(sessionStorage, 'a', finishRun(run, 1));
    expect(loadRun(sessionStorage, 'a', Date.now())).toBeNull();
    sessionStorage.setItem('la_exercise_run', '{not json');
    expect(loadRun(sessionStorage, 'a', Date.now())).toBeNull();
  });
});
