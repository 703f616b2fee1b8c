import type { Goal } from '../api/types';

export const GOALS: readonly Goal[] = [
  'travel',
  'work',
  'study',
  'exams',
  'conversation',
  'culture',
  'relocation',
  'hobby',
];

/** Profiles come back with goals as plain strings (the contract's type); this tells a known one. */
export function isGoal(value: string): value is Goal {
  return (GOALS as readonly string[]).includes(value);
}

export function toggleGoal(goals: readonly Goal[], goal: Goal): Goal[] {
  return goals.includes(goal) ? goals.filter((g) => g !== goal) : [...goals, goal];
}
