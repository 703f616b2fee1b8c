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

export function toggleGoal(goals: readonly Goal[], goal: Goal): Goal[] {
  return goals.includes(goal) ? goals.filter((g) => g !== goal) : [...goals, goal];
}
