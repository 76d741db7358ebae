import * as os from "node:os";
import * as path from "node:path";
import { DEPLOYED_STACK_IDS, STACK_IDS } from "../support/synth";
import { configWith } from "../support/config-text";
import { loadDefaultConfig, stackOf, synthesizeConfig, synthesizeDefaultConfig } from "../support/synth";
import { resourcesOf, stringsIn } from "../../lib/terraform-json/terraform-json";

describe("the synthesized app", () => {
  const app = synthesizeDefaultConfig();

  it("has a github and a per-environment stack for each service, each environment's shared and cluster stacks, and development", () => {
    // In deployment order: namespaces, each environment's shared stack, then service by service.
    expect(STACK_IDS).toEqual([
      "cluster-staging",
      "cluster-production",
      "staging",
      "production",
      "github-orders-api",
      "staging-orders-api",
      "production-orders-api",
      "development",
    ]);
    expect(Object.keys(app.stacks).sort()).toEqual([...STACK_IDS].sort());
  });

  it("synthesizes with no warnings or errors", () => {
    // Infos are the suppressed policy findings the config lists, each with its reason.
    expect(app.annotations.filter((annotation) => annotation.level !== "info")).toEqual([]);
  });

  it("keeps each stack's state in a local file named by a relative path", () => {
    for (const id of STACK_IDS) {
      expect(stackOf(app, id).terraform.backend).toEqual({ local: { path: `../../../terraform.${id}.tfstate` } });
    }
  });

  it("shares nothing between stacks through Terraform (no remote state, no cross-stack outputs)", () => {
    for (const id of STACK_IDS) {
      const stack = stackOf(app, id);
      expect(stack.data?.terraform_remote_state).toBeUndefined();
      expect(Object.keys(stack.output ?? {}).filter((name) => name.startsWith("cross-stack"))).toEqual([]);
    }
  });

  it("writes no credential: the GitHub App's comes from the environment, cluster and registry credentials from sensitive variables", () => {
    // An empty app_auth block: the provider reads GITHUB_APP_ID, GITHUB_APP_INSTALLATION_ID and
    // GITHUB_APP_PEM_FILE (github/provider.go:96-124 at v6.10.0).
    const withGithub = STACK_IDS.filter((id) => stackOf(app, id).provider?.github !== undefined);
    expect(withGithub).toEqual(["github-orders-api", "staging-orders-api", "production-orders-api"]);
    for (const id of withGithub) {
      expect(stackOf(app, id).provider?.github).toEqual([{ owner: "acme-platform", app_auth: {} }]);
    }
    // The environment's shared stack and its service stacks deploy with the environment's credential.
    for (const id of ["staging", "staging-orders-api", "production", "production-orders-api"]) {
      const stack = stackOf(app, id);
      expect(stack.provider?.kubernetes).toEqual([
        {
          host: "${var.kubernetes_host}",
          cluster_ca_certificate: "${var.kubernetes_cluster_ca_certificate}",
          token: "${var.kubernetes_token}",
        },
      ]);
      // No registry is asked at plan time: the pipeline passes digests.
      expect(stack.provider?.docker).toBeUndefined();
      for (const name of ["kubernetes_host", "kubernetes_cluster_ca_certificate", "kubernetes_token"]) {
        expect(stack.variable?.[name]).toMatchObject({ sensitive: true, nullable: false, type: "string" });
      }
    }
    // The registry credentials only where the pull secret is written: the environment's shared stack.
    for (const id of ["staging", "production"]) {
      for (const name of ["registry_username", "registry_password"]) {
        expect(stackOf(app, id).variable?.[name]).toMatchObject({ sensitive: true, nullable: false, type: "string" });
      }
    }
    for (const id of ["cluster-staging", "cluster-production"]) {
      const stack = stackOf(app, id);
      expect(stack.provider?.kubernetes).toEqual([
        {
          host: "${var.cluster_admin_kubernetes_host}",
          cluster_ca_certificate: "${var.cluster_admin_kubernetes_cluster_ca_certificate}",
          token: "${var.cluster_admin_kubernetes_token}",
        },
      ]);
    }
    for (const id of STACK_IDS.filter((stack) => stack !== "development")) {
      const variables = stackOf(app, id).variable ?? {};
      const credentials = Object.keys(variables).filter((name) =>
        /^(cluster_admin_)?kubernetes_|^registry_/.test(name),
      );
      for (const name of credentials) {
        expect([id, name, variables[name]]).toEqual([
          id,
          name,
          expect.objectContaining({ sensitive: true, nullable: false, type: "string" }),
        ]);
      }
    }
  });

  it("writes no absolute path of this machine into any stack", () => {
    for (const [id, text] of Object.entries(app.files)) {
      expect({
        id,
        containsCwd: text.includes(process.cwd()),
        containsTmp: text.includes(`${os.tmpdir()}${path.sep}`),
      }).toEqual({
        id,
        containsCwd: false,
        containsTmp: false,
      });
      // Paths inside a container (mount targets, hook commands) are the image's layout, not this machine's.
      const absolutePaths = stringsIn(stackOf(app, id)).filter(
        (entry) =>
          /^(\/[A-Za-z]+\/|[A-Za-z]:\\)/.test(entry.value) &&
          !/(\.mounts\[\d+\]\.target|\.exec\.command\[\d+\])$/.test(entry.path),
      );
      expect(absolutePaths).toEqual([]);
    }
  });

  it("gives each environment its own namespace from the config, created by its cluster stack and no other", () => {
    expect(resourcesOf(stackOf(app, "cluster-staging"), "kubernetes_namespace_v1").map((r) => r.body.metadata)).toEqual(
      [expect.objectContaining({ name: "orders-staging" })],
    );
    expect(
      resourcesOf(stackOf(app, "cluster-production"), "kubernetes_namespace_v1").map((r) => r.body.metadata),
    ).toEqual([expect.objectContaining({ name: "orders-production" })]);
    for (const id of STACK_IDS.filter((stack) => !stack.startsWith("cluster-"))) {
      expect([id, resourcesOf(stackOf(app, id), "kubernetes_namespace_v1")]).toEqual([id, []]);
    }
  });

  it("creates every service's resources, each in its own stacks, when the config lists several", () => {
    const several = synthesizeConfig(
      configWith([["services", 1], { name: "billing-api" }], [["services", 2], { name: "search-api" }]),
    );
    for (const service of ["orders-api", "billing-api", "search-api"]) {
      const repositories = resourcesOf(stackOf(several, `github-${service}`), "github_repository");
      expect(repositories.map((r) => r.body.name)).toEqual([service]);
      for (const environment of ["staging", "production"]) {
        const environments = resourcesOf(
          stackOf(several, `${environment}-${service}`),
          "github_repository_environment",
        );
        expect(environments.map((r) => [r.body.repository, r.body.environment])).toEqual([[service, environment]]);
      }
    }
    for (const id of ["staging", "production"]) {
      expect(resourcesOf(stackOf(several, id), "github_repository_environment")).toEqual([]);
    }
  });
});

