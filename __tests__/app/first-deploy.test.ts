import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { terraformConsole } from "../support/terraform-console";
import { PROJECT_ROOT } from "../support/synth";
import {
  blocks,
  dataSourcesOf,
  resourcesOf,
  stringAt,
  type Block,
  type TerraformJson,
} from "../../lib/terraform-json/terraform-json";

// Follows README "First deploy" literally, as far as offline allows: the commands in their order,
// step 1 run for real, and the service stacks' checks that refuse to plan before step 2.
jest.setTimeout(120_000);

const README = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");

/** The shell block of README "First deploy": its commands, in order, without comments. */
function firstDeployCommands(): string[] {
  const section = README.split("\n### First deploy\n")[1]?.split("\n### ")[0] ?? "";
  const script = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
  return script
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "first-deploy-"));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

function synthesizedStack(id: string): TerraformJson {
  return JSON.parse(fs.readFileSync(path.join(outdir, "stacks", id, "cdk.tf.json"), "utf8")) as TerraformJson;
}

/** The preconditions of each GitHub environment of a stack, by environment address. */
function environmentPreconditions(stack: TerraformJson): { environment: Block; condition: string; message: string }[] {
  return resourcesOf(stack, "github_repository_environment").flatMap((environment) =>
    blocks(environment.body.lifecycle).flatMap((lifecycle) =>
      blocks(lifecycle.precondition).map((precondition) => ({
        environment,
        condition: stringAt(precondition, "condition") ?? "",
        message: stringAt(precondition, "error_message") ?? "",
      })),
    ),
  );
}

/**
 * Evaluates a precondition with terraform's own evaluator, the data source it reads replaced by
 * the value the provider gives it: null attributes for a missing repository or branch
 * (github/data_source_github_repository.go:369-377, data_source_github_branch.go:52-60 at v6.10.0).
 */
function holds(condition: string, lookup: Record<string, unknown>): unknown {
  const expression = condition.replace(/^\$\{/, "").replace(/\}$/, "");
  const local = expression.replace(/data\.github_(?:repository|branch)\.[A-Za-z0-9_-]+/g, "local.lookup");
  const result = terraformConsole({ locals: { lookup } }, local);
  return "value" in result ? result.value : result.error;
}

/**
 * The stack ids one `npx cdktf deploy a 'b-*'` deploys: names, and quoted globs matched against the
 * stacks step 1 wrote as cdktf matches them (minimatch; `*` is any run of characters in an id).
 */
function stacksOf(command: string): string[] {
  const written = fs.readdirSync(path.join(outdir, "stacks"));
  return command
    .split(" ")
    .slice(3)
    .flatMap((word) => {
      const pattern = word.replace(/^'(.*)'$/, "$1");
      if (!pattern.includes("*")) return [pattern];
      const glob = new RegExp(
        `^${pattern
          .split("*")
          .map((part) => part.replace(/[^\w-]/g, "\\$&"))
          .join(".*")}$`,
      );
      return written.filter((id) => glob.test(id)).sort();
    });
}

/** `stacks.<id>.dependencies` of the manifest step 1 wrote: what cdktf deploys a stack after. */
function manifestDependencies(): Record<string, string[]> {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { dependencies: string[] }>;
  };
  return Object.fromEntries(Object.entries(manifest.stacks).map(([id, stack]) => [id, stack.dependencies]));
}

