import { RepositoryFile } from "@cdktf/provider-github/lib/repository-file";
import type { TerraformStack } from "cdktf";
import { describeRuleCases, findingsOf, guardrailsReport, type RuleCase } from "../support/policy";
import { secureWorkflow, workflowFile } from "../support/policy-fixtures";

type Workflow = Record<string, unknown>;
type Job = { steps: Record<string, unknown>[] } & Record<string, unknown>;

/** The secure workflow with one change, committed as `.github/workflows/ci.yml`. */
function committedWith(change: (workflow: Workflow, jobs: Record<string, Job>) => void) {
  return (stack: TerraformStack) => {
    const workflow = secureWorkflow();
    change(workflow, workflow.jobs as Record<string, Job>);
    workflowFile(stack, workflow);
  };
}

function quality(jobs: Record<string, Job>): Job {
  const job = jobs.quality;
  if (job === undefined) {
    throw new Error("the secure workflow has a quality job");
  }
  return job;
}

const SHA = "1".repeat(40);

const cases: RuleCase[] = [
  {
    rule: "WF001",
    accepts: "a workflow whose ${{ }} and %{ } are escaped for Terraform",
    pass: committedWith(() => undefined),
    rejects: "a workflow whose content is a Terraform expression",
    fail: (stack) =>
      new RepositoryFile(stack, "ci", {
        repository: "orders",
        file: ".github/workflows/ci.yml",
        content: '${file("ci.yml")}',
      }),
    address: "github_repository_file.ci",
  },
  {
    rule: "WF002",
    accepts: "actions of the same repository and container actions by digest",
    pass: committedWith((_, jobs) => {
      quality(jobs).steps.push(
        { uses: "./.github/actions/lint" },
        { uses: `docker://ghcr.io/acme/tool@sha256:${"b".repeat(64)}` },
      );
    }),
    rejects: "an action referenced by a tag",
    fail: committedWith((_, jobs) => {
      quality(jobs).steps.push({ uses: "actions/setup-python@v5" });
    }),
    address: "github_repository_file.ci",
  },
  {
    rule: "WF003",
    accepts: "top-level read-all permissions",
    pass: committedWith((workflow) => {
      workflow.permissions = "read-all";
    }),
    rejects: "a workflow that grants contents: write to every job",
    fail: committedWith((workflow) => {
      workflow.permissions = { contents: "write" };
    }),
    address: "github_repository_file.ci",
  },
  {
    rule: "WF004",
    accepts: "a job with empty permissions",
    pass: committedWith((_, jobs) => {
      quality(jobs).permissions = {};
    }),
    rejects: "a job without permissions",
    fail: committedWith((_, jobs) => {
      delete quality(jobs).permissions;
    }),
    address: "github_repository_file.ci",
  },
  {
    rule: "WF005",
    accepts: "triggers given as a list",
    pass: committedWith((workflow) => {
      workflow.on = ["push", "pull_request"];
    }),
    rejects: "a workflow on pull_request_target",
    fail: committedWith((workflow) => {
      workflow.on = { pull_request_target: { types: ["opened"] } };
    }),
    address: "github_repository_file.ci",
  },
  {
    rule: "WF006",
    accepts: "untrusted input passed through env and trusted contexts in scripts",
    pass: committedWith(() => undefined),
    rejects: "a script that expands a pull request title",
    fail: committedWith((_, jobs) => {
      quality(jobs).steps.push({ name: "Greet", run: 'echo "${{ github.event.pull_request.title }}"' });
    }),
    address: "github_repository_file.ci",
  },
  {
    rule: "WF007",
    accepts: "persist-credentials given as the string 'false'",
    pass: committedWith((_, jobs) => {
      quality(jobs).steps[0] = { uses: `actions/checkout@${SHA}`, with: { "persist-credentials": "false" } };
    }),
    rejects: "a checkout that keeps the token",
    fail: committedWith((_, jobs) => {
      quality(jobs).steps[0] = { name: "Checkout", uses: `actions/checkout@${SHA}` };
    }),
    address: "github_repository_file.ci",
  },
  {
    rule: "WF008",
    accepts: "a reusable workflow given its secrets by name",
    pass: committedWith((_, jobs) => {
      jobs.deploy = {
        uses: `acme/pipelines/.github/workflows/deploy.yml@${SHA}`,
        permissions: { contents: "read" },
        secrets: { TF_API_TOKEN: "${{ secrets.TF_API_TOKEN }}" },
        steps: [],
      };
    }),
    rejects: "a reusable workflow given every secret",
    fail: committedWith((_, jobs) => {
      jobs.deploy = {
        uses: `acme/pipelines/.github/workflows/deploy.yml@${SHA}`,
        permissions: { contents: "read" },
        secrets: "inherit",
        steps: [],
      };
    }),
    address: "github_repository_file.ci",
  },
];

describe("workflow rules", () => {
  describeRuleCases("WF", cases);

  it("reads the workflow GitHub gets: Terraform's escapes undone before parsing", () => {
    const report = guardrailsReport(
      committedWith((_, jobs) => {
        quality(jobs).steps.push({ run: "echo ${{ inputs.environment }}" });
      }),
    );
    expect(report.map((finding) => finding.line)).toEqual([
      expect.stringContaining(
        "WF006 github_repository_file.ci: .github/workflows/ci.yml: job 'quality' step '#5' expands '${{ inputs.environment }}'",
      ),
    ]);
  });

  it("fails a workflow that is not valid YAML", () => {
    const report = guardrailsReport((stack) => {
      new RepositoryFile(stack, "ci", { repository: "orders", file: ".github/workflows/ci.yml", content: "jobs: [\n" });
    });
    expect(findingsOf(report)).toEqual(["error WF001 github_repository_file.ci"]);
    expect(report[0]?.line).toContain("not valid YAML");
  });

  it("fails a workflow without top-level permissions, and one run on workflow_run", () => {
    const report = guardrailsReport(
      committedWith((workflow) => {
        delete workflow.permissions;
        workflow.on = "workflow_run";
      }),
    );
    expect(findingsOf(report)).toEqual([
      "error WF003 github_repository_file.ci",
      "error WF005 github_repository_file.ci",
    ]);
  });

  it("fails write-all at the top level and in a job, and unpinned reusable workflows", () => {
    const report = guardrailsReport(
      committedWith((workflow, jobs) => {
        workflow.permissions = "write-all";
        quality(jobs).permissions = "write-all";
        jobs.deploy = { uses: "acme/pipelines/.github/workflows/deploy.yml@main", permissions: {}, steps: [] };
      }),
    );
    expect(findingsOf(report)).toEqual([
      "error WF002 github_repository_file.ci",
      "error WF003 github_repository_file.ci",
      "error WF004 github_repository_file.ci",
    ]);
  });

  it("ignores managed files that are not workflows", () => {
    const report = guardrailsReport((stack) => {
      new RepositoryFile(stack, "dependabot", {
        repository: "orders",
        file: ".github/dependabot.yml",
        content: "version: 2\nupdates: []\n",
      });
    });
    expect(report).toEqual([]);
  });
});
