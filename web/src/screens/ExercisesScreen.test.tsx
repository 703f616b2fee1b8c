import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { NewTopic, Topic } from '../api/types';
import { attempt, errorBody, me, page, practised, stubFetch, topic } from '../test/apiStub';
import { renderScreen } from '../test/renderApp';
import { ExercisesScreen } from './ExercisesScreen';

const past = practised(topic(), 5, 0.7);
const food = topic({ id: 't-food', name: 'Еда', description: null, kind: 'vocabulary', is_active: false });
const travel = practised(topic({ id: 't-travel', name: 'В аэропорту', kind: 'situation', is_active: false }), 21, 0.9);

function renderExercises(routes: Parameters<typeof stubFetch>[0], path = '/exercises', lang: 'ru' | 'en' = 'ru') {
  const server = stubFetch({ 'GET /api/me': () => ({ body: me() }), ...routes });
  const view = renderScreen(<ExercisesScreen />, { fetchFn: server.fetchFn, path, route: '/exercises', lang });
  return { server, ...view };
}

const row = (name: string) => screen.getByText(name, { selector: '.topic-name' }).closest('li') as HTMLElement;

describe('ExercisesScreen: topics', () => {
  it('lists topics with accuracy, attempts in Russian plurals and the active one marked', async () => {
    renderExercises({ 'GET /api/topics': () => ({ body: page([past, food, travel]) }) });
    expect(await screen.findByText('Past Simple', { selector: '.topic-name' })).toBeInTheDocument();
    expect(within(row('Past Simple')).getByTestId('topic-accuracy')).toHaveTextContent('Точность 70% · 5 попыток');
    expect(within(row('В аэропорту')).getByTestId('topic-accuracy')).toHaveTextContent('Точность 90% · 21 попытка');
    expect(within(row('Еда')).getByTestId('topic-accuracy')).toHaveTextContent('Ещё не практиковались');
    expect(within(row('Past Simple')).getByText('активная')).toBeInTheDocument();
    expect(within(row('Еда')).queryByText('активная')).toBeNull();
    expect(within(row('Еда')).getByText('лексика')).toBeInTheDocument();
    // Practise the active topic, or any other.
    expect(screen.getByTestId('practice')).toHaveTextContent('Активная тема: Past Simple');
    expect(screen.getByTestId('practice-start')).toHaveAttribute('href', '/exercises/session?topic=t-past');
    expect(within(row('Еда')).getByRole('link', { name: 'Практиковать' })).toHaveAttribute('href', '/exercises/session?topic=t-food');
    expect(await screen.findByTestId('exercises-quota')).toHaveTextContent('Осталось заданий на сегодня: 30 из 30');
  });

  it('says attempts in English too', async () => {
    renderExercises({ 'GET /api/topics': () => ({ body: page([practised(topic(), 1, 1)]) }) }, '/exercises', 'en');
    expect(await screen.findByTestId('topic-accuracy')).toHaveTextContent('Accuracy 100% · 1 attempt');
  });

  it('activates a topic', async () => {
    let activeId = 't-past';
    const { server } = renderExercises({
      'GET /api/topics': () => ({
        body: page([past, food].map((t) => ({ ...t, is_active: t.id === activeId })).sort((a) => (a.is_active ? -1 : 1))),
      }),
      'POST /api/topics/t-food/activate': () => {
        activeId = 't-food';
        return { body: { ...food, is_active: true } };
      },
    });
    const user = userEvent.setup();
    await screen.findByText('Еда', { selector: '.topic-name' });
    await user.click(within(row('Еда')).getByRole('button', { name: 'Сделать активной' }));
    await waitFor(() => expect(screen.getByTestId('practice')).toHaveTextContent('Активная тема: Еда'));
    expect(within(row('Past Simple')).getByRole('button', { name: 'Сделать активной' })).toBeInTheDocument();
    expect(server.requests.filter((r) => r.method === 'POST' && r.path === '/api/topics/t-food/activate')).toHaveLength(1);
  });

  it('edits a topic, sending only what changed', async () => {
    let current: Topic = food;
    const { server } = renderExercises({
      'GET /api/topics': () => ({ body: page([past, current]) }),
      'PATCH /api/topics/t-food': (r) => {
        current = { ...current, ...(r.body as Partial<Topic>) };
        return { body: current };
      },
    });
    const user = userEvent.setup();
    await screen.findByText('Еда', { selector: '.topic-name' });
    await user.click(within(row('Еда')).getByRole('button', { name: 'Изменить' }));
    const form = screen.getByRole('form', { name: 'Изменить тему' });
    const name = within(form).getByLabelText('Название *');
    await user.clear(name);
    await user.type(name, 'Еда и напитки');
    await user.type(within(form).getByLabelText('Описание'), 'В кафе');
    await user.click(within(form).getByRole('button', { name: 'Сохранить' }));
    expect(await screen.findByText('Еда и напитки', { selector: '.topic-name' })).toBeInTheDocument();
    expect(server.requests.find((r) => r.method === 'PATCH')?.body).toEqual({ name: 'Еда и напитки', description: 'В кафе' });
    expect(screen.queryByRole('form', { name: 'Изменить тему' })).toBeNull();
  });

  it('deletes a topic only after confirming', async () => {
    let topics = [past, food];
    const { server } = renderExercises({
      'GET /api/topics': () => ({ body: page(topics) }),
      'DELETE /api/topics/t-food': () => {
        topics = [past];
        return { status: 204 };
      },
    });
    const user = userEvent.setup();
    await screen.findByText('Еда', { selector: '.topic-name' });
    await user.click(within(row('Еда')).getByRole('button', { name: 'Удалить' }));
    const confirm = screen.getByRole('alertdialog');
    expect(confirm).toHaveTextContent('Удалить тему «Еда»? Выполненные задания останутся в истории.');
    await user.click(within(confirm).getByRole('button', { name: 'Отмена' }));
    expect(server.requests.some((r) => r.method === 'DELETE')).toBe(false);
    await user.click(within(row('Еда')).getByRole('button', { name: 'Удалить' }));
    await user.click(screen.getByRole('button', { name: 'Да, удалить' }));
    await waitFor(() => expect(screen.queryByText('Еда', { selector: '.topic-name' })).toBeNull());
    expect(server.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
  });

  it('adds a topic by hand; a taken name is said under the field', async () => {
    let topics = [past];
    const { server } = renderExercises({
      'GET /api/topics': () => ({ body: page(topics) }),
      'POST /api/topics': (r) => {
        const body = r.body as NewTopic;
        if (body.name === 'Past Simple') {
          return { status: 409, body: errorBody('CONFLICT', 'taken', { field: 'name' }) };
        }
        const created = topic({ id: 't-new', name: body.name, kind: body.kind, is_active: false });
        topics = [...topics, created];
        return { status: 201, body: created };
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('add-topic'));
    const form = screen.getByRole('form', { name: 'Добавить тему' });
    // Nothing is sent without a name.
    await user.click(within(form).getByRole('button', { name: 'Добавить' }));
    expect(within(form).getByText('Введите название: от 1 до 100 символов.')).toBeInTheDocument();
    await user.type(within(form).getByLabelText('Название *'), 'Past Simple');
    await user.click(within(form).getByRole('button', { name: 'Добавить' }));
    expect(await within(form).findByText('Тема с таким названием уже есть.')).toBeInTheDocument();
    await user.clear(within(form).getByLabelText('Название *'));
    await user.type(within(form).getByLabelText('Название *'), 'Артикли');
    await user.selectOptions(within(form).getByLabelText('Вид темы'), 'vocabulary');
    await user.click(within(form).getByRole('button', { name: 'Добавить' }));
    expect(await screen.findByText('Артикли', { selector: '.topic-name' })).toBeInTheDocument();
    expect(server.requests.filter((r) => r.method === 'POST').at(-1)?.body).toEqual({ name: 'Артикли', kind: 'vocabulary' });
  });

  it('suggests topics and adds one with a tap', async () => {
    let topics: Topic[] = [];
    const { server } = renderExercises({
      'GET /api/topics': () => ({ body: page(topics) }),
      'POST /api/topics/suggest': () => ({
        body: {
          suggestions: [
            { name: 'Past Simple', description: 'Прошедшее время', kind: 'grammar' },
            { name: 'В ресторане', description: 'Заказать еду', kind: 'situation' },
          ],
        },
      }),
      'POST /api/topics': (r) => {
        const body = r.body as NewTopic;
        const created = topic({ id: 't-new', name: body.name, kind: body.kind, description: body.description ?? null });
        topics = [created];
        return { status: 201, body: created };
      },
    });
    const user = userEvent.setup();
    // Empty: suggest and add are offered.
    expect(await screen.findByText(/Тем пока нет/)).toBeInTheDocument();
    expect(screen.getByTestId('add-topic')).toBeInTheDocument();
    await user.click(screen.getByTestId('suggest-topics'));
    const list = await screen.findByTestId('topic-suggestions');
    const restaurant = await within(list).findByRole('button', { name: /В ресторане/ });
    expect(restaurant).toHaveTextContent('ситуация');
    await user.click(restaurant);
    await waitFor(() => expect(restaurant).toHaveAttribute('data-state', 'added'));
    expect(restaurant).toHaveTextContent('добавлена');
    expect(server.requests.find((r) => r.path === '/api/topics' && r.method === 'POST')?.body).toEqual({
      name: 'В ресторане',
      kind: 'situation',
      description: 'Заказать еду',
    });
    expect(await screen.findByText('В ресторане', { selector: '.topic-name' })).toBeInTheDocument();
    expect(screen.getByTestId('practice')).toHaveTextContent('Активная тема: В ресторане');
    // The list replaced the empty state; the suggestions stayed open and still say "added".
    const again = within(screen.getByTestId('topic-suggestions')).getByRole('button', { name: /В ресторане/ });
    expect(again).toHaveAttribute('data-state', 'added');
  });

  it('shows a topic already there as such among the suggestions', async () => {
    renderExercises({
      'GET /api/topics': () => ({ body: page([past]) }),
      'POST /api/topics/suggest': () => ({
        body: { suggestions: [{ name: 'past simple', description: 'x', kind: 'grammar' }] },
      }),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('suggest-topics'));
    const button = await screen.findByRole('button', { name: /past simple/ });
    expect(button).toBeDisabled();
    expect(button).toHaveTextContent('уже есть');
  });

  it('disables suggestions with the reason when the server has no LLM', async () => {
    const { server } = renderExercises({
      'GET /api/me': () => ({ body: me({ features: { llm: false, speech: false } }) }),
      'GET /api/topics': () => ({ body: page([]) }),
    });
    const button = await screen.findByTestId('suggest-topics');
    await waitFor(() => expect(button).toBeDisabled());
    expect(screen.getByTestId('suggest-unavailable')).toHaveTextContent('Подбор тем недоступен');
    expect(button).toHaveAccessibleDescription(/Подбор тем недоступен/);
    expect(server.requests.some((r) => r.path === '/api/topics/suggest')).toBe(false);
  });

  it('says a failed suggestion in the interface language, with retry', async () => {
    let fail = true;
    renderExercises({
      'GET /api/topics': () => ({ body: page([]) }),
      'POST /api/topics/suggest': () =>
        fail
          ? { status: 502, body: errorBody('LLM_SERVICE_ERROR', 'upstream') }
          : { body: { suggestions: [{ name: 'Артикли', description: 'a/the', kind: 'grammar' }] } },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('suggest-topics'));
    expect(await screen.findByText('Языковая модель не ответила. Попробуйте ещё раз через минуту.')).toBeInTheDocument();
    fail = false;
    await user.click(screen.getByRole('button', { name: 'Повторить' }));
    expect(await screen.findByRole('button', { name: /Артикли/ })).toBeInTheDocument();
  });

  it('shows a load error with retry', async () => {
    let fail = true;
    renderExercises({
      'GET /api/topics': () => (fail ? { status: 500, body: errorBody('INTERNAL') } : { body: page([past]) }),
    });
    const user = userEvent.setup();
    // The query retries once before giving up.
    const alert = await screen.findByRole('alert', {}, { timeout: 4000 });
    expect(alert).toHaveTextContent('На сервере произошла ошибка. Попробуйте ещё раз чуть позже.');
    fail = false;
    await user.click(screen.getByRole('button', { name: 'Повторить' }));
    expect(await screen.findByText('Past Simple', { selector: '.topic-name' })).toBeInTheDocument();
  });
});

describe('ExercisesScreen: history', () => {
  it('pages attempts and filters them by topic and result', async () => {
    const many = Array.from({ length: 20 }, (_, i) => attempt({ id: `a-${i}`, prompt: `Фраза ${i}` }));
    const { server } = renderExercises(
      {
        'GET /api/topics': () => ({ body: page([past, food]) }),
        'GET /api/exercises/history': (r) => {
          if (r.query.result === 'correct') {
            return { body: page([attempt({ id: 'ok', result: 'correct', prompt: 'Верная фраза', user_answer: 'Yes' })]) };
          }
          if (r.query.topic_id === 't-food') return { body: page([]) };
          const offset = Number(r.query.offset);
          const data = offset === 0 ? many : [attempt({ id: 'a-last', prompt: 'Последняя', topic_name: null, topic_id: null })];
          return { body: { data, pagination: { limit: 20, offset, total: 21, has_more: offset === 0 } } };
        },
      },
      '/exercises?tab=history',
    );
    const user = userEvent.setup();
    expect(await screen.findByText('Фраза 0')).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'История' })).toHaveAttribute('aria-selected', 'true');
    const first = screen.getAllByTestId('attempt')[0] as HTMLElement;
    expect(first).toHaveTextContent('неверно');
    expect(first).toHaveTextContent('Ваш ответ: Yesterday I buyed bread.');
    expect(first).toHaveTextContent('Правильно: Yesterday I bought bread.');
    await user.click(within(first).getByText('Объяснение'));
    expect(within(first).getByText('buyed')).toBeInTheDocument();
    expect(within(first).getByText('грамматика')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Показать ещё' }));
    expect(await screen.findByText('Последняя')).toBeInTheDocument();
    expect(screen.getByText('тема удалена')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Показать ещё' })).toBeNull();

    await user.selectOptions(screen.getByLabelText('Результат'), 'correct');
    expect(await screen.findByText('Верная фраза')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByText('Фраза 0')).toBeNull());
    expect(server.requests.filter((r) => r.path === '/api/exercises/history').at(-1)?.query).toMatchObject({ result: 'correct' });

    await user.selectOptions(screen.getByLabelText('Результат'), '');
    await user.selectOptions(screen.getByLabelText('Тема'), 't-food');
    expect(await screen.findByText('Ничего не найдено.')).toBeInTheDocument();
  });

  it('offers a first session when there is no history', async () => {
    renderExercises(
      {
        'GET /api/topics': () => ({ body: page([past]) }),
        'GET /api/exercises/history': () => ({ body: page([]) }),
      },
      '/exercises?tab=history',
    );
    expect(await screen.findByText('Вы ещё не выполняли упражнений.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Начать первую тренировку' })).toHaveAttribute('href', '/exercises/session');
  });

  it('switches tabs', async () => {
    const { router } = renderExercises({
      'GET /api/topics': () => ({ body: page([past]) }),
      'GET /api/exercises/history': () => ({ body: page([attempt()]) }),
    });
    const user = userEvent.setup();
    await screen.findByText('Past Simple', { selector: '.topic-name' });
    await user.click(screen.getByRole('tab', { name: 'История' }));
    expect(await screen.findByTestId('attempt')).toBeInTheDocument();
    expect(router.state.location.search).toBe('?tab=history');
    await user.click(screen.getByRole('tab', { name: 'Темы' }));
    expect(await screen.findByText('Past Simple', { selector: '.topic-name' })).toBeInTheDocument();
  });
});
