import type { Level } from '../api/types';

export const LEVELS: readonly Level[] = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2'];

/** Profiles come back with the level as a plain string (the contract's type); this tells a known one. */
export function isLevel(value: string): value is Level {
  return (LEVELS as readonly string[]).includes(value);
}

/** A profile's level as the pickers know it; one the app does not know reads as A1. */
export function toLevel(value: string): Level {
  return isLevel(value) ? value : 'A1';
}

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
