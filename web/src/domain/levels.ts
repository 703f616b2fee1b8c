import type { Level } from '../api/types';

export const LEVELS: readonly Level[] = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2'];

export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}

/** The server rejects target < current with 400 TARGET_BELOW_CURRENT; the UI prevents it. */
export function isTargetAllowed(current: Level, target: Level): boolean {
  return levelRank(target) >= levelRank(current);
}

/** Keeps the target level valid after the current level changes. */
export function adjustTarget(current: Level, target: Level): Level {
  return isTargetAllowed(current, target) ? target : current;
}
