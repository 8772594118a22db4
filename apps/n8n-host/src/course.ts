/**
 * The course path through the workflows: every lesson workflow's name starts with its two-digit
 * number in the course's order and a middle dot, `01 · Perceptron: learning the AND gate`. n8n lists
 * workflows by last update, so `start` imports them last lesson first (01 ends up on top) and prints
 * them in this order.
 */

/** `NN · ` at the start of a lesson workflow's name. */
const LESSON_NAME = /^(\d{2}) · \S/;

/** The lesson number of a workflow name (`01 · Perceptron: …` → 1); `undefined` for any other name. */
export function lessonNumber(name: string): number | undefined {
  const match = LESSON_NAME.exec(name);
  return match ? Number(match[1]) : undefined;
}

/**
 * The workflows in course order: numbered lessons first, by number, then any others by name. Does
 * not change the input.
 */
export function inCourseOrder<T extends { name: string }>(workflows: readonly T[]): T[] {
  const key = (w: T) => lessonNumber(w.name) ?? Number.POSITIVE_INFINITY;
  return [...workflows].sort((a, b) => key(a) - key(b) || a.name.localeCompare(b.name, 'en'));
}