describe("README: First deploy", () => {
  const commands = firstDeployCommands();
  const deploys = commands.filter((line) => line.startsWith("npx cdktf deploy "));

  it("is the sequence: install, synth, the github stack, the cluster stacks, then each environment's stacks", () => {
    expect(commands).toEqual([
      "npm ci",
      "npm run synth",
      "npx cdktf deploy 'github-*'",
      "npx cdktf deploy cluster-staging",
      "npx cdktf deploy cluster-production",
      "npx cdktf deploy 'github-*' staging 'staging-*'",
      "npx cdktf deploy 'github-*' production 'production-*'",
    ]);
  });

  it("step 1: npm run synth succeeds on the default config with no guardrail finding", () => {
    // DELIVERY_QUIET: progress lines aside, stderr holds only problems and warnings.
    const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir, FORCE_COLOR: "0", DELIVERY_QUIET: "1" };
    for (const name of ["TF_CLOUD_ORGANIZATION", "TF_CLOUD_HOSTNAME", "DELIVERY_CONFIG", "DELIVERY_SERVICES"]) {
      delete env[name];
    }
    const [program = "", ...args] = (commands[1] ?? "").split(" ");
    const result = spawnSync(program, [...args.slice(0, 1), "--silent", ...args.slice(1)], {
      cwd: PROJECT_ROOT,
      env,
      encoding: "utf8",
    });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: "" });
    expect(fs.readdirSync(path.join(outdir, "stacks")).sort()).toEqual([
      "cluster-production",
      "cluster-staging",
      "development",
      "github-orders-api",
      "production",
      "production-orders-api",
      "staging",
      "staging-orders-api",
    ]);
  });

  it("deploys every stack a pipeline deploys and each cluster stack, all of them written by step 1 and requiring Terraform >= 1.5", () => {
    const deployed = new Set(deploys.flatMap(stacksOf));
    expect([...deployed].sort()).toEqual(
      fs
        .readdirSync(path.join(outdir, "stacks"))
        .filter((id) => id !== "development")
        .sort(),
    );
    for (const id of deployed) {
      expect(synthesizedStack(id).terraform).toMatchObject({ required_version: ">= 1.5.0" });
    }
  });

  it("names in each deploy command every stack its stacks depend on, which cdktf requires", () => {
    // cdktf deploy stops with "The following dependencies are not included in the stacks to run"
    // unless every dependency is named too (@cdktf/cli-core 0.21.0,
    // src/lib/helpers/stack-helpers.js:142-153, called from src/lib/cdktf-project.js:255-257),
    // and then deploys them in dependency order.
    const dependencies = manifestDependencies();
    expect(dependencies["staging-orders-api"]).toEqual(["staging", "github-orders-api"]);
    expect(dependencies["production-orders-api"]).toEqual(["production", "github-orders-api"]);
    for (const command of deploys) {
      const named = stacksOf(command);
      const missing = named.flatMap((id) =>
        (dependencies[id] ?? []).filter((dependency) => !named.includes(dependency)),
      );
      expect([command, missing]).toEqual([command, []]);
    }
  });

  it("step 2 needs nothing another stack creates: the github-orders-api stack looks up no repository", () => {
    expect(dataSourcesOf(synthesizedStack("github-orders-api"), "github_repository")).toEqual([]);
  });

  describe.each(["staging", "production"])("step 4, %s", (environment) => {
    const id = `${environment}-orders-api`;
    const stepTwo = "npx cdktf deploy 'github-*'";

    it(`the ${environment} stack (shared by the environment's services) needs nothing from GitHub`, () => {
      const stack = synthesizedStack(environment);
      expect(environmentPreconditions(stack)).toEqual([]);
      expect(stack.provider?.github).toBeUndefined();
    });

    it(`the ${environment}-orders-api stack checks the repository and its branch at plan time, naming step 2 and its command`, () => {
      const stack = synthesizedStack(id);
      const preconditions = environmentPreconditions(stack);
      expect(preconditions.map(({ condition }) => condition)).toEqual([
        expect.stringMatching(/^\$\{\(data\.github_repository\.[\w-]+\.repo_id != null\)\}$/),
        expect.stringMatching(/^\$\{\(data\.github_branch\.[\w-]+\.sha != null\)\}$/),
      ]);
      for (const { message } of preconditions) {
        expect(message).toContain(
          `Apply the github-orders-api stack first (README "First deploy", step 2: npx cdktf deploy github-orders-api)`,
        );
      }
      const firstDeployOfStack = commands.findIndex(
        (line) => line.startsWith("npx cdktf deploy ") && stacksOf(line).includes(id),
      );
      // README step 2 deploys the stack the message names.
      expect(stacksOf(stepTwo)).toContain("github-orders-api");
      expect(commands.indexOf(stepTwo)).toBeGreaterThan(-1);
      expect(commands.indexOf(stepTwo)).toBeLessThan(firstDeployOfStack);
      const branch = dataSourcesOf(stack, "github_branch").find((lookup) => lookup.name.includes("prerequisites"));
      expect(branch?.body.branch).toBe(environment === "staging" ? "develop" : "main");
    });

    it(`the ${environment}-orders-api stack refuses to plan before step 2 (repository and branch missing) and plans after it`, () => {
      const [repository, branch] = environmentPreconditions(synthesizedStack(id));
      expect(holds(repository?.condition ?? "", { repo_id: null })).toBe(false);
      expect(holds(branch?.condition ?? "", { sha: null })).toBe(false);
      expect(holds(repository?.condition ?? "", { repo_id: 123456 })).toBe(true);
      expect(holds(branch?.condition ?? "", { sha: "a".repeat(40) })).toBe(true);
    });

    it(`the ${environment}-orders-api stack grants the reviewers read access before it sets them on the environment`, () => {
      const stack = synthesizedStack(id);
      const environments = resourcesOf(stack, "github_repository_environment");
      expect(environments).toHaveLength(1);
      for (const githubEnvironment of environments) {
        const grants = [
          ...resourcesOf(stack, "github_team_repository"),
          ...resourcesOf(stack, "github_repository_collaborator"),
        ];
        expect(grants.every((grant) => grant.body.permission === "pull")).toBe(true);
        expect(githubEnvironment.body.depends_on ?? []).toEqual(grants.map((grant) => `${grant.type}.${grant.name}`));
      }
    });
  });
});

describe("the provider lock files", () => {
  it("survive the next synth and are the only synthesized files git keeps", () => {
    const lockFile = path.join(outdir, "stacks", "github-orders-api", ".terraform.lock.hcl");
    fs.writeFileSync(lockFile, "# provider locks\n");
    const result = spawnSync("npm", ["run", "--silent", "synth"], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, CDKTF_OUTDIR: outdir },
      encoding: "utf8",
    });
    expect(result.status).toBe(0);
    expect(fs.readFileSync(lockFile, "utf8")).toBe("# provider locks\n");

    const ignored = (file: string) =>
      spawnSync("git", ["check-ignore", "--no-index", "-q", file], { cwd: PROJECT_ROOT }).status === 0;
    expect(ignored("cdktf.out/stacks/github-orders-api/.terraform.lock.hcl")).toBe(false);
    expect(ignored("cdktf.out/stacks/github-orders-api/cdk.tf.json")).toBe(true);
    expect(ignored("cdktf.out/stacks/github-orders-api/.terraform/providers/registry.terraform.io")).toBe(true);
    expect(ignored("cdktf.out/manifest.json")).toBe(true);
  });
});
