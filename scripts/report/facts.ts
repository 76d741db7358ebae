import { text, type Json, type JsonObject } from "../../lib/terraform-json/terraform-json";

/** One notable setting of one resource: `replicas` = `2-10`. */
export interface Fact {
  readonly label: string;
  readonly value: string;
}

/** The notable settings of one resource of a type; `stack` is the whole stack, for what it refers to. */
export type Extractor = (body: JsonObject, stack: JsonObject) => Fact[];

/** A setting, or nothing when the value is missing or empty. */
export function fact(label: string, value: Json | undefined): Fact[] {
  const shown = typeof value === "string" ? value : text(value);
  return shown === undefined || shown === "" ? [] : [{ label, value: shown }];
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}