describe("Terraform Cloud", () => {
  const app = synthesizeConfig(loadDefaultConfig(), { terraformCloud: { organization: "acme" } });

  it("gives every deployed stack and each cluster stack its own workspace, named <prefix>-<stack id>", () => {
    expect(DEPLOYED_STACK_IDS).toEqual([
      "staging",
      "production",
      "github-orders-api",
      "staging-orders-api",
      "production-orders-api",
    ]);
    for (const id of [...DEPLOYED_STACK_IDS, "cluster-staging", "cluster-production"]) {
      const stack = stackOf(app, id);
      expect(stack.terraform.backend).toBeUndefined();
      expect(stack.terraform.cloud).toEqual({
        hostname: "app.terraform.io",
        organization: "acme",
        workspaces: { name: `orders-api-${id}` },
      });
    }
  });

  it("keeps the development stack's state local: it describes one developer's machine", () => {
    expect(stackOf(app, "development").terraform.cloud).toBeUndefined();
    expect(stackOf(app, "development").terraform.backend).toEqual({
      local: { path: "../../../terraform.development.tfstate" },
    });
  });

  it("takes the workspace prefix from the config and the host from the options (the staging and staging-orders-api stacks)", () => {
    const custom = synthesizeConfig(configWith([["terraformCloud", "workspacePrefix"], "shop"]), {
      terraformCloud: { organization: "acme", hostname: "tfe.example.com" },
    });
    for (const id of ["staging", "staging-orders-api"]) {
      expect(stackOf(custom, id).terraform.cloud).toEqual({
        hostname: "tfe.example.com",
        organization: "acme",
        workspaces: { name: `shop-${id}` },
      });
    }
  });

  it("writes no token", () => {
    for (const text of Object.values(app.files)) {
      expect(text).not.toMatch(/"token"\s*:\s*"(?!\$\{var\.)/);
    }
  });
});
