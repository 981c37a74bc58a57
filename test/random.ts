/** A seeded PRNG (mulberry32): property tests replay exactly from their seed. */
export function seededRandom(seed: number): {
  next: () => number;
  int: (n: number) => number;
  pick: <T>(xs: readonly T[]) => T;
} {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: (xs) => xs[int(xs.length)]! };
}
