import * as fs from "node:fs";
import * as path from "node:path";
import { at, isObject, text } from "../../lib/terraform-json/terraform-json";
import { isClusterStackId } from "../../lib/domain";

/** A stack of a synthesized output directory, as the delivery compares it. */
export interface OutputStack {
  readonly id: string;
  /** The stack's working directory relative to the output directory (`stacks/<id>`): what a run uploads. */
  readonly directory: string;
  /** The exact text of its `cdk.tf.json`. */
  readonly text: string;
  /** `terraform.cloud.workspaces.name`; absent for a stack with local state. */
  readonly workspace?: string;
  /** The stacks it depends on (`stack.addDependency`, recorded in manifest.json). */
  readonly dependencies: readonly string[];
}

/** The stacks of one synthesized output directory, by id. */
export interface SynthesizedOutput {
  readonly outdir: string;
  readonly stacks: ReadonlyMap<string, OutputStack>;
}

/** A bad output tree or dependency graph: reported by its message alone. */
export class DeliveryPlanError extends Error {}

/**
 * Reads every stack cdktf's `manifest.json` lists (`stacks.<id>.synthesizedStackPath`,
 * `workingDirectory`, `dependencies`). Fails, naming the file, when the manifest or a stack file
 * is missing or malformed.
 */
export function readOutput(outdir: string): SynthesizedOutput {
  const manifestFile = path.join(outdir, "manifest.json");
  if (!fs.existsSync(manifestFile)) {
    throw new DeliveryPlanError(`${manifestFile} not found: synthesize first (npm run synth)`);
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8"));
  } catch (error) {
    throw new DeliveryPlanError(`${manifestFile} is not JSON: ${(error as Error).message}`);
  }
  const entries = isObject(manifest) && isObject(manifest.stacks) ? manifest.stacks : undefined;
  if (entries === undefined) {
    throw new DeliveryPlanError(`${manifestFile} has no "stacks" object`);
  }
  const stacks = new Map<string, OutputStack>();
  for (const id of Object.keys(entries).sort()) {
    const entry = entries[id];
    const file = isObject(entry) ? entry.synthesizedStackPath : undefined;
    const directory = isObject(entry) ? entry.workingDirectory : undefined;
    const dependencies = isObject(entry) ? (entry.dependencies ?? []) : undefined;
    if (
      typeof file !== "string" ||
      typeof directory !== "string" ||
      !Array.isArray(dependencies) ||
      !dependencies.every((dependency) => typeof dependency === "string")
    ) {
      throw new DeliveryPlanError(
        `${manifestFile}: stack '${id}' needs synthesizedStackPath and workingDirectory (strings) and dependencies (a list of stack ids)`,
      );
    }
    const stackFile = path.join(outdir, file);
    if (!fs.existsSync(stackFile)) {
      throw new DeliveryPlanError(`${manifestFile} lists stack '${id}', but ${stackFile} does not exist`);
    }
    const stackText = fs.readFileSync(stackFile, "utf8");
    let json: unknown;
    try {
      json = JSON.parse(stackText);
    } catch (error) {
      throw new DeliveryPlanError(`${stackFile} is not JSON: ${(error as Error).message}`);
    }
    const workspace = text(at(isObject(json) ? json : {}, "terraform", "cloud", "workspaces", "name"));
    stacks.set(id, {
      id,
      directory,
      text: stackText,
      ...(workspace === undefined ? {} : { workspace }),
      dependencies: [...dependencies].sort(),
    });
  }
  return { outdir, stacks };
}

/** A stack the delivery starts a Terraform Cloud run for. */
export interface DeliveredStack {
  readonly stack: string;
  readonly workspace: string;
  /** Relative to the head output directory. */
  readonly directory: string;
  readonly change: "changed" | "new";
}

/** A changed stack the pipeline lists but does not run, and why. */
export interface HeldStack {
  readonly stack: string;
  readonly workspace?: string;
  readonly change: "changed" | "new";
  readonly reason: string;
}

