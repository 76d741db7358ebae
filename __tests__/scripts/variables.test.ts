import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { byDeploymentOrder } from "../../scripts/report/synthesized";
import { terraformCloudSetupScript } from "../../scripts/report/terraform-cloud-setup";
import {
  deploymentVariableNames,
  inputsJson,
  inputsMarkdown,
  stackInputs,
  workspaceOf,
  type StackInputs,
} from "../../scripts/report/variables";
import { README_BEGIN, README_END, stackInputsOf, withReadmeTable } from "../../scripts/vars";
import { loadDefaultConfig, PROJECT_ROOT, synthesizeConfig } from "../support/synth";
import { githubStack, productionStack } from "./fixtures/future-stacks";

describe("npm run vars", () => {
  const pipelineVariables = deploymentVariableNames(["service-001"]);
  const production = stackInputs(productionStack, pipelineVariables);

  it("lists the environment variables providers read first, then every Terraform variable by name", () => {
    expect(production.map((input) => [input.name, input.category])).toEqual([
      ["GITHUB_TOKEN", "env"],
      ["kubernetes_host", "terraform"],
      ["service_001_active_color", "terraform"],
      ["service_001_database_url", "terraform"],
      ["service_001_image_blue", "terraform"],
      ["service_001_image_green", "terraform"],
    ]);
  });

  it("marks sensitive and required inputs, and those the deploy workflow sets", () => {
    const byName = Object.fromEntries(production.map((input) => [input.name, input]));
    expect(byName.service_001_database_url).toMatchObject({ sensitive: true, required: true, setByPipeline: false });
    expect(byName.service_001_database_url).not.toHaveProperty("default");
    expect(byName.service_001_image_green).toMatchObject({
      sensitive: false,
      required: false,
      default: "",
      setByPipeline: true,
      description: "image of service-001",
    });
    expect(byName.GITHUB_TOKEN).toMatchObject({ sensitive: true, required: true });
  });

  it("needs no GITHUB_TOKEN when the provider is given its token in the configuration", () => {
    const inputs = stackInputs({
      provider: { github: [{ owner: "acme", token: "${var.github_token}" }] },
      variable: { github_token: { sensitive: true, type: "string" } },
    });
    expect(inputs.map((input) => input.name)).toEqual(["github_token"]);
  });

  it("says how to set each input locally and in Terraform Cloud", () => {
    const table = inputsMarkdown([{ stack: "production", workspace: "shop-production", inputs: production }]);
    expect(table).toContain("#### `production` (workspace `shop-production`)");
    expect(table).toMatch(
      /\| `service_001_image_blue` +\| no +\| no \(default ""\) \| `TF_VAR_service_001_image_blue` +\| Terraform variable, set by the deploy workflow +\| image of service-001 +\|/,
    );
    expect(table).toMatch(
      /\| `GITHUB_TOKEN` +\| yes +\| yes +\| `GITHUB_TOKEN` +\| environment variable, sensitive +\|/,
    );
    expect(inputsMarkdown([{ stack: "development", inputs: [] }])).toBe(
      "#### `development` (local state only)\n\nNo inputs.",
    );
  });

  it("prints the same as JSON for scripts", () => {
    const parsed = JSON.parse(
      inputsJson([{ stack: "github", workspace: "shop-github", inputs: stackInputs(githubStack) }]),
    ) as {
      stacks: { stack: string; workspace: string; inputs: { name: string; setLocally: string }[] }[];
    };
    expect(parsed.stacks[0]?.workspace).toBe("shop-github");
    expect(parsed.stacks[0]?.inputs.map((input) => [input.name, input.setLocally])).toEqual([
      ["GITHUB_TOKEN", "GITHUB_TOKEN"],
      ["pipeline_tf_api_token", "TF_VAR_pipeline_tf_api_token"],
    ]);
  });

  it("keeps the README's table equal to what it prints for the default config", () => {
    const config = loadDefaultConfig();
    const synth = synthesizeConfig(config, { terraformCloud: { organization: "any" } });
    const stacks = Object.entries(synth.stacks).map(([id, json]) => ({ id, text: synth.files[id] ?? "", json }));
    const expected = inputsMarkdown(
      stackInputsOf({ config, annotations: [], stacks: stacks.sort((a, b) => byDeploymentOrder(a.id, b.id)) }),
    );
    const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
    const block = readme.slice(readme.indexOf(README_BEGIN) + README_BEGIN.length, readme.indexOf(README_END)).trim();
    // When this fails: npm run vars -- --update-readme
    expect(block).toBe(expected);
  });

  it("replaces only the generated block of the README, and fails without its markers", () => {
    const readme = `# x\n\n${README_BEGIN}\n\nold\n\n${README_END}\n\nafter\n`;
    expect(withReadmeTable(readme, "new")).toBe(`# x\n\n${README_BEGIN}\n\nnew\n\n${README_END}\n\nafter\n`);
    expect(() => withReadmeTable("# x\n", "new")).toThrow(/no block between/);
  });

  it("reads the workspace a stack's cloud block names", () => {
    expect(workspaceOf(githubStack)).toBe("shop-github");
    expect(workspaceOf(productionStack)).toBeUndefined();
  });
});

