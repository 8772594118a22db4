import { describe, expect, it } from 'vitest';
import { inCourseOrder, lessonNumber } from './course.js';

describe('lessonNumber', () => {
  it('reads the two-digit number before " · "', () => {
    expect(lessonNumber('01 · Perceptron: learning the AND gate')).toBe(1);
    expect(lessonNumber('19 · Agent: a course assistant with Firth tools')).toBe(19);
  });

  it('is undefined for a name without one', () => {
    for (const name of ['Perceptron: the AND gate', '1 · Perceptron', '01 Perceptron', '01 · ', '001 · x'])
      expect(lessonNumber(name), name).toBeUndefined();
  });
});

describe('inCourseOrder', () => {
  it('puts the numbered lessons first, by number, then the others by name, and leaves the input as it was', () => {
    const workflows = [
      { name: 'Scale path' },
      { name: '10 · Transformers' },
      { name: '02 · MLP' },
      { name: 'Another' },
      { name: '01 · Perceptron' },
    ];
    expect(inCourseOrder(workflows).map((w) => w.name)).toEqual([
      '01 · Perceptron',
      '02 · MLP',
      '10 · Transformers',
      'Another',
      'Scale path',
    ]);
    expect(workflows[0]?.name).toBe('Scale path');
  });
});
