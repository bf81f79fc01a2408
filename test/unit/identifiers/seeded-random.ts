/**
 * Deterministic pseudo-random numbers for property tests (mulberry32): the
 * same seed gives the same sequence on every run, so a failure reproduces.
 */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** One element of a non-empty array or string. */
  pick<T>(items: readonly T[]): T;
  pickChar(alphabet: string): string;
  /** `length` characters drawn from `alphabet`. */
  string(alphabet: string, length: number): string;
}

export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!;
  const pickChar = (alphabet: string): string => alphabet.charAt(int(0, alphabet.length - 1));
  const string = (alphabet: string, length: number): string => {
    let text = '';
    for (let index = 0; index < length; index++) text += pickChar(alphabet);
    return text;
  };
  return { next, int, pick, pickChar, string };
}

/** `value` with the character at 0-based `index` replaced by `character`. */
export function replaceAt(value: string, index: number, character: string): string {
  return value.slice(0, index) + character + value.slice(index + 1);
}
