import { workflowSchedules } from "../../scripts/report/github-settings";
import { readable } from "../../scripts/report/references";
import { formatFacts, stackSummaryMarkdown, summarizeStack, type TypeSummary } from "../../scripts/report/summary";
import { templateSequences } from "../../lib/terraform-json/template-sequences";
import type { JsonObject } from "../../lib/terraform-json/terraform-json";
import { serviceEnvironmentStackId } from "../../lib/domain";
import { stackOf, synthesizeDefaultConfig } from "../support/synth";
import { githubStack, productionStack } from "./fixtures/future-stacks";

function settingsByType(rows: readonly TypeSummary[]): Record<string, string> {
  return Object.fromEntries(rows.map((row) => [row.type, row.settings]));
}

describe("npm run summary", () => {
  const github = settingsByType(summarizeStack(githubStack));
  const production = settingsByType(summarizeStack(productionStack));

  it("counts every resource and data source of a stack by type", () => {
    expect(summarizeStack(productionStack).map((row) => [row.type, row.count])).toEqual([
      ["github_actions_environment_secret", 1],
      ["github_repository_environment", 1],
      ["github_repository_environment_deployment_policy", 1],
      ["kubernetes_deployment_v1", 2],
      ["kubernetes_horizontal_pod_autoscaler_v2", 2],
      ["kubernetes_namespace_v1", 1],
      ["kubernetes_network_policy_v1", 1],
      ["kubernetes_pod_disruption_budget_v1", 1],
      ["kubernetes_secret_v1", 1],
      ["kubernetes_service_v1", 1],
      ["data.docker_registry_image", 1],
      ["data.github_team", 1],
      ["data.github_user", 1],
    ]);
  });

  it("shows the approvals, required checks and protections of each branch rule", () => {
    expect(github.github_repository_ruleset).toBe(
      "repositories: service-001; approvals: main 2 (code owners, last push, stale dismissed); " +
        "required checks: main (quality, tests, container); " +
        "rules: main (no force push, no deletion, signed commits, linear history); bypass: main (1 actor)",
    );
  });

  it("reads the schedules (cron) of the workflow files it commits", () => {
    expect(github.github_repository_file).toBe(
      "repositories: service-001; files: .github/workflows/ci.yml, .github/workflows/security.yml; " +
        "branch: main; schedules: security.yml 0 6 * * 1",
    );
  });

  it("shows an environment's reviewers by login and team, its wait timer and that admins cannot bypass it", () => {
    expect(production.github_repository_environment).toBe(
      "repositories: service-001; environment: production; reviewers: @octocat, team platform-leads; " +
        "wait: 15 min; admins bypass: no; self review: prevented; deploys from: branch policies",
    );
    expect(production.github_repository_environment_deployment_policy).toContain("branches: main");
  });

  it("shows the replica range and utilization targets of each autoscaler", () => {
    expect(production.kubernetes_horizontal_pod_autoscaler_v2).toContain(
      "replicas: 3-12; targets: cpu 70 %, memory 80 %",
    );
  });

  it("shows each deployment's image (a digest resolved from the looked-up tag) and its CPU and memory limits", () => {
    const deployments = production.kubernetes_deployment_v1;
    expect(deployments).toContain("names: service-001-blue, service-001-green");
    expect(deployments).toContain(
      "image: [var.service_001_image_blue or digest of ghcr.io/acme/service-001:main] (service-001-blue), " +
        "[var.service_001_image_green or digest of ghcr.io/acme/service-001:main] (service-001-green)",
    );
    expect(deployments).toContain("limits: cpu 1, memory 512Mi, ephemeral-storage 256Mi");
    expect(deployments).toContain("requests: cpu 250m, memory 256Mi");
    expect(deployments).toContain("runs as: non-root; containers: read-only root, no privilege escalation");
  });

  it("shows namespaces, the colour a Service routes to, and network policy rules", () => {
    expect(production.kubernetes_namespace_v1).toBe("names: orders-production; pod security: restricted");
    expect(production.kubernetes_service_v1).toContain(
      "selects: app=service-001, color=[var.service_001_active_color]",
    );
    expect(production.kubernetes_network_policy_v1).toBe("names: service-001; ingress: 1 rule; egress: 1 rule");
    expect(production["data.docker_registry_image"]).toBe("images: ghcr.io/acme/service-001:main");
  });

  it("names a Secret's keys and never what they hold", () => {
    expect(production.kubernetes_secret_v1).toBe("names: service-001-env; keys: DATABASE_URL");
    expect(production.github_actions_environment_secret).toBe(
      "repositories: service-001; secrets: DATABASE_URL; environment: production",
    );
    expect(Object.values(production).join("\n")).not.toContain("database_url");
  });

  it("still counts and names resources of types it has no extractor for", () => {
    expect(
      summarizeStack({ resource: { random_pet: { b: { length: 2 }, a: { metadata: { name: "first" } } } } }),
    ).toEqual([{ type: "random_pet", count: 2, settings: "names: first, b" }]);
  });

  it("renders one Markdown table per stack with where its state lives and how many inputs it has", () => {
    expect(stackSummaryMarkdown("github", githubStack)).toMatch(
      /^### `github`: 5 resources, 0 data sources\n\nState: Terraform Cloud workspace `shop-github`\. Inputs: 1 variable \(1 sensitive; `npm run vars` lists them\)\.\n\n\| resource +\| count \| notable settings +\|\n\| -+ \|/,
    );
    expect(stackSummaryMarkdown("production", productionStack)).toContain("State: local file.");
    expect(stackSummaryMarkdown("empty", { resource: {} })).toContain("Nothing.");
  });

  it("summarizes every stack of the default config", () => {
    const app = synthesizeDefaultConfig();
    for (const [id, stack] of Object.entries(app.stacks)) {
      const counted = summarizeStack(stack).reduce((sum, row) => sum + row.count, 0);
      const present = [stack.resource, stack.data].reduce(
        (sum, section) => sum + Object.values(section ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0),
        0,
      );
      expect({ id, counted }).toEqual({ id, counted: present });
    }
  });
});

