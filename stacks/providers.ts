import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { GithubProvider } from "@cdktf/provider-github/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import type { Construct } from "constructs";
import { SensitiveVariable } from "../constructs/terraform";

/**
 * The GitHub provider with no credential in the output: it reads `GITHUB_TOKEN` (a token with
 * `repo` and `workflow` scopes, or a GitHub App installation) from the environment at plan time.
 */
export function githubProvider(scope: Construct, owner: string): GithubProvider {
  return new GithubProvider(scope, "github", { owner });
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
