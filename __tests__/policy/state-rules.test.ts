import { Container } from "@cdktf/provider-docker/lib/container";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { App, Aspects, Fn, LocalBackend, TerraformStack } from "cdktf";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Guardrails } from "../../policy";
import { SensitiveVariable } from "../../constructs/terraform";
import { describeRuleCases, findingsOf, guardrailsReport, type RuleCase } from "../support/policy";

const cases: RuleCase[] = [
  {
    rule: "TF001",
    accepts: "a state path relative to the stack directory and a bind mount resolved at plan time",
    pass: (stack) => {
      new LocalBackend(stack, { path: "../../../terraform.production.tfstate" });
      new Container(stack, "app", {
        name: "app",
        image: "app:dev",
        mounts: [{ type: "bind", source: Fn.abspath("../../../services/orders-api"), target: "/app" }],
      });
    },
    rejects: "local state at an absolute path (what cdktf writes by default)",
    fail: (stack) => new LocalBackend(stack, { path: "/home/dev/project/terraform.production.tfstate" }),
    address: "terraform.backend.local",
  },
  {
    rule: "TF002",
    accepts: "cluster credentials from sensitive variables",
    pass: (stack) => {
      const token = SensitiveVariable.of(stack, "kubernetes_token", { description: "token" });
      new KubernetesProvider(stack, "kubernetes", { host: "https://cluster.example.com", token: token.stringValue });
    },
    rejects: "a literal cluster token",
    fail: (stack) =>
      new KubernetesProvider(stack, "kubernetes", { host: "https://cluster.example.com", token: "eyJhbGciOi" }),
    address: "provider.kubernetes",
  },
];

describe("state rules", () => {
  describeRuleCases("TF", cases);

  it("catches the absolute state path cdktf's implicit local backend writes", () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "implicit-backend-"));
    const app = new App({ outdir, stackTraces: false });
    const stack = new TerraformStack(app, "staging");
    Aspects.of(stack).add(new Guardrails());
    expect(() => app.synth()).toThrow(/TF001 terraform\.backend\.local: state path '\/.*terraform\.staging\.tfstate'/);
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  it("fails bind mounts of this machine's directories and files read from absolute paths", () => {
    const report = guardrailsReport((stack) => {
      new Container(stack, "app", {
        name: "app",
        image: "app:dev",
        mounts: [{ type: "bind", source: "/Users/dev/orders-api", target: "/app" }],
        upload: [{ file: "/app/.env", content: Fn.file("C:\\Users\\dev\\.env") }],
      });
    });
    expect(findingsOf(report)).toEqual(["error TF001 docker_container.app"]);
    expect(report[0]?.line).toContain("source '/Users/dev/orders-api', content reads 'C:\\Users\\dev\\.env'");
  });

  it("ignores container-side paths such as mount targets and probe paths", () => {
    const report = guardrailsReport((stack) => {
      new Container(stack, "app", {
        name: "app",
        image: "app:dev",
        mounts: [{ type: "volume", source: "app-data", target: "/var/lib/app" }],
        healthcheck: { test: ["CMD", "/app/healthcheck", "/health"] },
      });
    });
    expect(report).toEqual([]);
  });

  it("names an aliased provider with its alias, and finds registry passwords", () => {
    const report = guardrailsReport((stack) => {
      new DockerProvider(stack, "ghcr", {
        alias: "ghcr",
        registryAuth: [{ address: "ghcr.io", username: "bot", password: "ghp_literal" }],
      });
    });
    expect(findingsOf(report)).toEqual(["error TF002 provider.docker.ghcr"]);
  });
});
