/**
 * The generator's state: the seeded random source, the reference date and
 * everything created so far (so numbers are unique and people can be linked).
 */
import { mulberry32, randomTools } from '../random.js';
import type { Enterprise, Household, LicenceRecord, Person } from './model.js';

export type Tools = ReturnType<typeof randomTools> & {
  /** Picks from `[item, weight]` pairs. */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
  /** `length` random digits. */
  digits(length: number): string;
};

export interface Context {
  readonly asOf: string;
  readonly tools: Tools;
  readonly persons: Person[];
  readonly households: Household[];
  readonly enterprises: Enterprise[];
  readonly licences: LicenceRecord[];
  readonly personsByKey: Map<string, Person>;
  /** Values already handed out, per namespace (ID numbers, 户号, plates …). */
  readonly used: Map<string, Set<string>>;
  /** Running counters, per namespace (identifier serials, licence numbers). */
  readonly counters: Map<string, number>;
}

export function createContext(seed: number, asOf: string): Context {
  const base = randomTools(mulberry32(seed));
  const tools: Tools = {
    ...base,
    weighted<T>(items: readonly (readonly [T, number])[]): T {
      const total = items.reduce((sum, [, weight]) => sum + weight, 0);
      let roll = base.random() * total;
      for (const [item, weight] of items) {
        roll -= weight;
        if (roll < 0) return item;
      }
      return items[items.length - 1]![0];
    },
    digits(length: number): string {
      let text = '';
      for (let index = 0; index < length; index++) text += String(base.int(0, 9));
      return text;
    },
  };
  return {
    asOf, tools, persons: [], households: [], enterprises: [], licences: [],
    personsByKey: new Map(), used: new Map(), counters: new Map(),
  };
}

/** Draws values from `make` until one is new in `namespace`. */
export function unique(context: Context, namespace: string, make: () => string): string {
  let set = context.used.get(namespace);
  if (!set) context.used.set(namespace, (set = new Set()));
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const value = make();
    if (!set.has(value)) {
      set.add(value);
      return value;
    }
  }
  throw new Error(`population: no unused value left in "${namespace}"`);
}

/** The next number (1, 2, …) in `namespace`. */
export function nextCount(context: Context, namespace: string): number {
  const value = (context.counters.get(namespace) ?? 0) + 1;
  context.counters.set(namespace, value);
  return value;
}
