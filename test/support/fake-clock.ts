// A clock tests move by hand, so that nothing waits for time to pass.
import type { Clock } from '../../src/lib/clock.ts';

export interface FakeClock extends Clock {
  advance(ms: number): void;
}

/** Starts at a whole second near the real time, so that file times it sets look ordinary. */
export function fakeClock(start = Math.floor(Date.now() / 1000) * 1000): FakeClock {
  let now = start;
  return {
    now: () => new Date(now),
    advance: (ms) => {
      now += ms;
    },
  };
}
