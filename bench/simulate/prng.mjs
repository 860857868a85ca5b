/**
 * The simulation's seeded randomness: mulberry32 (a small 32-bit PRNG), a standard normal draw
 * (Box-Muller) and log-normal durations. Same seed, same population, same histories.
 */
import { seededRandom } from '../../dist/util/random.js';

/** A mulberry32 generator: returns a function giving uniform numbers in [0, 1) (the kit's own, from dist). */
export const mulberry32 = seededRandom;

/** A standard normal draw from two uniform ones (Box-Muller). */
export function normal(rand) {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A log-normal draw whose median is `median` and whose log has standard deviation `sigma`. */
export function logNormal(rand, median, sigma) {
  return median * Math.exp(sigma * normal(rand));
}

/** A uniform draw in [lo, hi). */
export function uniform(rand, lo, hi) {
  return lo + (hi - lo) * rand();
}
