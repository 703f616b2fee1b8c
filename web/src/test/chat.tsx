import { screen } from '@testing-library/react';
import { ChatScreen } from '../screens/ChatScreen';
import { me, message, stubFetch, type RecordedRequest } from './apiStub';
import { renderScreen } from './renderApp';

/** Fixtures shared by the tutor screen's tests. */
type Routes = Parameters<typeof stubFetch>[0];

export const question = message({ id: 'm-1', content: 'Как сказать «дом»?' });
export const answer = message({
  id: 'm-2',
  role: 'assistant',
  content: 'Отличный вопрос!\n«Casa» значит «дом».',
  words: [{ word: 'la casa', translation: 'дом', note: 'f.' }],
});

/** `/chat` over the stubbed routes, Me included unless a route replaces it. */
export function renderChat(routes: Routes) {
  const server = stubFetch({ 'GET /api/me': () => ({ body: me() }), ...routes });
  const view = renderScreen(<ChatScreen />, { fetchFn: server.fetchFn, path: '/chat' });
  return { server, ...view };
}

export const input = () => screen.getByRole('textbox', { name: 'Сообщение репетитору' });
export const chatPosts = (requests: RecordedRequest[]) => requests.filter((r) => r.path === '/api/sessions/chat');
