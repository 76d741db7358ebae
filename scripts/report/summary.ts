import { fact, plural, type Extractor, type Fact } from "./facts";
import { GITHUB_EXTRACTORS } from "./github-settings";
import { KUBERNETES_EXTRACTORS } from "./kubernetes-settings";
import { formatTable } from "./table";
import {
  at,
  isObject,
  qualifiedType,
  terraformBlocks,
  text,
  type Block,
  type Json,
  type JsonObject,
} from "../../lib/terraform-json/terraform-json";

/** One row of a stack summary: a resource (or `data.`) type, how many, and what stands out. */
export interface TypeSummary {
  readonly type: string;
  readonly count: number;
  readonly settings: string;
}

const EXTRACTORS: Readonly<Record<string, Extractor>> = { ...GITHUB_EXTRACTORS, ...KUBERNETES_EXTRACTORS };

/** At most this many distinct values per setting; beyond, one fewer and the rest counted. */
const MAX_VALUES = 4;
/** A value of at most this many resources names them; more are counted. */
const MAX_OWNERS = 3;

/**
 * What a stack will hold, one row per resource type: the count and the settings a reviewer
 * looks for. Types without an extractor are still counted and named, so nothing is hidden.
 */
export function summarizeStack(stack: JsonObject): TypeSummary[] {
  const byType = new Map<string, Block[]>();
  for (const entry of terraformBlocks(stack)) {
    const type = qualifiedType(entry);
    byType.set(type, [...(byType.get(type) ?? []), entry]);
  }
  return [...byType].map(([type, entries]) => {
    const extract = EXTRACTORS[withoutVersion(type)] ?? (() => []);
    const facts = entries.flatMap((entry, resource) => {
      const owner = ownerOf(entry);
      return [...fact(owner.label, owner.name), ...extract(entry.body, stack)].map((found) => ({
        ...found,
        resource,
        owner: owner.name,
      }));
    });
    return { type, count: entries.length, settings: formatFacts(facts, entries.length) };
  });
}

/** `kubernetes_deployment_v1` and `kubernetes_deployment` read the same way. */
function withoutVersion(type: string): string {
  return type.replace(/_v\d+$/, "");
}

/**
 * The name people know a resource by, and what it names: the Kubernetes object's name, the
 * looked-up image, user or team, the repository a GitHub setting belongs to, or Terraform's name.
 */
function ownerOf(entry: Block): { readonly label: string; readonly name: string } {
  const body = entry.body;
  const candidates: [string, Json | undefined][] = [
    ["names", at(body, "metadata", "name")],
    ["images", qualifiedType(entry) === "data.docker_registry_image" ? body.name : undefined],
    ["users", body.username],
    ["teams", body.slug],
    ["repositories", body.repository],
    ["names", body.name],
  ];
  for (const [label, value] of candidates) {
    const name = text(value);
    if (name !== undefined) return { label, name };
  }
  return { label: "names", name: entry.name };
}

/** A fact of one resource of a type: which resource (its index), and the name people know it by. */
export interface OwnedFact extends Fact {
  readonly resource: number;
  readonly owner: string;
}

/**
 * `label: value, value (owner), value (×12)`, settings separated by `; `. A value every resource
 * of the type shares is shown bare; otherwise the resources it applies to are named, or counted
 * when there are many.
 */
export function formatFacts(facts: readonly OwnedFact[], resourceCount: number): string {
  const byLabel = new Map<string, Map<string, OwnedFact[]>>();
  for (const fact of facts) {
    const values = byLabel.get(fact.label) ?? new Map<string, OwnedFact[]>();
    values.set(fact.value, [...(values.get(fact.value) ?? []), fact]);
    byLabel.set(fact.label, values);
  }
  const allOwners = new Set(facts.map((fact) => fact.owner));
  return [...byLabel]
    .map(([label, values]) => {
      const shown = [...values]
        .slice(0, values.size > MAX_VALUES ? MAX_VALUES - 1 : MAX_VALUES)
        .map(([value, holders]) => {
          const resources = new Set(holders.map((holder) => holder.resource));
          if (resources.size === resourceCount) return value;
          const owners = [...new Set(holders.map((holder) => holder.owner))];
          if (allOwners.size <= 1 || (owners.length === 1 && owners[0] === value)) return value;
          return owners.length <= MAX_OWNERS ? `${value} (${owners.join(", ")})` : `${value} (×${resources.size})`;
        });
      const more = values.size > MAX_VALUES ? [`+${values.size - MAX_VALUES + 1} more`] : [];
      return `${label}: ${[...shown, ...more].join(", ")}`;
    })
    .join("; ");
}

/** The Markdown summary of one stack: a heading naming its state, then the table. */
export function stackSummaryMarkdown(id: string, stack: JsonObject): string {
  const rows = summarizeStack(stack);
  const resources = rows.filter((row) => !row.type.startsWith("data.")).reduce((sum, row) => sum + row.count, 0);
  const lookups = rows.filter((row) => row.type.startsWith("data.")).reduce((sum, row) => sum + row.count, 0);
  const workspace = text(at(stack, "terraform", "cloud", "workspaces", "name"));
  const variables = Object.values(isObject(stack.variable) ? stack.variable : {});
  const sensitive = variables.filter((body) => at(body, "sensitive") === true).length;
  return [
    `### \`${id}\`: ${plural(resources, "resource")}, ${plural(lookups, "data source")}`,
    "",
    `State: ${workspace === undefined ? "local file" : `Terraform Cloud workspace \`${workspace}\``}. ` +
      `Inputs: ${plural(variables.length, "variable")} (${sensitive} sensitive; \`npm run vars\` lists them).`,
    "",
    rows.length === 0
      ? "Nothing."
      : formatTable(
          ["resource", "count", "notable settings"],
          rows.map((row) => [row.type, String(row.count), row.settings]),
        ),
  ].join("\n");
}
