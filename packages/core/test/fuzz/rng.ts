/**
 * A seeded random source for the fuzzer (mulberry32 from core, plus the few helpers the
 * generators need). Everything random in a fuzz run draws from one of these, so a seed
 * reproduces the run exactly.
 */
import { createRandom } from "@converge/core/internal";

/** Seeded random helpers. */
export class Rng {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = createRandom(seed);
  }

  /** A float in [0, 1). */
  float(): number {
    return this.next();
  }

  /** An integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** An index drawn with the given non-negative weights. */
  weighted(weights: readonly number[]): number {
    const total = weights.reduce((a, b) => a + b, 0);
    let x = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i] ?? 0;
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  /** A fresh seed for a derived generator. */
  fork(): Rng {
    return new Rng(Math.floor(this.next() * 0x7fffffff));
  }
}
