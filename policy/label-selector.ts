import { blocks, mapAt, stringAt, stringsAt, type JsonObject } from "../lib/terraform-json/terraform-json";

/**
 * Whether a label selector (`match_labels` and `match_expressions`) selects pods with these
 * labels. An empty selector selects every pod, as in Kubernetes; a missing one selects none.
 */
export function selectorMatches(selector: JsonObject | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (selector === undefined) {
    return false;
  }
  const required = mapAt(selector, "match_labels");
  if (Object.entries(required).some(([key, value]) => labels[key] !== value)) {
    return false;
  }
  return blocks(selector.match_expressions).every((expression) => {
    const key = stringAt(expression, "key") ?? "";
    const values = stringsAt(expression, "values");
    const value = labels[key];
    switch (stringAt(expression, "operator")) {
      case "In":
        return value !== undefined && values.includes(value);
      case "NotIn":
        return value === undefined || !values.includes(value);
      case "Exists":
        return value !== undefined;
      case "DoesNotExist":
        return value === undefined;
      default:
        return false;
    }
  });
}
