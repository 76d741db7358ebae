import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { GithubProvider } from "@cdktf/provider-github/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { SensitiveVariable } from "../constructs/terraform";
import { PROVIDER_REQUIREMENTS } from "../lib/domain";

/**
 * Writes the provider's full source address and version constraint into the stack's
 * `required_providers`, replacing the exact version the bindings were generated from.
 */
function requireProvider(scope: Construct, name: keyof typeof PROVIDER_REQUIREMENTS): void {
  const { source, version } = PROVIDER_REQUIREMENTS[name];
  TerraformStack.of(scope).addOverride(`terraform.required_providers.${name}`, { source, version });
}

/**
 * The GitHub provider with no credential in the output. With `app` (the default) it signs in as a
 * GitHub App installation: the empty `app_auth` block makes the provider read `GITHUB_APP_ID`,
 * `GITHUB_APP_INSTALLATION_ID` and `GITHUB_APP_PEM_FILE` from the environment
 * (github/provider.go:96-124 at v6.10.0; a PEM with literal `\n` is accepted, :397-401), so the
 * credential is short-lived and scoped to the installation's repositories and permissions. With
 * `token` it reads `GITHUB_TOKEN`. README "Credentials" lists the permissions each stack needs.
 */
export function githubProvider(
  scope: Construct,
  github: { readonly owner: string; readonly authentication: "app" | "token" },
): GithubProvider {
  requireProvider(scope, "github");
  const provider = new GithubProvider(scope, "github", { owner: github.owner });
  if (github.authentication === "app") {
    provider.addOverride("app_auth", {});
  }
  return provider;
}

/**
 * The Kubernetes provider, authenticated only through sensitive Terraform variables. An
 * environment stack deploys with a token bound to the namespaced deployer Role; a cluster stack
 * (`scope: "cluster"`) with a cluster-level credential under its own variable names, so that the
 * two can never be confused in a workspace or a CI environment.
 */
export function kubernetesProvider(scope: Construct, level: "namespace" | "cluster" = "namespace"): KubernetesProvider {
  const prefix = level === "cluster" ? "cluster_admin_" : "";
  const host = SensitiveVariable.of(scope, `${prefix}kubernetes_host`, {
    description: "API server URL of the cluster this environment deploys to (https://...)",
  });
  const clusterCaCertificate = SensitiveVariable.of(scope, `${prefix}kubernetes_cluster_ca_certificate`, {
    description: "PEM-encoded CA certificate of the cluster's API server",
  });
  const token = SensitiveVariable.of(scope, `${prefix}kubernetes_token`, {
    description:
      level === "cluster"
        ? "Bearer token of a cluster-level identity that may write namespaces, resource quotas, limit ranges and RBAC"
        : "Bearer token of the environment's delivery-deployer service account (its namespaced Role only)",
  });
  requireProvider(scope, "kubernetes");
  return new KubernetesProvider(scope, "kubernetes", {
    host: host.stringValue,
    clusterCaCertificate: clusterCaCertificate.stringValue,
    token: token.stringValue,
  });
}

/**
 * The Docker provider for this machine's engine (`DOCKER_HOST`, or the platform's default
 * socket): the development stack's containers. It needs no credential: the images it pulls are
 * public and pinned by digest.
 */
export function localDockerProvider(scope: Construct): DockerProvider {
  requireProvider(scope, "docker");
  return new DockerProvider(scope, "docker", {});
}

/** The registry credentials of the cluster's image pull Secret. */
export function registryCredentials(scope: Construct): { username: SensitiveVariable; password: SensitiveVariable } {
  return {
    username: SensitiveVariable.of(scope, "registry_username", {
      description: "User name for the container registry (for GHCR: the GitHub user or app owning the token)",
    }),
    password: SensitiveVariable.of(scope, "registry_password", {
      description: "Token with read:packages for the container registry",
    }),
  };
}
