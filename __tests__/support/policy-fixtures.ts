// Raw provider resources in their secure shape: each passes every rule of the policy pack, and
// each test breaks exactly one thing (with addOverride, in Terraform's attribute names).
import { ActionsSecret } from "@cdktf/provider-github/lib/actions-secret";
import { Repository } from "@cdktf/provider-github/lib/repository";
import { RepositoryEnvironment } from "@cdktf/provider-github/lib/repository-environment";
import { RepositoryFile } from "@cdktf/provider-github/lib/repository-file";
import { RepositoryRuleset } from "@cdktf/provider-github/lib/repository-ruleset";
import { DeploymentV1 } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { HorizontalPodAutoscalerV2 } from "@cdktf/provider-kubernetes/lib/horizontal-pod-autoscaler-v2";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { PodDisruptionBudgetV1 } from "@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import type { TerraformStack } from "cdktf";
import { stringify } from "yaml";
import { SensitiveVariable, terraformLiteral } from "../../constructs/terraform";

export const DIGEST = `sha256:${"a".repeat(64)}`;
const CHECKOUT = "actions/checkout@08eba0b27e820071cde6df949e0beb9ba4906955";
const SETUP_UV = "astral-sh/setup-uv@e92bafb6253dcd438e0484186d7669ea7a8ca1cc";

/** A namespace labelled for Pod Security Admission `restricted`. */
export function restrictedNamespace(stack: TerraformStack, name = "shop"): NamespaceV1 {
  return new NamespaceV1(stack, name, {
    metadata: {
      name,
      labels: {
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "v1.33",
      },
    },
  });
}

export interface SecureWorkloadOptions {
  /** @default "shop" */
  readonly namespace?: string;
  /** @default a digest-pinned image */
  readonly image?: string;
}

/** A hardened Deployment with its autoscaler, disruption budget and default-deny network policy. */
export function secureWorkload(
  stack: TerraformStack,
  id = "web",
  options: SecureWorkloadOptions = {},
): {
  deployment: DeploymentV1;
  autoscaler: HorizontalPodAutoscalerV2;
  budget: PodDisruptionBudgetV1;
  policy: NetworkPolicyV1;
} {
  const namespace = options.namespace ?? "shop";
  const labels = { "app.kubernetes.io/name": id };
  const probe = (path: string) => ({ httpGet: { path, port: "http" }, periodSeconds: 5 });
  const deployment = new DeploymentV1(stack, id, {
    metadata: { name: id, namespace },
    spec: {
      selector: { matchLabels: labels },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "0", maxSurge: "1" } },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: "1000",
            runAsGroup: "1000",
            fsGroup: "1000",
            seccompProfile: { type: "RuntimeDefault" },
          },
          container: [
            {
              name: "app",
              image: options.image ?? `ghcr.io/acme/${id}@${DIGEST}`,
              port: [{ name: "http", containerPort: 8000 }],
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                privileged: false,
                capabilities: { drop: ["ALL"] },
              },
              resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
              startupProbe: probe("/health"),
              livenessProbe: probe("/liveness"),
              readinessProbe: probe("/readiness"),
              volumeMount: [{ name: "tmp", mountPath: "/tmp" }],
            },
          ],
          volume: [{ name: "tmp", emptyDir: {} }],
        },
      },
    },
  });
  const autoscaler = new HorizontalPodAutoscalerV2(stack, `${id}-autoscaler`, {
    metadata: { name: id, namespace },
    spec: {
      minReplicas: 2,
      maxReplicas: 10,
      // By reference, as constructs write it: the rule resolves it to the Deployment's name.
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
      metric: [
        { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
      ],
    },
  });
  const budget = new PodDisruptionBudgetV1(stack, `${id}-budget`, {
    metadata: { name: id, namespace },
    spec: { maxUnavailable: "1", selector: { matchLabels: labels } },
  });
  const policy = new NetworkPolicyV1(stack, `${id}-default-deny`, {
    metadata: { name: `${id}-default-deny`, namespace },
    spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
  });
  return { deployment, autoscaler, budget, policy };
}

/** A Secret whose value comes from a sensitive variable. */
export function secureSecret(stack: TerraformStack, id = "database"): SecretV1 {
  const url = SensitiveVariable.of(stack, "database_url", { description: "database URL" });
  return new SecretV1(stack, id, {
    metadata: { name: id, namespace: "shop" },
    data: { DATABASE_URL: url.stringValue },
  });
}