describe("npm run vars -- --tfe-commands", () => {
  const stacks: StackInputs[] = [
    { stack: "github", workspace: "shop-github", inputs: stackInputs(githubStack) },
    {
      stack: "production",
      workspace: "shop-production",
      inputs: stackInputs(productionStack, deploymentVariableNames(["service-001"])),
    },
    { stack: "development", inputs: [] },
  ];
  const script = terraformCloudSetupScript(stacks);

  /**
   * Runs the script with a stand-in for curl that records each call (its arguments, the token
   * header it read from its --config file, and the body on its standard input) and answers as
   * the Terraform Cloud API would.
   */
  function runScript(args: readonly string[], env: Record<string, string>) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tfc-setup-"));
    const log = path.join(dir, "calls.jsonl");
    fs.writeFileSync(path.join(dir, "setup.sh"), script);
    fs.writeFileSync(
      path.join(dir, "curl"),
      `#!/usr/bin/env bash
args="$*"; method=GET; body=""; config=""; url=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --request) method="$2"; shift 2 ;;
    --config) config=$(cat "$2"); shift 2 ;;
    --data) [[ "$2" == "@-" ]] && body=$(cat); shift 2 ;;
    --header) shift 2 ;;
    http*) url="$1"; shift ;;
    *) shift ;;
  esac
done
jq -cn --arg method "$method" --arg url "$url" --arg config "$config" --arg body "$body" --arg args "$args" \\
  '{method: $method, url: $url, config: $config, body: $body, args: $args}' >> "${log}"
case "$method $url" in
  "GET "*/workspaces/shop-github) echo '{"data": {"id": "ws-github"}}' ;;
  "GET "*/workspaces/shop-production) exit 22 ;;
  "POST "*/organizations/acme/workspaces) echo '{"data": {"id": "ws-production"}}' ;;
  "GET "*/workspaces/ws-*/vars) echo '{"data": [{"id": "var-7", "attributes": {"key": "GITHUB_TOKEN", "category": "env"}}]}' ;;
  *) echo '{}' ;;
esac
`,
      { mode: 0o755 },
    );
    const result = spawnSync("bash", [path.join(dir, "setup.sh"), ...args], {
      encoding: "utf8",
      env: {
        PATH: `${dir}:${process.env.PATH ?? ""}`,
        TF_CLOUD_ORGANIZATION: "acme",
        TF_API_TOKEN: "token-123",
        ...env,
      },
    });
    const calls = fs.existsSync(log)
      ? fs
          .readFileSync(log, "utf8")
          .trim()
          .split("\n")
          .map(
            (line) => JSON.parse(line) as { method: string; url: string; config: string; body: string; args: string },
          )
      : [];
    fs.rmSync(dir, { recursive: true, force: true });
    return { ...result, calls };
  }

  it("is a valid bash script that holds no value", () => {
    expect(spawnSync("bash", ["-n"], { input: script, encoding: "utf8" }).status).toBe(0);
    expect(script).toContain(
      "set_input \"$workspace\" kubernetes_host terraform true TF_VAR_kubernetes_host 'API server'",
    );
    expect(script).not.toContain("if wants development");
  });

  it("creates a missing workspace and its variables, updates existing ones, and skips inputs without a value", () => {
    const run = runScript(["production", "github"], {
      GITHUB_TOKEN: "ghp-secret-value",
      TF_VAR_kubernetes_host: "https://cluster.example.com",
      TF_VAR_service_001_database_url: "postgres://user:pw@db/orders",
    });
    expect(run.stderr).toContain("created workspace shop-production");
    expect(run.stderr).toContain("skipped service_001_image_blue: TF_VAR_service_001_image_blue is not exported");
    expect(run.status).toBe(0);
    const writes = run.calls
      .filter((call) => call.method !== "GET")
      .map((call) => {
        const body = JSON.parse(call.body || "{}") as { data?: { id?: string; attributes?: Record<string, unknown> } };
        return [
          call.method,
          call.url.replace(/^https:\/\/app\.terraform\.io\/api\/v2/, ""),
          body.data?.id,
          body.data?.attributes,
        ];
      });
    expect(writes).toEqual([
      [
        "PATCH",
        "/workspaces/ws-github/vars/var-7",
        "var-7",
        expect.objectContaining({ key: "GITHUB_TOKEN", category: "env", sensitive: true, value: "ghp-secret-value" }),
      ],
      ["POST", "/organizations/acme/workspaces", undefined, { name: "shop-production" }],
      ["PATCH", "/workspaces/ws-production/vars/var-7", "var-7", expect.objectContaining({ key: "GITHUB_TOKEN" })],
      [
        "POST",
        "/workspaces/ws-production/vars",
        undefined,
        expect.objectContaining({ key: "kubernetes_host", category: "terraform", hcl: false, sensitive: true }),
      ],
      [
        "POST",
        "/workspaces/ws-production/vars",
        undefined,
        expect.objectContaining({ key: "service_001_database_url", value: "postgres://user:pw@db/orders" }),
      ],
    ]);
    // The token travels in curl's config file, values on its standard input: never as arguments.
    expect(run.calls.every((call) => call.config.includes("Authorization: Bearer token-123"))).toBe(true);
    const argumentsSeen = run.calls.map((call) => call.args).join("\n");
    expect(argumentsSeen).toContain("--config /dev/fd/");
    expect(argumentsSeen).not.toMatch(/token-123|ghp-secret-value|postgres:/);
  });

  it("fails on a stack it does not know, naming the stacks it knows", () => {
    const run = runScript(["prod"], {});
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("unknown stack 'prod'; stacks: github production");
    expect(run.calls).toEqual([]);
  });
});
