import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { SubmitRequest } from '../api/types';
import {
  card,
  choiceExercise,
  errorBody,
  exercise,
  exerciseBatch,
  limits,
  me,
  page,
  practised,
  quota,
  stubFetch,
  submitResult,
  topic,
} from '../test/apiStub';
import { renderScreen } from '../test/renderApp';
import { ExerciseSessionScreen } from './ExerciseSessionScreen';

const past = topic();
const food = topic({ id: 't-food', name: 'Еда', kind: 'vocabulary', is_active: false });
const translate = exercise();
const choose = choiceExercise();

function renderSession(routes: Parameters<typeof stubFetch>[0], path = '/exercises/session?topic=t-past&count=2') {
  const server = stubFetch({
    'GET /api/me': () => ({ body: me() }),
    'GET /api/topics': () => ({ body: page([past, food]) }),
    ...routes,
  });
  const view = renderScreen(<ExerciseSessionScreen />, { fetchFn: server.fetchFn, path, route: '/exercises/session' });
  return { server, ...view };
}

const posts = (server: ReturnType<typeof stubFetch>, path: string) =>
  server.requests.filter((r) => r.method === 'POST' && r.path === path);

describe('ExerciseSessionScreen', () => {
  it('runs a mixed session: hint, a wrong free-text answer whose word becomes a card, a choice, the summary and the weakest topic', async () => {
    let answered = 0;
    const { server, router } = renderSession({
      'GET /api/topics': () => ({
        // After the session the other topic is the weaker one.
        body: page(answered < 2 ? [past, food] : [practised(past, 2, 0.5), practised(food, 4, 0.25)]),
      }),
      'POST /api/exercises/generate': () => ({ body: exerciseBatch([translate, choose]) }),
      'POST /api/exercises/e-1/hint': () => ({ body: { hint: 'buy → bought' } }),
      'POST /api/exercises/e-1/submit': () => {
        answered += 1;
        return {
          body: submitResult({
            result: 'incorrect',
            user_answer: 'Yesterday I buyed bread.',
            used_hint: true,
            mistakes: [{ type: 'grammar', text: 'buyed', suggestion: 'bought' }],
            alternatives: ['I bought bread yesterday.'],
            explanation: 'Buy — неправильный глагол: bought.',
            words: [{ word: 'bought', translation: 'купил' }],
            topic: practised(past, 1, 0),
          }),
        };
      },
      'POST /api/exercises/e-choice/submit': () => {
        answered += 1;
        return { body: submitResult({ exercise_id: 'e-choice', correct_answer: 'went', topic: practised(past, 2, 0.5) }) };
      },
      'POST /api/cards': (r) => ({ status: 201, body: card({ id: 'c-bought', front: 'bought', back: 'купил', ...(r.body as object) }) }),
    });
    const user = userEvent.setup();

    // Setup: the topic, 2 exercises from the address, any kind, today's quota.
    const setup = await screen.findByRole('region', { name: 'Новая тренировка' });
    expect(setup).toHaveTextContent('Past Simple');
    expect(within(setup).getByTestId('session-count')).toHaveTextContent('2');
    expect(within(setup).getByTestId('exercises-quota')).toHaveTextContent('Осталось заданий на сегодня: 30 из 30');
    await user.click(screen.getByRole('button', { name: 'Начать: 2 задания' }));

    expect(await screen.findByTestId('exercise-prompt')).toHaveTextContent('Вчера я купил хлеб.');
    expect(posts(server, '/api/exercises/generate')[0]?.body).toEqual({ topic_id: 't-past', count: 2 });
    expect(screen.getByTestId('exercises-left')).toHaveTextContent('Осталось: 2');
    expect(screen.getByTestId('session-topic')).toHaveTextContent('Тема: Past Simple · Сложность: средняя');
    expect(screen.getByText('Переведите на английский')).toBeInTheDocument();

    // Nothing to check yet.
    expect(screen.getByRole('button', { name: 'Проверить' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: /Подсказка/ }));
    expect(await screen.findByTestId('exercise-hint')).toHaveTextContent('Подсказка: buy → bought');
    await user.type(screen.getByLabelText('Ваш ответ'), 'Yesterday I buyed bread.');
    await user.click(screen.getByRole('button', { name: 'Проверить' }));

    const result = await screen.findByTestId('exercise-result');
    expect(result).toHaveAttribute('data-result', 'incorrect');
    expect(within(result).getByRole('heading', { level: 2 })).toHaveTextContent('Неверно');
    expect(result).toHaveTextContent('с подсказкой');
    expect(within(result).getByTestId('given-answer')).toHaveTextContent('Yesterday I buyed bread.');
    expect(within(result).getByTestId('correct-answer')).toHaveTextContent('Yesterday I bought bread.');
    expect(within(result).getByTestId('alternatives')).toHaveTextContent('I bought bread yesterday.');
    expect(within(result).getByTestId('explanation')).toHaveTextContent('Buy — неправильный глагол');
    expect(within(result).getByText('buyed').tagName).toBe('S');
    expect(within(result).getByText('грамматика')).toBeInTheDocument();
    expect(screen.getByTestId('exercises-left')).toHaveTextContent('Осталось: 1');
    const submitted = posts(server, '/api/exercises/e-1/submit')[0]?.body as SubmitRequest;
    expect(submitted.answer).toBe('Yesterday I buyed bread.');
    expect(submitted.choice).toBeUndefined();
    expect(typeof submitted.duration_ms).toBe('number');

    // The missed word becomes a card with one tap.
    const chip = within(result).getByRole('button', { name: /bought/ });
    await user.click(chip);
    await waitFor(() => expect(within(result).getByRole('link', { name: /bought/ })).toHaveAttribute('href', '/cards/card/c-bought'));
    expect(posts(server, '/api/cards')[0]?.body).toEqual({ front: 'bought', back: 'купил', source: 'manual' });

    await user.click(screen.getByRole('button', { name: 'Дальше' }));

    // Multiple choice: 1–4 on the keyboard pick an option.
    const options = await screen.findByRole('radiogroup', { name: 'Варианты ответа' });
    expect(within(options).getAllByRole('radio')).toHaveLength(4);
    expect(screen.queryByRole('button', { name: /Подсказка/ })).toBeNull();
    await user.keyboard('3');
    expect(within(options).getByRole('radio', { name: /went/ })).toHaveAttribute('aria-checked', 'true');
    await user.click(screen.getByRole('button', { name: 'Проверить' }));
    const second = await screen.findByTestId('exercise-result');
    await waitFor(() => expect(second).toHaveAttribute('data-result', 'correct'));
    expect(posts(server, '/api/exercises/e-choice/submit')[0]?.body).toMatchObject({ choice: 2 });
    expect(within(second).getByTestId('given-answer')).toHaveTextContent('went');
    // The learner wrote the right answer itself: no need to repeat it.
    expect(within(second).queryByTestId('correct-answer')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Итоги' }));
    const summary = await screen.findByTestId('exercise-summary');
    expect(within(summary).getByTestId('summary-correct')).toHaveTextContent('1');
    expect(within(summary).getByTestId('summary-partial')).toHaveTextContent('0');
    expect(within(summary).getByTestId('summary-incorrect')).toHaveTextContent('1');
    expect(within(summary).getByTestId('summary-accuracy')).toHaveTextContent('50%');
    expect(within(summary).getByTestId('summary-time')).toHaveTextContent(/с$/);
    const weakest = await within(summary).findByTestId('weakest-topic');
    expect(weakest).toHaveTextContent('Слабее всего пока тема «Еда»: 25%.');
    await user.click(within(weakest).getByRole('button', { name: 'Потренировать «Еда»' }));
    expect(router.state.location.search).toBe('?topic=t-food&count=2');
    expect(await screen.findByRole('region', { name: 'Новая тренировка' })).toHaveTextContent('Еда');
  });

  it('picks the size and the kind of exercises', async () => {
    const { server } = renderSession(
      { 'POST /api/exercises/generate': () => ({ body: exerciseBatch([choose]) }) },
      '/exercises/session',
    );
    const user = userEvent.setup();
    await screen.findByRole('region', { name: 'Новая тренировка' });
    expect(screen.getByTestId('session-count')).toHaveTextContent('5');
    await user.click(screen.getByRole('button', { name: 'Меньше' }));
    await user.click(screen.getByRole('button', { name: 'Меньше' }));
    await user.selectOptions(screen.getByLabelText('Какие задания'), 'multiple_choice');
    await user.click(screen.getByRole('button', { name: 'Начать: 3 задания' }));
    await screen.findByRole('radiogroup');
    // Without ?topic= the active topic.
    expect(posts(server, '/api/exercises/generate')[0]?.body).toEqual({ topic_id: 't-past', count: 3, kind: 'multiple_choice' });
  });

  it('says so when today’s exercises are used up, before asking', async () => {
    const { server } = renderSession({
      'GET /api/me': () => ({ body: me({ limits: limits({ exercises: quota({ used: 10, max: 10 }) }) }) }),
    });
    const blocked = await screen.findByTestId('exercise-quota');
    expect(blocked).toHaveTextContent('Задания на сегодня закончились');
    expect(blocked).toHaveTextContent('Сегодня использовано 10 из 10 заданий.');
    expect(posts(server, '/api/exercises/generate')).toHaveLength(0);
  });

  it('offers no more than the quota has left, and says a 429 in the interface language', async () => {
    renderSession({
      'GET /api/me': () => ({ body: me({ limits: limits({ exercises: quota({ used: 8, max: 10 }) }) }) }),
      'POST /api/exercises/generate': () => ({
        status: 429,
        body: errorBody('QUOTA_EXCEEDED', 'quota', { kind: 'exercises', used: 10, max: 10, reset_at: '2100-01-01T00:00:00Z' }),
      }),
    }, '/exercises/session?count=5');
    const user = userEvent.setup();
    await screen.findByRole('region', { name: 'Новая тренировка' });
    expect(screen.getByTestId('session-count')).toHaveTextContent('2');
    expect(screen.getByRole('button', { name: 'Больше' })).toBeDisabled();
    expect(screen.getByText('Сегодня осталось только 2 задания.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Начать: 2 задания' }));
    expect(await screen.findByTestId('exercise-quota')).toHaveTextContent('Сегодня использовано 10 из 10 заданий.');
  });

  it('shows the LLM as not configured, from Me or from a 503', async () => {
    const { server } = renderSession({
      'POST /api/exercises/generate': () => ({ status: 503, body: errorBody('LLM_NOT_CONFIGURED') }),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Начать: 2 задания' }));
    const blocked = await screen.findByTestId('exercise-not-configured');
    expect(blocked).toHaveTextContent('Упражнения недоступны');
    expect(within(blocked).getByRole('link', { name: 'К темам' })).toHaveAttribute('href', '/exercises');
    expect(posts(server, '/api/exercises/generate')).toHaveLength(1);
  });

  it('says an expired exercise has expired and offers a new session', async () => {
    const { server } = renderSession({
      'POST /api/exercises/generate': () => ({ body: exerciseBatch([translate, choose]) }),
      'POST /api/exercises/e-1/submit': () => ({ status: 404, body: errorBody('EXERCISE_NOT_FOUND') }),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Начать: 2 задания' }));
    await user.type(await screen.findByLabelText('Ваш ответ'), 'late{Enter}');
    const expired = await screen.findByTestId('exercise-expired');
    expect(expired).toHaveTextContent('Время на задание истекло');
    expect(screen.queryByTestId('exercises-left')).toBeNull();
    await user.click(within(expired).getByRole('button', { name: 'Новая тренировка' }));
    expect(await screen.findByRole('region', { name: 'Новая тренировка' })).toBeInTheDocument();
    expect(posts(server, '/api/exercises/generate')).toHaveLength(1);
  });

  it('keeps a grading failure on the exercise, to try again', async () => {
    let fail = true;
    renderSession({
      'POST /api/exercises/generate': () => ({ body: exerciseBatch([translate]) }),
      'POST /api/exercises/e-1/submit': () =>
        fail ? { status: 502, body: errorBody('LLM_SERVICE_ERROR') } : { body: submitResult() },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Начать: 2 задания' }));
    await user.type(await screen.findByLabelText('Ваш ответ'), 'Yesterday I bought bread.');
    await user.click(screen.getByRole('button', { name: 'Проверить' }));
    expect(await screen.findByText('Языковая модель не ответила. Попробуйте ещё раз через минуту.')).toBeInTheDocument();
    expect(screen.getByLabelText('Ваш ответ')).toHaveValue('Yesterday I bought bread.');
    fail = false;
    await user.click(screen.getByRole('button', { name: 'Проверить' }));
    expect(await screen.findByTestId('exercise-result')).toHaveAttribute('data-result', 'correct');
    await user.click(screen.getByRole('button', { name: 'Итоги' }));
    // Only topic practised: it is the weakest, practised again here.
    expect(await screen.findByTestId('exercise-summary')).toBeInTheDocument();
  });

  it('asks for a topic when there is no active one', async () => {
    renderSession({ 'GET /api/topics': () => ({ body: page([]) }) }, '/exercises/session');
    const blocked = await screen.findByTestId('exercise-no-topic');
    expect(blocked).toHaveTextContent('Сначала выберите тему');
    expect(within(blocked).getByRole('link', { name: 'К темам' })).toHaveAttribute('href', '/exercises');
  });

  it('says a topic named in the address no longer exists', async () => {
    renderSession({}, '/exercises/session?topic=t-gone');
    expect(await screen.findByTestId('exercise-no-topic')).toHaveTextContent('Тема не найдена');
  });

  it('asks before leaving mid-session, and a reload keeps the session', async () => {
    const routes = { 'POST /api/exercises/generate': () => ({ body: exerciseBatch([translate, choose]) }) };
    const first = renderSession(routes);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Начать: 2 задания' }));
    await screen.findByTestId('exercise-prompt');
    await act(() => first.router.navigate('/'));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('Завершить тренировку?');
    await user.click(within(dialog).getByRole('button', { name: 'Продолжить' }));
    expect(first.router.state.location.pathname).toBe('/exercises/session');

    // A reload: the batch already paid for comes back, no second generation.
    first.unmount();
    const second = renderSession(routes);
    expect(await screen.findByTestId('exercise-prompt')).toHaveTextContent('Вчера я купил хлеб.');
    expect(posts(second.server, '/api/exercises/generate')).toHaveLength(0);
  });
});
