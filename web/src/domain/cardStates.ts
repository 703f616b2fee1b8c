import type { CardState } from '../api/types';

/** The states of the FSRS state machine, in the order the filter offers them. */
export const CARD_STATES: readonly CardState[] = ['new', 'learning', 'review', 'relearning'];

/** A card's progress comes back with its state as a plain string (the contract's type); this tells a known one. */
export function isCardState(value: string): value is CardState {
  return (CARD_STATES as readonly string[]).includes(value);
}
