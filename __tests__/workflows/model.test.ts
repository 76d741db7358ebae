import { parse } from "yaml";
import {
  ACTION_PINS,
  Job,
  PINNED_USES,
  resolveAction,
  Step,
  validateCron,
  Workflow,
  type JobProps,
  type Triggers,
} from "../../renderers/workflows";

const checkout = () =>
  new Step({ name: "Check out", uses: "actions/checkout", with: { "persist-credentials": false } });
const job = (props: Partial<JobProps> = {}) =>
  new Job({ name: "build", permissions: { contents: "read" }, steps: [checkout()], ...props });
const workflow = (on: Triggers, jobs: Record<string, Job> = { build: job() }) =>
  new Workflow({ name: "test", on, jobs });

describe("the pin table", () => {
  it.each(Object.entries(ACTION_PINS))("pins %s to a full commit SHA of a vX.Y.Z release", (_, pin) => {
    expect(pin.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(pin.version).toMatch(/^v\d+\.\d+\.\d+$/);
  });

  it("resolves an action, or an action's sub-path, to owner/repo[/path]@sha", () => {
    expect(resolveAction("actions/cache/restore")).toEqual({
      uses: `actions/cache/restore@${ACTION_PINS["actions/cache"].commit}`,
      version: ACTION_PINS["actions/cache"].version,
    });
    expect(resolveAction("github/codeql-action/upload-sarif").uses).toMatch(PINNED_USES);
  });
});

describe("steps", () => {
  it("renders a pinned action with its version as a comment", () => {
    const text = workflow({ push: {} }).toYaml();
    expect(text).toContain(`uses: actions/checkout@${ACTION_PINS["actions/checkout"].commit} # v`);
  });

  it.each(["actions/checkout@v4", "actions/checkout@main", `actions/checkout@${"a".repeat(40)}`])(
    "rejects an action reference with its own ref (%s)",
    (uses) => {
      expect(() => new Step({ name: "x", uses })).toThrow(/carries its own ref/);
    },
  );

  it("rejects an action that is not in the pin table", () => {
    expect(() => new Step({ name: "x", uses: "tj-actions/changed-files" })).toThrow(
      /tj-actions\/changed-files is not in the pin table; allowed: actions\/checkout/,
    );
  });

  it.each(["./.github/actions/local", "docker://alpine:3", "checkout"])("rejects the action reference '%s'", (uses) => {
    expect(() => new Step({ name: "x", uses })).toThrow(/uses:/);
  });

  it.each([
    ["github.event.pull_request.title", "untrusted context"],
    ["inputs.environment", "untrusted context"],
    ["github.head_ref", "untrusted context"],
    ["github.event.head_commit.message", "untrusted context"],
    ["secrets.TF_API_TOKEN", "script injection"],
  ])("rejects ${{ %s }} inside run:", (expression, message) => {
    expect(() => new Step({ name: "x", run: `echo "\${{ ${expression} }}"` })).toThrow(message);
  });

  it("rejects actions/checkout that keeps the token in .git/config", () => {
    expect(() => new Step({ name: "x", uses: "actions/checkout" })).toThrow(
      /persist-credentials: false \(got undefined\)/,
    );
    expect(() => new Step({ name: "x", uses: "actions/checkout", with: { "persist-credentials": true } })).toThrow(
      /persist-credentials/,
    );
  });

  it("rejects a step with both run and uses, or neither", () => {
    expect(() => new Step({ name: "x", run: "true", uses: "actions/checkout" })).toThrow(/exactly one/);
    expect(() => new Step({ name: "x" } as never)).toThrow(/exactly one/);
  });

  it("rejects an empty name and a malformed id", () => {
    expect(() => new Step({ name: " ", run: "true" })).toThrow(/name/);
    expect(() => new Step({ name: "x", id: "1st", run: "true" })).toThrow(/id '1st'/);
  });

  it("adds a condition to a step, keeping its own", () => {
    const step = new Step({ name: "x", if: "always()", run: "true" }).withCondition("github.event_name == 'push'");
    expect(step.toJson().if).toBe("(always()) && (github.event_name == 'push')");
  });
});

describe("jobs", () => {
  it("rejects a job without permissions", () => {
    expect(() => new Job({ name: "build", steps: [checkout()] } as unknown as JobProps)).toThrow(
      /job 'build' has no permissions/,
    );
  });

  it("rejects unknown permission scopes and levels", () => {
    expect(() => job({ permissions: { everything: "write" } as never })).toThrow(
      /unknown permission scope 'everything'/,
    );
    expect(() => job({ permissions: { contents: "admin" } as never })).toThrow(/read, write or none \(got admin\)/);
  });

  it("rejects secrets: inherit on a reusable workflow call", () => {
    expect(
      () =>
        new Job({
          name: "deploy",
          permissions: {},
          uses: "./.github/workflows/deploy.yml",
          secrets: "inherit" as never,
        }),
    ).toThrow(/secrets: inherit hands every repository and environment secret/);
  });

  it("calls only reusable workflows of the same repository, naming each secret", () => {
    const call = new Job({
      name: "deploy",
      permissions: { contents: "read" },
      uses: "./.github/workflows/deploy.yml",
      secrets: { TF_API_TOKEN: "${{ secrets.TF_API_TOKEN }}" },
    });
    expect(call.toJson()).toEqual({
      name: "deploy",
      permissions: { contents: "read" },
      uses: "./.github/workflows/deploy.yml",
      secrets: { TF_API_TOKEN: "${{ secrets.TF_API_TOKEN }}" },
    });
    expect(() => new Job({ name: "x", permissions: {}, uses: "octo/repo/.github/workflows/x.yml@main" })).toThrow(
      /reusable workflow of this repository/,
    );
    expect(
      () => new Job({ name: "x", permissions: {}, uses: "./.github/workflows/x.yml", steps: [checkout()] }),
    ).toThrow(/cannot also set steps/);
  });

  it("rejects a job without steps, repeated step ids and a bad timeout", () => {
    expect(() => job({ steps: [] })).toThrow(/no steps/);
    const step = new Step({ name: "a", id: "same", run: "true" });
    expect(() => job({ steps: [step, step] })).toThrow(/step id 'same' is used twice/);
    expect(() => job({ timeoutMinutes: 0 })).toThrow(/timeoutMinutes/);
  });

  it("defaults to a fixed runner image and a 30 minute timeout", () => {
    expect(job().toJson()).toMatchObject({ "runs-on": "ubuntu-24.04", "timeout-minutes": 30 });
  });
});

describe("workflows", () => {
  it.each(["pull_request_target", "workflow_run"])("rejects the %s trigger", (trigger) => {
    expect(() => workflow({ [trigger]: {} })).toThrow(`trigger ${trigger} is not allowed`);
  });

  it("rejects unknown triggers and a workflow without triggers", () => {
    expect(() => workflow({ issue_comment: {} } as Triggers)).toThrow(/unknown trigger 'issue_comment'/);
    expect(() => workflow({})).toThrow(/no trigger/);
  });

  it("rejects a top-level permission that is not read-only", () => {
    expect(
      () =>
        new Workflow({ name: "test", on: { push: {} }, permissions: { contents: "write" }, jobs: { build: job() } }),
    ).toThrow(/top-level permission contents: write would reach every job/);
  });

  it("accepts read-only top-level permissions and defaults to none at all", () => {
    const readOnly = new Workflow({
      name: "t",
      on: { push: {} },
      permissions: { contents: "read" },
      jobs: { b: job() },
    });
    expect(readOnly.toJson().permissions).toEqual({ contents: "read" });
    expect(workflow({ push: {} }).toJson().permissions).toEqual({});
  });

  it("rejects an invalid cron schedule", () => {
    expect(() => workflow({ schedule: [{ cron: "0 0 * *" }] })).toThrow(/must have 5 fields/);
  });

  it("rejects needs on unknown jobs, duplicate check names, bad job ids and no jobs", () => {
    expect(() => workflow({ push: {} }, { build: job({ needs: ["lint"] }) })).toThrow(/needs 'lint'/);
    expect(() => workflow({ push: {} }, { a: job(), b: job() })).toThrow(/both named 'build'/);
    expect(() => workflow({ push: {} }, { "bad id": job() })).toThrow(/job id 'bad id'/);
    expect(() => workflow({ push: {} }, {})).toThrow(/no jobs/);
  });

  it("rejects a choice input without options or with a default outside them", () => {
    const input = { description: "env", type: "choice", required: true } as const;
    expect(() => workflow({ workflow_dispatch: { inputs: { environment: input } } })).toThrow(/without options/);
    expect(() =>
      workflow({ workflow_dispatch: { inputs: { environment: { ...input, options: ["a"], default: "b" } } } }),
    ).toThrow(/defaults to 'b'/);
  });

  it("renders the same bytes every time, keys in a fixed order, scripts as literal blocks", () => {
    const build = () =>
      new Workflow({
        name: "test",
        on: { push: { branches: ["main"] } },
        jobs: {
          build: job({ steps: [checkout(), new Step({ name: "Run", env: { A: "1" }, run: "echo a\necho b" })] }),
        },
      }).toYaml();
    const text = build();
    expect(build()).toBe(text);
    expect(Object.keys(parse(text) as object)).toEqual(["name", "on", "permissions", "jobs"]);
    expect(text).toContain("        run: |\n          echo a\n          echo b\n");
    expect(text).not.toMatch(/[&*]a\d/); // no YAML anchors or aliases
    expect(text.startsWith("# Generated by the delivery-pipeline project")).toBe(true);
  });
});

describe("cron schedules", () => {
  it.each(["0 0 * * *", "23 5 * * 1", "*/15 * * * *", "0 8-18/2 * * 1-5", "0,30 6 1,15 1-12 0", "59 23 31 12 6"])(
    "accepts '%s'",
    (cron) => {
      expect(() => validateCron(cron)).not.toThrow();
    },
  );

  it.each([
    ["0 0 * *", /5 fields/],
    ["0 0 * * * *", /5 fields/],
    ["60 0 * * *", /minute '60' has 60, outside 0-59/],
    ["0 24 * * *", /hour '24' has 24, outside 0-23/],
    ["0 0 0 * *", /day of month '0' has 0, outside 1-31/],
    ["0 0 * 13 *", /month '13' has 13, outside 1-12/],
    ["0 0 * * 7", /day of week '7' has 7, outside 0-6/],
    ["0 0 * * MON", /day of week 'MON' has 'MON', which is not a number or a range/],
    ["*/0 * * * *", /step '0'/],
    ["5-1 * * * *", /runs backwards/],
    ["1/2/3 * * * *", /more than one '\/'/],
    ["1-2-3 * * * *", /not a number or a range/],
  ])("rejects '%s'", (cron, message) => {
    expect(() => validateCron(cron)).toThrow(message);
  });
});
