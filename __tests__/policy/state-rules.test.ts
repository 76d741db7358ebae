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
import { PROVIDER_REQUIREMENTS, TERRAFORM_REQUIRED_VERSION } from "../../lib/domain";

/** The terraform block every DeliveryStack writes: the required Terraform version and provider pins. */
function pinned(stack: TerraformStack): void {
  stack.addOverride("terraform.required_version", TERRAFORM_REQUIRED_VERSION);
  for (const [name, requirement] of Object.entries(PROVIDER_REQUIREMENTS)) {
    stack.addOverride(`terraform.required_providers.${name}`, { ...requirement });
  }
}

/** A stack that uses the Kubernetes provider, its credential from a sensitive variable. */
function kubernetesStack(stack: TerraformStack): void {
  const token = SensitiveVariable.of(stack, "kubernetes_token", { description: "token" });
  new KubernetesProvider(stack, "kubernetes", { host: "https://cluster.example.com", token: token.stringValue });
  pinned(stack);
}

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
    pass: kubernetesStack,
    rejects: "a literal cluster token",
    fail: (stack) =>
      new KubernetesProvider(stack, "kubernetes", { host: "https://cluster.example.com", token: "eyJhbGciOi" }),
    address: "provider.kubernetes",
  },
  {
    rule: "TF003",
    accepts: `a stack requiring Terraform ${TERRAFORM_REQUIRED_VERSION}`,
    pass: kubernetesStack,
    rejects: "a stack with providers and no required_version (Terraform 1.4 cannot read its import blocks)",
    fail: (stack) => {
      kubernetesStack(stack);
      stack.addOverride("terraform.required_version", undefined);
    },
    address: "terraform.required_version",
  },
  {
    rule: "TF004",
    accepts: "hashicorp/kubernetes as the source",
    pass: kubernetesStack,
    rejects: "the bare source 'kubernetes' the bindings write",
    fail: (stack) => {
      kubernetesStack(stack);
      stack.addOverride("terraform.required_providers.kubernetes.source", "kubernetes");
    },
    address: "terraform.required_providers.kubernetes",
  },
  {
    rule: "TF005",
    accepts: "integrations/github constrained to >= 6.10.0 within major 6",
    pass: kubernetesStack,
    rejects: "the bindings' exact integrations/github 6.9.0, whose github_branch data source panics on API errors",
    fail: (stack) => {
      kubernetesStack(stack);
      stack.addOverride("terraform.required_providers.github.version", "6.9.0");
    },
    address: "terraform.required_providers.github",
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
      pinned(stack);
    });
    expect(findingsOf(report)).toEqual(["error TF002 provider.docker.ghcr"]);
  });

  it("fails a github constraint that admits the next major version, whose schema the bindings do not know", () => {
    const report = guardrailsReport((stack) => {
      kubernetesStack(stack);
      stack.addOverride("terraform.required_providers.github.version", ">= 6.10.0");
    });
    expect(findingsOf(report)).toEqual(["error TF005 terraform.required_providers.github"]);
    expect(report[0]?.line).toContain("admits 7.0.0 major version");
  });

  it("fails a pessimistic constraint ~> 6.9 that still admits 6.9.0 and 6.9.1", () => {
    const report = guardrailsReport((stack) => {
      kubernetesStack(stack);
      stack.addOverride("terraform.required_providers.github.version", "~> 6.9");
    });
    expect(report[0]?.line).toContain("'~> 6.9' admits 6.9.0, a release with a known defect; admits 6.9.1");
  });

  it("fails a required_version that admits Terraform 1.4", () => {
    const report = guardrailsReport((stack) => {
      kubernetesStack(stack);
      stack.addOverride("terraform.required_version", ">= 1.3");
    });
    expect(findingsOf(report)).toEqual(["error TF003 terraform.required_version"]);
  });

  it("leaves stacks without providers alone", () => {
    expect(guardrailsReport(() => undefined)).toEqual([]);
  });
});
