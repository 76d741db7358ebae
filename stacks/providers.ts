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

/** The Kubernetes provider, authenticated only through sensitive Terraform variables. */
export function kubernetesProvider(scope: Construct): KubernetesProvider {
  const host = SensitiveVariable.of(scope, "kubernetes_host", {
    description: "API server URL of the cluster this environment deploys to (https://...)",
  });
  const clusterCaCertificate = SensitiveVariable.of(scope, "kubernetes_cluster_ca_certificate", {
    description: "PEM-encoded CA certificate of the cluster's API server",
  });
  const token = SensitiveVariable.of(scope, "kubernetes_token", {
    description: "Bearer token of the deploying service account (scoped to this environment's namespace)",
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
