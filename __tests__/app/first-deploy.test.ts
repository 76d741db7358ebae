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
// step 1 run for real, and the environment stacks' checks that refuse to plan before step 2.
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

describe("README: First deploy", () => {
  const commands = firstDeployCommands();

  it("is the sequence: install, synth, the github stack, the cluster stacks, then the environment stacks", () => {
    expect(commands).toEqual([
      "npm ci",
      "npm run synth",
      "npx cdktf deploy github",
      "npx cdktf deploy staging-cluster",
      "npx cdktf deploy production-cluster",
      "npx cdktf deploy staging",
      "npx cdktf deploy production",
    ]);
  });

  it("step 1: npm run synth succeeds on the default config with no guardrail finding", () => {
    // DELIVERY_QUIET: progress lines aside, stderr holds only problems and warnings.
    const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir, FORCE_COLOR: "0", DELIVERY_QUIET: "1" };
    for (const name of ["TF_CLOUD_ORGANIZATION", "TF_CLOUD_HOSTNAME", "DELIVERY_CONFIG"]) delete env[name];
    const [program = "", ...args] = (commands[1] ?? "").split(" ");
    const result = spawnSync(program, [...args.slice(0, 1), "--silent", ...args.slice(1)], {
      cwd: PROJECT_ROOT,
      env,
      encoding: "utf8",
    });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: "" });
    expect(fs.readdirSync(path.join(outdir, "stacks")).sort()).toEqual([
      "development",
      "github",
      "production",
      "production-cluster",
      "staging",
      "staging-cluster",
    ]);
  });

  it("steps 2 and 3 deploy stacks that step 1 wrote, each requiring Terraform >= 1.5", () => {
    for (const command of commands.filter((line) => line.startsWith("npx cdktf deploy "))) {
      const stack = synthesizedStack(command.split(" ").at(-1) ?? "");
      expect(stack.terraform).toMatchObject({ required_version: ">= 1.5.0" });
    }
  });

  it("step 2 needs nothing another stack creates: the github stack looks up no repository", () => {
    expect(dataSourcesOf(synthesizedStack("github"), "github_repository")).toEqual([]);
  });

  describe.each(["staging", "production"])("step 3, the %s stack", (id) => {
    const stepTwo = "npx cdktf deploy github";

    it("checks the repository and its branch at plan time, naming step 2 and its command", () => {
      const stack = synthesizedStack(id);
      const preconditions = environmentPreconditions(stack);
      expect(preconditions.map(({ condition }) => condition)).toEqual([
        expect.stringMatching(/^\$\{\(data\.github_repository\.[\w-]+\.repo_id != null\)\}$/),
        expect.stringMatching(/^\$\{\(data\.github_branch\.[\w-]+\.sha != null\)\}$/),
      ]);
      for (const { message } of preconditions) {
        expect(message).toContain(`step 2: ${stepTwo}`);
      }
      expect(commands.indexOf(stepTwo)).toBeLessThan(commands.indexOf(`npx cdktf deploy ${id}`));
      const branch = dataSourcesOf(stack, "github_branch").find((lookup) => lookup.name.includes("prerequisites"));
      expect(branch?.body.branch).toBe(id === "staging" ? "develop" : "main");
    });

    it("refuses to plan before step 2 (repository and branch missing) and plans after it", () => {
      const [repository, branch] = environmentPreconditions(synthesizedStack(id));
      expect(holds(repository?.condition ?? "", { repo_id: null })).toBe(false);
      expect(holds(branch?.condition ?? "", { sha: null })).toBe(false);
      expect(holds(repository?.condition ?? "", { repo_id: 123456 })).toBe(true);
      expect(holds(branch?.condition ?? "", { sha: "a".repeat(40) })).toBe(true);
    });

    it("grants the reviewers read access before it sets them on the environment", () => {
      const stack = synthesizedStack(id);
      for (const environment of resourcesOf(stack, "github_repository_environment")) {
        const grants = [
          ...resourcesOf(stack, "github_team_repository"),
          ...resourcesOf(stack, "github_repository_collaborator"),
        ];
        expect(grants.every((grant) => grant.body.permission === "pull")).toBe(true);
        expect(environment.body.depends_on ?? []).toEqual(grants.map((grant) => `${grant.type}.${grant.name}`));
      }
    });
  });
});

describe("the provider lock files", () => {
  it("survive the next synth and are the only synthesized files git keeps", () => {
    const lockFile = path.join(outdir, "stacks", "github", ".terraform.lock.hcl");
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
    expect(ignored("cdktf.out/stacks/github/.terraform.lock.hcl")).toBe(false);
    expect(ignored("cdktf.out/stacks/github/cdk.tf.json")).toBe(true);
    expect(ignored("cdktf.out/stacks/github/.terraform/providers/registry.terraform.io")).toBe(true);
    expect(ignored("cdktf.out/manifest.json")).toBe(true);
  });
});