describe("summary facts", () => {
  const fact = (label: string, value: string, resource: number, owner: string) => ({ label, value, resource, owner });

  it("shows a value every resource shares once, names the few resources of another, and counts many", () => {
    const facts = [
      ...Array.from({ length: 5 }, (_, index) => fact("limits", "cpu 1", index, `svc-${index}`)),
      fact("replicas", "3-12", 0, "svc-0"),
      ...[1, 2, 3, 4].map((index) => fact("replicas", "2-10", index, `svc-${index}`)),
    ];
    expect(formatFacts(facts, 5)).toBe("limits: cpu 1; replicas: 3-12 (svc-0), 2-10 (×4)");
  });

  it("keeps long lists short", () => {
    const facts = Array.from({ length: 7 }, (_, index) => fact("names", `n${index}`, index, `n${index}`));
    expect(formatFacts(facts, 7)).toBe("names: n0, n1, n2, +4 more");
  });
});

describe("reading Terraform strings", () => {
  const stack = productionStack;

  it("replaces each expression by what it refers to, and unescapes literal text", () => {
    expect(
      readable("ghcr.io/acme/service-001@${data.docker_registry_image.service-001-image.sha256_digest}", stack),
    ).toBe("ghcr.io/acme/service-001@[digest of ghcr.io/acme/service-001:main]");
    expect(readable("echo $${{ github.sha }} %%{x}", stack)).toBe("echo ${{ github.sha }} %{x}");
    expect(readable("${kubernetes_secret_v1.service-001-secret.metadata[0].name}", stack)).toBe(
      "[kubernetes_secret_v1 service-001-env]",
    );
    expect(readable('${upper("x")}', stack)).toBe('[upper("x")]');
  });

  it("shows an image chosen by the pipeline's variable, as ServiceImage writes it in the staging-orders-api stack", () => {
    const stack = stackOf(synthesizeDefaultConfig(), serviceEnvironmentStackId("staging", "orders-api"));
    const staging: JsonObject = { ...stack };
    const deployment = Object.values(stack.resource?.kubernetes_deployment_v1 ?? {})[0] as {
      spec: { template: { spec: { container: { image: string }[] } } };
    };
    expect(readable(deployment.spec.template.spec.container[0]?.image ?? "", staging)).toBe(
      "ghcr.io/acme-platform/orders-api@[var.orders_api_image]",
    );
  });

  it("finds the closing brace of an expression past nested templates and quoted braces", () => {
    expect(
      templateSequences('a ${x != "" ? "p@${x}}" : "{"} b %{ if y }c%{ endif } $${literal}').map((sequence) => [
        sequence.kind,
        sequence.expression,
      ]),
    ).toEqual([
      ["interpolation", 'x != "" ? "p@${x}}" : "{"'],
      ["directive", "if y"],
      ["directive", "endif"],
    ]);
  });

  it("reads cron schedules from workflow YAML and nothing from other files", () => {
    expect(workflowSchedules('on:\n  schedule:\n    - cron: "0 6 * * 1"\n    - cron: "30 2 * * *"\n  push:\n')).toEqual(
      ["0 6 * * 1", "30 2 * * *"],
    );
    expect(workflowSchedules("on: push\n")).toEqual([]);
    expect(workflowSchedules("key: [unclosed\n")).toEqual([]);
  });
});
