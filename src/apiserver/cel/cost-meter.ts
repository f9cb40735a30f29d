// A bound on what one CEL expression may cost at run time, as kube-apiserver's per-call limit
// (celconfig.PerCallLimit: 1,000,000) cancels an evaluation with "operation cancelled: actual cost limit
// exceeded". The library counts no cost, so the values an expression reads are metered instead: each
// element of a list read and each key of a map listed costs one. That bounds what grows with the data
// (comprehensions over the request's objects, nested ones above all); the 1,000 elements a list literal
// may have bound the rest.

/** celconfig.PerCallLimit */
export const PER_CALL_LIMIT = 1_000_000;

export const COST_LIMIT_MESSAGE = 'operation cancelled: actual cost limit exceeded';

export class CostLimitExceeded extends Error {
  constructor() {
    super(COST_LIMIT_MESSAGE);
  }
}

export class CostMeter {
  private spent = 0;

  constructor(private readonly limit = PER_CALL_LIMIT) {}

  /** A new expression starts with the whole limit. */
  reset(): void {
    this.spent = 0;
  }

  charge(units: number): void {
    this.spent += units;
    if (this.spent > this.limit) throw new CostLimitExceeded();
  }
}

const isIndex = (key: string | symbol): boolean => typeof key === 'string' && key.length > 0 && key.charCodeAt(0) >= 48 && key.charCodeAt(0) <= 57;

/** `list` whose element reads are charged to `meter`. */
export function meteredList<T extends object>(list: T, meter: CostMeter): T {
  return new Proxy(list, {
    get(target, key, receiver) {
      if (isIndex(key)) meter.charge(1);
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

/** `map` whose key listings are charged to `meter`, a key each. */
export function meteredMap<T extends object>(map: T, meter: CostMeter): T {
  return new Proxy(map, {
    ownKeys(target) {
      const keys = Reflect.ownKeys(target);
      meter.charge(keys.length);
      return keys;
    },
  });
}
