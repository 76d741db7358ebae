import { spawnSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

/** One import written in a file of some layer; `filePath` need not exist. */
interface ImportCase {
  readonly filePath: string;
  readonly source: string;
}

// ESLint loads eslint.config.mjs with a dynamic import(), which jest's module sandbox refuses, so
// one child Node process runs one ESLint instance over every case. Type-aware rules are switched off
// for these virtual files (the project service only knows files on disk); no-restricted-imports needs
// no types.
const LINT_CASES = `
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
const cases = JSON.parse(process.argv[1]);
const eslint = new ESLint({ cwd: process.cwd(), overrideConfig: { files: ["**/*.ts"], ...tseslint.configs.disableTypeChecked } });
const results = [];
for (const { filePath, source } of cases) {
  const [result] = await eslint.lintText(\`import { value } from "\${source}";\\nexport const copy = value;\\n\`, { filePath });
  results.push(result.messages.map(({ ruleId, message }) => ({ ruleId, message })));
}
process.stdout.write(JSON.stringify(results));
`;

interface Finding {
  readonly ruleId: string | null;
  readonly message: string;
}

function lintImports(cases: readonly ImportCase[]): Finding[][] {
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", LINT_CASES, JSON.stringify(cases)], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (run.status !== 0) {
    throw new Error(`eslint failed: ${run.stderr}`);
  }
  return JSON.parse(run.stdout) as Finding[][];
}

const WRONG_WAY: readonly (ImportCase & { readonly layer: string; readonly target: string })[] = [
  { layer: "lib/domain", target: "lib/config", filePath: "lib/domain/wrong-way.ts", source: "../config" },
  {
    layer: "lib/config",
    target: "constructs/",
    filePath: "lib/config/schema/wrong-way.ts",
    source: "../../../constructs/kubernetes",
  },
  {
    layer: "lib/config",
    target: "renderers/",
    filePath: "lib/config/schema/wrong-way.ts",
    source: "../../../renderers/workflows",
  },
  {
    layer: "lib/config",
    target: "policy/",
    filePath: "lib/config/schema/wrong-way.ts",
    source: "../../../policy/catalogue",
  },
  {
    layer: "constructs/",
    target: "lib/config",
    filePath: "constructs/kubernetes/wrong-way.ts",
    source: "../../lib/config",
  },
  {
    layer: "constructs/",
    target: "renderers/",
    filePath: "constructs/github/wrong-way.ts",
    source: "../../renderers/workflows",
  },
  {
    layer: "renderers/",
    target: "constructs/",
    filePath: "renderers/container/wrong-way.ts",
    source: "../../constructs/terraform",
  },
  {
    layer: "lib/terraform-json",
    target: "policy/",
    filePath: "lib/terraform-json/wrong-way.ts",
    source: "../../policy",
  },
  {
    layer: "policy/",
    target: "constructs/",
    filePath: "policy/rules/wrong-way.ts",
    source: "../../constructs/kubernetes",
  },
  { layer: "stacks/", target: "lib/app", filePath: "stacks/wrong-way.ts", source: "../lib/app/app" },
  { layer: "lib/app", target: "scripts/", filePath: "lib/app/wrong-way.ts", source: "../../scripts/policy" },
  { layer: "stacks/", target: "__tests__/", filePath: "stacks/wrong-way.ts", source: "../__tests__/support/synth" },
];

const ALLOWED: readonly ImportCase[] = [
  { filePath: "constructs/kubernetes/right-way.ts", source: "../../lib/domain" },
  { filePath: "constructs/kubernetes/right-way.ts", source: "../terraform" },
  { filePath: "constructs/kubernetes/right-way.ts", source: "constructs" },
  { filePath: "lib/config/schema/right-way.ts", source: "../../domain/quantity" },
  { filePath: "policy/rules/right-way.ts", source: "../../lib/terraform-json/terraform-json" },
  { filePath: "stacks/right-way.ts", source: "../constructs/kubernetes" },
  { filePath: "lib/app/right-way.ts", source: "../../stacks/github-stack" },
];

describe("import direction (eslint.config.mjs, no-restricted-imports per folder)", () => {
  const findings = lintImports(
    [...WRONG_WAY, ...ALLOWED].map((entry) => ({ ...entry, filePath: path.join(ROOT, entry.filePath) })),
  );

  it.each(WRONG_WAY.map((entry, index) => [entry.layer, entry.target, entry.source, index] as const))(
    "rejects an import from %s into %s (%s)",
    (layer, target, _source, index) => {
      expect(findings[index]).toEqual([
        {
          ruleId: "no-restricted-imports",
          message: expect.stringContaining(`${layer} imports `) as string,
        },
      ]);
      expect(findings[index]?.[0]?.message).toContain(`never ${target}`);
    },
  );

  it("lets each layer import what it builds on, and packages", () => {
    expect(findings.slice(WRONG_WAY.length)).toEqual(ALLOWED.map(() => []));
  });
});