/** A stack the base output has and the head output does not. */
export interface RemovedStack {
  readonly stack: string;
  readonly workspace?: string;
}

export interface DeliveryPlan {
  /** Runs level by level: every stack of a level after every changed stack it depends on; stack ids sorted within a level. */
  readonly levels: readonly (readonly DeliveredStack[])[];
  readonly notRun: readonly HeldStack[];
  /** Never destroyed by the pipeline. */
  readonly removed: readonly RemovedStack[];
  readonly unchanged: readonly string[];
}

/**
 * What a delivery runs: the head stacks whose `cdk.tf.json` text differs from the base's, or that
 * the base lacks (every stack without a base), in dependency order. Stacks with local state and
 * cluster stacks are listed but not run, and so is every stack that depends on one of them while
 * it changed: that dependency has to be applied by a person first.
 */
export function planDelivery(base: SynthesizedOutput | undefined, head: SynthesizedOutput): DeliveryPlan {
  validateGraph(head);
  const changes = new Map<string, "changed" | "new">();
  const unchanged: string[] = [];
  for (const stack of head.stacks.values()) {
    const before = base?.stacks.get(stack.id);
    if (before === undefined) {
      changes.set(stack.id, "new");
    } else if (before.text !== stack.text) {
      changes.set(stack.id, "changed");
    } else {
      unchanged.push(stack.id);
    }
  }

  const ownReason = (stack: OutputStack): string | undefined => {
    if (isClusterStackId(stack.id)) {
      return (
        "cluster stack: a cluster administrator applies it with the cluster-admin credential (cdktf deploy " +
        stack.id +
        ")"
      );
    }
    if (stack.workspace === undefined) {
      return "local state (no terraform.cloud block): applied on a developer's machine (cdktf deploy " + stack.id + ")";
    }
    return undefined;
  };

  const closures = new Map<string, ReadonlySet<string>>();
  const closure = (id: string): ReadonlySet<string> => {
    const known = closures.get(id);
    if (known !== undefined) {
      return known;
    }
    const all = new Set<string>();
    for (const dependency of head.stacks.get(id)?.dependencies ?? []) {
      all.add(dependency);
      closure(dependency).forEach((transitive) => all.add(transitive));
    }
    closures.set(id, all);
    return all;
  };

  const held = new Map<string, string>();
  const sortedIds = [...changes.keys()].sort();
  for (const id of sortedIds) {
    const stack = head.stacks.get(id) as OutputStack;
    const reason = ownReason(stack);
    if (reason !== undefined) {
      held.set(id, reason);
    }
  }
  for (const id of sortedIds) {
    if (held.has(id)) {
      continue;
    }
    const blockers = [...closure(id)].filter((dependency) => changes.has(dependency) && held.has(dependency)).sort();
    if (blockers.length > 0) {
      held.set(
        id,
        `waits for ${blockers.join(", ")}: changed, and not applied by the pipeline; apply ${blockers.length === 1 ? "it" : "them"} first, then re-run the delivery`,
      );
    }
  }

  const levelOf = new Map<string, number>();
  const level = (id: string): number => {
    const known = levelOf.get(id);
    if (known !== undefined) {
      return known;
    }
    const before = [...closure(id)].filter((dependency) => changes.has(dependency) && !held.has(dependency));
    const value = before.length === 0 ? 0 : 1 + Math.max(...before.map(level));
    levelOf.set(id, value);
    return value;
  };
  const levels: DeliveredStack[][] = [];
  for (const id of sortedIds.filter((candidate) => !held.has(candidate))) {
    const stack = head.stacks.get(id) as OutputStack;
    const index = level(id);
    while (levels.length <= index) {
      levels.push([]);
    }
    levels[index]?.push({
      stack: id,
      workspace: stack.workspace as string,
      directory: stack.directory,
      change: changes.get(id) as "changed" | "new",
    });
  }

  return {
    levels: levels.filter((entries) => entries.length > 0),
    notRun: sortedIds
      .filter((id) => held.has(id))
      .map((id) => {
        const workspace = head.stacks.get(id)?.workspace;
        return {
          stack: id,
          ...(workspace === undefined ? {} : { workspace }),
          change: changes.get(id) as "changed" | "new",
          reason: held.get(id) as string,
        };
      }),
    removed: [...(base?.stacks.values() ?? [])]
      .filter((stack) => !head.stacks.has(stack.id))
      .map((stack) => ({ stack: stack.id, ...(stack.workspace === undefined ? {} : { workspace: stack.workspace }) })),
    unchanged,
  };
}

