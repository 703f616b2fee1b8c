import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import type { CardFilter, CardPatch, DeckPatch, ExportFormat, ImportFile, ImportMapping, NewCard, NewDeck } from '../api/types';
import { useApi } from '../session/SessionProvider';
import { queryKeys } from './queries';

const CARDS_PAGE = 50;

/** Decks of the active profile, or of `profileId` (a card's own profile when moving it). */
export function useDecks(options: { includeArchived?: boolean; profileId?: string } = {}) {
  const client = useApi();
  const { includeArchived = false, profileId } = options;
  return useQuery({
    queryKey: [...queryKeys.decks, 'list', profileId ?? 'active', includeArchived],
    queryFn: () => api.decks(client, { includeArchived, profileId }),
  });
}

/** New, learning and due counts for today over the whole active profile. */
export function useStudyCounts() {
  const client = useApi();
  return useQuery({ queryKey: [...queryKeys.decks, 'today'], queryFn: () => api.studyCounts(client) });
}

/** "Study more today": `n` more new cards today; every count and the queue move with it. */
export function useStudyMore() {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (n: number) => api.studyMore(client, { new_cards: n }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.decks }),
  });
}

export function useDeck(id: string) {
  const client = useApi();
  return useQuery({ queryKey: [...queryKeys.decks, 'one', id], queryFn: () => api.deck(client, id) });
}

/** Pages of cards, newest first; previous results stay visible while a new search loads. */
export function useCards(filter: Omit<CardFilter, 'limit' | 'offset'>) {
  const client = useApi();
  return useInfiniteQuery({
    queryKey: [...queryKeys.cards, 'list', filter],
    queryFn: ({ pageParam }) => api.cards(client, { ...filter, limit: CARDS_PAGE, offset: pageParam }),
    initialPageParam: 0,
    getNextPageParam: (last) =>
      last.pagination.has_more ? last.pagination.offset + last.data.length : undefined,
    placeholderData: keepPreviousData,
  });
}

export function useCard(id: string) {
  const client = useApi();
  return useQuery({ queryKey: [...queryKeys.cards, 'one', id], queryFn: () => api.card(client, id) });
}

/** Any deck or card change can move counts on every deck list, Home included. */
export function useInvalidateDecksAndCards() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.decks }),
      queryClient.invalidateQueries({ queryKey: queryKeys.cards }),
    ]);
}

export function useCreateDeck() {
  const client = useApi();
  const invalidate = useInvalidateDecksAndCards();
  return useMutation({ mutationFn: (deck: NewDeck) => api.createDeck(client, deck), onSuccess: invalidate });
}

export function usePatchDeck(id: string) {
  const client = useApi();
  const invalidate = useInvalidateDecksAndCards();
  return useMutation({ mutationFn: (patch: DeckPatch) => api.patchDeck(client, id, patch), onSuccess: invalidate });
}

export function useDeleteDeck(id: string) {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (confirm: boolean) => api.deleteDeck(client, id, confirm),
    onSuccess: () => {
      // Marked stale but not refetched: the screen leaves it, and a deleted deck would 404.
      void queryClient.invalidateQueries({ queryKey: [...queryKeys.decks, 'one', id], refetchType: 'none' });
      void queryClient.invalidateQueries({ queryKey: [...queryKeys.decks, 'list'] });
      void queryClient.invalidateQueries({ queryKey: queryKeys.cards });
    },
  });
}

/** A dry run changes nothing; a real import refreshes the deck, its counts and its cards. */
export function useImportDeck(id: string) {
  const client = useApi();
  const invalidate = useInvalidateDecksAndCards();
  return useMutation({
    mutationFn: ({ file, dryRun, mapping }: { file: ImportFile; dryRun: boolean; mapping?: ImportMapping }) =>
      api.importDeck(client, id, file, dryRun, mapping),
    onSuccess: (report) => (report.dry_run ? undefined : invalidate()),
  });
}

export function useExportDeck(id: string) {
  const client = useApi();
  return useMutation({ mutationFn: (format: ExportFormat) => api.exportDeck(client, id, format) });
}

export function useCreateCard() {
  const client = useApi();
  const invalidate = useInvalidateDecksAndCards();
  return useMutation({ mutationFn: (card: NewCard) => api.createCard(client, card), onSuccess: invalidate });
}

export function usePatchCard(id: string) {
  const client = useApi();
  const invalidate = useInvalidateDecksAndCards();
  return useMutation({ mutationFn: (patch: CardPatch) => api.patchCard(client, id, patch), onSuccess: invalidate });
}

export function useMoveCard(id: string) {
  const client = useApi();
  const invalidate = useInvalidateDecksAndCards();
  return useMutation({ mutationFn: (deckId: string) => api.moveCard(client, id, deckId), onSuccess: invalidate });
}

export function useDeleteCard(id: string) {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.deleteCard(client, id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: [...queryKeys.cards, 'one', id], refetchType: 'none' });
      void queryClient.invalidateQueries({ queryKey: [...queryKeys.cards, 'list'] });
      void queryClient.invalidateQueries({ queryKey: queryKeys.decks });
    },
  });
}
