/**
 * Kubernetes resource quantities ("500m", "1", "512Mi", "1.5Gi", "1e3"), parsed to a number of
 * base units so that limits can be compared with requests at synth time instead of at apply time.
 * Grammar: https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */

const QUANTITY = /^([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?[0-9]+)?$/;

const SUFFIX_MULTIPLIERS: Readonly<Record<string, number>> = {
  "": 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** Returns the quantity in base units (cores, bytes), or undefined when it is not a valid quantity. */
export function parseQuantity(quantity: string): number | undefined {
  const match = QUANTITY.exec(quantity);
  if (!match) {
    return undefined;
  }
  const [, digits, suffix = ""] = match;
  const value = Number(digits);
  if (/^[eE]/.test(suffix)) {
    return value * 10 ** Number(suffix.slice(1));
  }
  return value * (SUFFIX_MULTIPLIERS[suffix] ?? Number.NaN);
}

export function isQuantity(quantity: string): boolean {
  return parseQuantity(quantity) !== undefined;
}