/** Every dependency names a stack of the output, and no stack depends on itself through others. */
function validateGraph(output: SynthesizedOutput): void {
  const manifest = path.join(output.outdir, "manifest.json");
  for (const stack of output.stacks.values()) {
    const missing = stack.dependencies.filter((dependency) => !output.stacks.has(dependency));
    if (missing.length > 0) {
      throw new DeliveryPlanError(
        `stack '${stack.id}' depends on ${missing.map((id) => `'${id}'`).join(", ")}, which ${manifest} does not list: synthesize every stack it depends on (stacks: ${[...output.stacks.keys()].join(", ")})`,
      );
    }
  }
  const state = new Map<string, "visiting" | "done">();
  const visit = (id: string, trail: readonly string[]): void => {
    if (state.get(id) === "done") {
      return;
    }
    if (state.get(id) === "visiting") {
      const cycle = [...trail.slice(trail.indexOf(id)), id];
      throw new DeliveryPlanError(
        `dependency cycle in ${manifest}: ${cycle.join(" -> ")}; no order can apply these stacks`,
      );
    }
    state.set(id, "visiting");
    for (const dependency of output.stacks.get(id)?.dependencies ?? []) {
      visit(dependency, [...trail, id]);
    }
    state.set(id, "done");
  };
  for (const id of output.stacks.keys()) {
    visit(id, []);
  }
}

/** What an operator does about a stack that left the code: the pipeline never destroys it. */
export function removedStackAdvice(stack: RemovedStack): string {
  const where = stack.workspace === undefined ? "its local state" : `workspace ${stack.workspace}`;
  return `${stack.stack}: removed from the code, not destroyed; its resources stay in ${where}. To keep them under another stack, move their state first (README: Moving to per-service stacks); to delete them, queue a destroy plan in ${stack.workspace === undefined ? "that state (cdktf destroy from the base commit)" : "that workspace"}, review and confirm it, then delete the ${stack.workspace === undefined ? "state file" : "workspace"}`;
}

/** The plan as people read it: levels in order, then what is not run, removed, and unchanged. */
export function deliveryPlanText(plan: DeliveryPlan): string {
  const runs = plan.levels.reduce((count, entries) => count + entries.length, 0);
  const lines = [
    runs === 0
      ? "Delivery: no stack to run"
      : `Delivery: ${runs} stack${runs === 1 ? "" : "s"} to run in ${plan.levels.length} level${plan.levels.length === 1 ? "" : "s"}`,
  ];
  plan.levels.forEach((entries, index) => {
    lines.push(
      `level ${index + 1}: ${entries.map((entry) => `${entry.stack} (${entry.change}, workspace ${entry.workspace})`).join(", ")}`,
    );
  });
  for (const entry of plan.notRun) {
    lines.push(`not run: ${entry.stack} (${entry.change}): ${entry.reason}`);
  }
  for (const entry of plan.removed) {
    lines.push(`removed: ${removedStackAdvice(entry)}`);
  }
  lines.push(`unchanged: ${plan.unchanged.length === 0 ? "none" : plan.unchanged.join(", ")}`);
  return lines.join("\n");
}
