import { parseQuantity } from "../../lib/domain/quantity";
import type { ResourceAmounts } from "../../lib/domain/service-defaults";

export type { ResourceAmounts };

const API_NAMES: Readonly<Record<keyof ResourceAmounts, string>> = {
  cpu: "cpu",
  memory: "memory",
  ephemeralStorage: "ephemeral-storage",
};

/** The amounts under the names the Kubernetes API uses (`ephemeral-storage`), optionally prefixed. */
export function apiResourceNames(amounts: Partial<ResourceAmounts>, prefix = ""): Record<string, string> {
  const named: Record<string, string> = {};
  for (const key of Object.keys(API_NAMES) as (keyof ResourceAmounts)[]) {
    const value = amounts[key];
    if (value !== undefined) {
      named[`${prefix}${API_NAMES[key]}`] = value;
    }
  }
  return named;
}

/** Throws, naming the field, when an amount is not a Kubernetes quantity. */
export function requireQuantities(field: string, amounts: Partial<ResourceAmounts>): void {
  for (const [key, value] of Object.entries(amounts)) {
    if (value !== undefined && parseQuantity(value) === undefined) {
      throw new Error(`${field}.${key} must be a Kubernetes quantity such as '250m' or '256Mi' (got '${value}')`);
    }
  }
}
