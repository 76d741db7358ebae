// The module's exports are needed to reach cdktf's process-wide token registry.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import tokenMapModule = require("cdktf/lib/tokens/private/token-map");

/** The two insertion-ordered registries of cdktf 0.21's `TokenMap` (lib/tokens/private/token-map.js). */
interface TokenRegistries {
  readonly stringTokenMap: Map<string, unknown>;
  readonly numberTokenMap: Map<number, unknown>;
}

function registries(): TokenRegistries | undefined {
  const instance: unknown = tokenMapModule.TokenMap.instance();
  const candidate = instance as Partial<TokenRegistries>;
  return candidate.stringTokenMap instanceof Map && candidate.numberTokenMap instanceof Map
    ? (candidate as TokenRegistries)
    : undefined;
}

/**
 * Marks cdktf's token registry; the returned function forgets every token registered since.
 *
 * cdktf registers each token (every attribute reference, every `Lazy`) in one process-wide map
 * that is never emptied, and each token holds its construct, so a construct tree stays in memory
 * after its stack was written. Stacks here share no token (no cross-stack references), so once a
 * service's stacks are written their tokens are dead: forgetting them lets the garbage collector
 * free the trees, and a fleet synthesizes in memory that does not grow with its size. The maps
 * keep insertion order, and marks are released innermost first, so what is forgotten is exactly
 * what was added after the mark. With an unknown cdktf (no such maps) nothing is forgotten.
 */
export function markTokenRegistry(): () => void {
  const found = registries();
  if (found === undefined) {
    return () => undefined;
  }
  const sizes = { strings: found.stringTokenMap.size, numbers: found.numberTokenMap.size };
  return () => {
    forgetAfter(found.stringTokenMap, sizes.strings);
    forgetAfter(found.numberTokenMap, sizes.numbers);
  };
}

function forgetAfter<K>(map: Map<K, unknown>, keep: number): void {
  let index = 0;
  for (const key of [...map.keys()]) {
    if (index >= keep) map.delete(key);
    index += 1;
  }
}
