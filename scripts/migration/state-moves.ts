import { clusterStackId, ENVIRONMENT_NAMES } from "../../lib/domain";
import { terraformBlocks, type JsonObject } from "../../lib/terraform-json/terraform-json";

/** A stack of a synthesized output, by id. */
export interface StackJson {
  readonly id: string;
  readonly json: JsonObject;
}

/** One resource whose state moves from one stack's state to another's, under the same address. */
export interface StateMove {
  readonly address: string;
  readonly from: string;
  readonly to: string;
}

export interface StackAddress {
  readonly stack: string;
  readonly address: string;
}

export interface MigrationPlan {
  /** In source stack, destination stack and address order. */
  readonly moves: readonly StateMove[];
  /** Resources of the old layout that no new stack holds: applying the new layout destroys them. */
  readonly removed: readonly StackAddress[];
  /** Resources only the new layout holds: the first apply creates them. */
  readonly added: readonly StackAddress[];
  /** Resources that more than one new stack split from their old stack holds: not moved, resolve by hand. */
  readonly ambiguous: readonly (StackAddress & { readonly candidates: readonly string[] })[];
  /** Resources that keep their stack. */
  readonly unchanged: number;
}

/** Managed resources only: data sources hold no state that needs to move. */
function addressesOf(stack: StackJson): string[] {
  return terraformBlocks(stack.json)
    .filter((block) => block.mode === "managed")
    .map((block) => block.address);
}

/**
 * Whether `candidate` is a stack split from `stack`: the same id, or the id followed by `-` and a
 * suffix (`github` -> `github-orders-api`, `staging` -> `staging-orders-api`).
 */
export function splitFrom(stack: string, candidate: string): boolean {
  return candidate === stack || candidate.startsWith(`${stack}-`) || (EARLIER_IDS.get(candidate) ?? []).includes(stack);
}

/**
 * Stacks that took over from stacks of another name: `cluster-<environment>` holds what was
 * `<environment>-cluster`, and, before that, part of `<environment>`.
 */
const EARLIER_IDS = new Map<string, readonly string[]>(
  ENVIRONMENT_NAMES.map((environment) => [clusterStackId(environment), [environment, `${environment}-cluster`]]),
);

/**
 * The state moves that take a deployment from the stacks of `before` to those of `after` without
 * recreating anything, matching resources by address. cdktf names a resource after its construct
 * path below the stack, so a construct that keeps its id keeps its address in its new stack. One
 * address can stand in several stacks (staging and production hold the same constructs), so a
 * resource of old stack S only matches a new stack split from S (S itself or `S-<suffix>`).
 */
export function planStateMoves(before: readonly StackJson[], after: readonly StackJson[]): MigrationPlan {
  const newStacksOf = new Map<string, string[]>();
  for (const stack of after) {
    for (const address of addressesOf(stack)) {
      newStacksOf.set(address, [...(newStacksOf.get(address) ?? []), stack.id]);
    }
  }
  const moves: StateMove[] = [];
  const removed: StackAddress[] = [];
  const ambiguous: (StackAddress & { candidates: string[] })[] = [];
  const claimed = new Set<string>();
  let unchanged = 0;
  for (const stack of [...before].sort((a, b) => a.id.localeCompare(b.id))) {
    for (const address of addressesOf(stack)) {
      const candidates = (newStacksOf.get(address) ?? []).filter((candidate) => splitFrom(stack.id, candidate));
      const [target] = candidates;
      if (target === undefined) {
        removed.push({ stack: stack.id, address });
      } else if (candidates.length > 1) {
        ambiguous.push({ stack: stack.id, address, candidates });
      } else {
        claimed.add(`${target}\0${address}`);
        if (target === stack.id) unchanged += 1;
        else moves.push({ address, from: stack.id, to: target });
      }
    }
  }
  const added = after.flatMap((stack) =>
    addressesOf(stack)
      .filter((address) => !claimed.has(`${stack.id}\0${address}`))
      .filter((address) => !ambiguous.some((entry) => entry.address === address && entry.candidates.includes(stack.id)))
      .map((address) => ({ stack: stack.id, address })),
  );
  moves.sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to) || a.address.localeCompare(b.address));
  return { moves, removed, added, ambiguous, unchanged };
}

/** Single quotes for bash; addresses hold `-`, `.` and `_` only, but quoting costs nothing. */
function quoted(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * A bash script that performs the moves on state files `terraform.<stack>.tfstate` in `$STATE_DIR`
 * (default: the current directory, where the local backend keeps them). With Terraform Cloud, pull
 * each workspace's state into that directory first and push it back afterwards (README: Moving to
 * per-service stacks). `terraform state mv` writes a backup of every state file it changes.
 */
export function stateMoveScript(plan: MigrationPlan, source: { before: string; after: string }): string {
  const stacks = [...new Set(plan.moves.flatMap((move) => [move.from, move.to]))].sort();
  const comment = (entries: readonly StackAddress[], what: string) =>
    entries.length === 0 ? [] : [`# ${what}:`, ...entries.map((entry) => `#   ${entry.stack}: ${entry.address}`)];
  return [
    "#!/usr/bin/env bash",
    `# State moves from the stacks of ${source.before} to those of ${source.after}, matched by address`,
    "# (generated by npm run migration; review before running). Run it with every affected stack's state",
    "# in $STATE_DIR/terraform.<stack>.tfstate and no plan or apply running in between.",
    `# ${plan.moves.length} moves, ${plan.unchanged} resources stay, ${plan.added.length} new, ${plan.removed.length} removed, ${plan.ambiguous.length} ambiguous.`,
    ...comment(plan.removed, "Destroyed by the new layout (no new stack holds them)"),
    ...comment(plan.added, "Created by the new layout"),
    ...comment(
      plan.ambiguous.map((entry) => ({
        stack: entry.stack,
        address: `${entry.address} -> ${entry.candidates.join(" or ")}`,
      })),
      "Not moved: more than one new stack holds the address; move it by hand",
    ),
    "set -euo pipefail",
    'state_dir="${STATE_DIR:-.}"',
    `# Stacks whose state changes: ${stacks.length === 0 ? "none" : stacks.join(", ")}`,
    "move() {",
    '  terraform state mv -lock=false -state="$state_dir/terraform.$2.tfstate" -state-out="$state_dir/terraform.$3.tfstate" "$1" "$1"',
    "}",
    ...plan.moves.map((move) => `move ${quoted(move.address)} ${quoted(move.from)} ${quoted(move.to)}`),
    "",
  ].join("\n");
}