/** A private repository with its features set explicitly, as ServiceRepository writes them. */
export function privateRepository(stack: TerraformStack, id = "orders"): Repository {
  return new Repository(stack, id, {
    name: id,
    visibility: "private",
    hasIssues: true,
    hasProjects: false,
    hasDiscussions: false,
    homepageUrl: "",
  });
}

/** A repository whose default branch a ruleset protects as Scorecard's Branch-Protection asks. */
export function protectedRepository(
  stack: TerraformStack,
  id = "orders",
): { repository: Repository; ruleset: RepositoryRuleset } {
  const repository = privateRepository(stack, id);
  const ruleset = new RepositoryRuleset(stack, `${id}-default-branch`, {
    repository: repository.name,
    name: "default branch",
    target: "branch",
    enforcement: "active",
    conditions: { refName: { include: ["~DEFAULT_BRANCH"], exclude: [] } },
    rules: {
      deletion: true,
      nonFastForward: true,
      requiredLinearHistory: true,
      pullRequest: {
        requiredApprovingReviewCount: 2,
        dismissStaleReviewsOnPush: true,
        requireCodeOwnerReview: true,
        requireLastPushApproval: true,
      },
      requiredStatusChecks: {
        strictRequiredStatusChecksPolicy: true,
        requiredCheck: [{ context: "quality" }, { context: "tests" }],
      },
    },
  });
  return { repository, ruleset };
}

/** The production environment behind an approval gate. */
export function gatedEnvironment(stack: TerraformStack, id = "orders-production"): RepositoryEnvironment {
  return new RepositoryEnvironment(stack, id, {
    repository: "orders",
    environment: "production",
    canAdminsBypass: false,
    preventSelfReview: true,
    waitTimer: 15,
    reviewers: [{ users: [1234], teams: [] }],
    deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
  });
}

/** A repository secret whose value is a sensitive variable. */
export function secureActionsSecret(stack: TerraformStack, id = "slack"): ActionsSecret {
  const webhook = SensitiveVariable.of(stack, "orders_slack_webhook_url", { description: "Slack webhook" });
  return new ActionsSecret(stack, id, {
    repository: "orders",
    secretName: "SLACK_WEBHOOK_URL",
    plaintextValue: webhook.stringValue,
  });
}

/**
 * A workflow the pipeline guardrails accept (pinned actions, permissions per job, no credentials left
 * in `.git/config`, untrusted input through `env`); tests edit the object before committing it.
 */
export function secureWorkflow(): Record<string, unknown> {
  return {
    name: "CI",
    on: { pull_request: {}, push: { branches: ["main", "develop"] }, workflow_dispatch: {} },
    permissions: {},
    jobs: {
      quality: {
        "runs-on": "ubuntu-24.04",
        permissions: { contents: "read" },
        steps: [
          { name: "Checkout", uses: CHECKOUT, with: { "persist-credentials": false, "fetch-depth": 0 } },
          { name: "Set up uv", uses: SETUP_UV, with: { version: "0.8.6" } },
          {
            name: "Describe the change",
            env: { TITLE: "${{ github.event.pull_request.title }}" },
            run: 'echo "$TITLE at ${{ github.sha }}"',
          },
          { name: "Health", run: "curl -s -o /dev/null -w '%{http_code}' https://example.com/health" },
        ],
      },
      publish: {
        "runs-on": "ubuntu-24.04",
        needs: "quality",
        permissions: { contents: "read", packages: "write", "id-token": "write" },
        steps: [{ name: "Checkout", uses: CHECKOUT, with: { "persist-credentials": false } }],
      },
    },
  };
}

/** Commits a workflow the way ManagedFiles does: rendered YAML, escaped for Terraform. */
export function workflowFile(stack: TerraformStack, workflow: Record<string, unknown>, id = "ci"): RepositoryFile {
  return new RepositoryFile(stack, id, {
    repository: "orders",
    file: `.github/workflows/${id}.yml`,
    content: terraformLiteral(stringify(workflow)),
    commitMessage: "chore: update workflow",
    overwriteOnCreate: true,
  });
}
