import { execFile, execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../support/synth";

// The production job's wait step, run by bash against a fake Kubernetes API on loopback that
// answers the Canary and its primary Deployment as Flagger v1.44.0 writes them: the phases of
// `pkg/apis/flagger/v1beta1/status.go`, the primary `<name>-primary` of
// `pkg/canary/deployment_controller.go`.

jest.setTimeout(20_000);

const SCRIPT = path.join(PROJECT_ROOT, "renderers/workflows/scripts/canary-wait.sh");
const IMAGE = "ghcr.io/acme/orders-api";
const OLD = `sha256:${"1".repeat(64)}`;
const NEW = `sha256:${"2".repeat(64)}`;
const SINCE = "2026-12-01T10:00:00Z";
const BEFORE = "2026-12-01T09:00:00Z";
const AFTER = "2026-12-01T10:05:00Z";

/** One answer of the fake API: the Canary's status and the primary's image. */
interface ClusterState {
  readonly phase?: string;
  readonly weight?: number;
  readonly failedChecks?: number;
  readonly message?: string;
  readonly changed?: string;
  readonly primaryDigest: string;
  /** Answer 500 to this poll. */
  readonly down?: boolean;
}

interface FakeKubernetes {
  readonly url: string;
  readonly requests: { path: string; authorization: string | undefined }[];
  close(): Promise<void>;
}

/** Serves the states one poll (a Canary read) after another; the last one repeats. */
function startFakeKubernetes(states: readonly ClusterState[]): Promise<FakeKubernetes> {
  const requests: FakeKubernetes["requests"] = [];
  let poll = -1;
  const server = http.createServer((request, response) => {
    const url = request.url ?? "";
    requests.push({ path: url, authorization: request.headers.authorization });
    if (url === "/apis/flagger.app/v1beta1/namespaces/production/canaries/orders-api") {
      poll += 1;
    }
    const state = states[Math.min(Math.max(poll, 0), states.length - 1)] as ClusterState;
    const send = (status: number, json: unknown) => {
      response.writeHead(status, { "Content-Type": "application/json" });
      response.end(JSON.stringify(json));
    };
    if (state.down === true) {
      return send(500, { kind: "Status", status: "Failure", code: 500 });
    }
    if (url === "/apis/flagger.app/v1beta1/namespaces/production/canaries/orders-api") {
      return send(200, {
        apiVersion: "flagger.app/v1beta1",
        kind: "Canary",
        metadata: { name: "orders-api", namespace: "production" },
        status: {
          ...(state.phase === undefined ? {} : { phase: state.phase }),
          canaryWeight: state.weight ?? 0,
          failedChecks: state.failedChecks ?? 0,
          iterations: 0,
          lastTransitionTime: state.changed ?? AFTER,
          conditions: [
            {
              type: "Promoted",
              status: state.phase === "Failed" ? "False" : "Unknown",
              reason: state.phase ?? "Initializing",
              message: state.message ?? "",
            },
          ],
        },
      });
    }
    if (url === "/apis/apps/v1/namespaces/production/deployments/orders-api-primary") {
      return send(200, {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "orders-api-primary", namespace: "production" },
        spec: {
          template: { spec: { containers: [{ name: "orders-api", image: `${IMAGE}@${state.primaryDigest}` }] } },
        },
      });
    }
    return send(404, { kind: "Status", status: "Failure", code: 404 });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly summary: string;
  readonly notifications: string[];
  readonly requests: FakeKubernetes["requests"];
}

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "canary-wait-"));
  // Records each notification instead of posting it.
  fs.writeFileSync(path.join(dir, "notify.sh"), 'printf "%s\\n" "$1" >> "$NOTIFICATIONS"\n');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function waitFor(states: readonly ClusterState[], env: Record<string, string> = {}): Promise<Outcome> {
  const api = await startFakeKubernetes(states);
  const summary = path.join(dir, `summary-${Math.random()}`);
  const notifications = path.join(dir, `notifications-${Math.random()}`);
  fs.writeFileSync(summary, "");
  fs.writeFileSync(notifications, "");
  try {
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        "bash",
        ["-e", SCRIPT],
        {
          env: {
            PATH: process.env.PATH ?? "",
            K8S_API_URL: api.url,
            K8S_TOKEN: "token-for-tests",
            K8S_NAMESPACE: "production",
            SERVICE: "orders-api",
            IMAGE,
            DIGEST: NEW,
            CANARY_SINCE: SINCE,
            CANARY_POLL_SECONDS: "0",
            CANARY_TIMEOUT_SECONDS: "30",
            NOTIFY_SCRIPT: path.join(dir, "notify.sh"),
            NOTIFICATIONS: notifications,
            GITHUB_STEP_SUMMARY: summary,
            ...env,
          },
        },
        (error, out) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: out }),
      );
    });
    return {
      code,
      stdout,
      summary: fs.readFileSync(summary, "utf8"),
      notifications: fs.readFileSync(notifications, "utf8").split("\n").filter(Boolean),
      requests: api.requests,
    };
  } finally {
    await api.close();
  }
}

const PROGRESSING: ClusterState[] = [10, 25, 50, 100].map((weight) => ({
  phase: "Progressing",
  weight,
  message: "New revision detected, progressing canary analysis.",
  primaryDigest: OLD,
}));

describe("canary-wait.sh (against a fake Kubernetes API)", () => {
  it("waits through every step until Flagger promotes the new digest, reporting each step in the job summary", async () => {
    const outcome = await waitFor([
      // Before Flagger sees the new Deployment spec: the last release's verdict, the old digest.
      { phase: "Succeeded", changed: BEFORE, primaryDigest: OLD },
      ...PROGRESSING,
      { phase: "Promoting", weight: 0, primaryDigest: NEW },
      { phase: "Finalising", weight: 0, primaryDigest: NEW },
      {
        phase: "Succeeded",
        message: "Canary analysis completed successfully, promotion finished.",
        primaryDigest: NEW,
      },
    ]);
    expect(outcome.code).toBe(0);
    const rows = outcome.summary.split("\n").filter((line) => /^\| \d\d:/.test(line));
    expect(rows.map((row) => row.split(" | ").slice(1, 3).join(" "))).toEqual([
      "Succeeded 0 %",
      "Progressing 10 %",
      "Progressing 25 %",
      "Progressing 50 %",
      "Progressing 100 %",
      "Promoting 0 %",
      "Finalising 0 %",
      "Succeeded 0 %",
    ]);
    expect(outcome.summary).toContain(`**Promoted**: orders-api-primary serves ${IMAGE}@${NEW}.`);
    expect(outcome.notifications).toEqual([
      `orders-api: canary analysis of ${IMAGE}@${NEW} started in production`,
      `orders-api: canary of ${IMAGE}@${NEW} promoted in production`,
    ]);
  });

  it("sends the token as a bearer header to the Canary and primary Deployment paths only", async () => {
    const outcome = await waitFor([{ phase: "Succeeded", primaryDigest: NEW }]);
    expect(outcome.code).toBe(0);
    expect(new Set(outcome.requests.map((request) => request.path))).toEqual(
      new Set([
        "/apis/flagger.app/v1beta1/namespaces/production/canaries/orders-api",
        "/apis/apps/v1/namespaces/production/deployments/orders-api-primary",
      ]),
    );
    expect(new Set(outcome.requests.map((request) => request.authorization))).toEqual(
      new Set(["Bearer token-for-tests"]),
    );
    expect(outcome.stdout).not.toContain("token-for-tests");
  });

  it("accepts the first release, which Flagger initialises as the primary without analysis", async () => {
    const outcome = await waitFor([
      { phase: "Initializing", primaryDigest: OLD },
      { phase: "Initialized", primaryDigest: NEW },
    ]);
    expect(outcome.code).toBe(0);
  });

  it("fails when Flagger aborts the canary, reporting that the previous digest still serves", async () => {
    const outcome = await waitFor([
      ...PROGRESSING.slice(0, 2),
      { phase: "Progressing", weight: 25, failedChecks: 1, message: "Halt advancement", primaryDigest: OLD },
      { phase: "Progressing", weight: 25, failedChecks: 2, message: "Halt advancement", primaryDigest: OLD },
      {
        phase: "Failed",
        weight: 0,
        failedChecks: 3,
        message: "Canary analysis failed, Deployment scaled to zero.",
        primaryDigest: OLD,
      },
    ]);
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toContain(
      `::error::Flagger aborted the canary of ${NEW} after 3 failed checks (Canary analysis failed, Deployment scaled to zero.); traffic is back on the primary, which serves ${IMAGE}@${OLD}`,
    );
    expect(outcome.summary).toContain(`**Rolled back** by Flagger: orders-api-primary serves ${IMAGE}@${OLD}.`);
    expect(outcome.summary).toContain("| Progressing | 25 % | 2 | Halt advancement |");
    expect(outcome.notifications.at(-1)).toBe(
      `orders-api: canary of ${IMAGE}@${NEW} FAILED in production and was rolled back; ${IMAGE}@${OLD} keeps serving`,
    );
  });

  it("ignores a Failed verdict older than this release and keeps waiting for its own", async () => {
    const outcome = await waitFor([
      { phase: "Failed", changed: BEFORE, primaryDigest: OLD },
      ...PROGRESSING,
      { phase: "Succeeded", primaryDigest: NEW },
    ]);
    expect(outcome.code).toBe(0);
  });

  it("fails without a verdict within the timeout, naming the last phase", async () => {
    const outcome = await waitFor([PROGRESSING[1] as ClusterState], { CANARY_TIMEOUT_SECONDS: "0" });
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toContain(
      `::error::No verdict from Flagger on ${NEW} within 0 seconds (last phase: Progressing); the primary serves ${IMAGE}@${OLD}`,
    );
  });

  it("rides out a few failed API calls, and fails after six in a row", async () => {
    const down: ClusterState = { down: true, primaryDigest: OLD };
    const recovered = await waitFor([down, down, down, { phase: "Succeeded", primaryDigest: NEW }]);
    expect(recovered.code).toBe(0);
    const outcome = await waitFor([down]);
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toContain(
      "did not answer for the Canary production/orders-api or its primary Deployment 6 times in a row",
    );
  });

  it("fails before any call when the cluster settings are missing, naming where to set each", async () => {
    const outcome = await waitFor([{ phase: "Succeeded", primaryDigest: NEW }], {
      K8S_API_URL: "",
      K8S_TOKEN: "",
    });
    expect(outcome.code).toBe(1);
    expect(outcome.stdout.split("\n").filter(Boolean)).toEqual([
      "::error::K8S_API_URL is empty: set the production environment's variable K8S_API_URL (the API server, https://...)",
      "::error::K8S_TOKEN is empty: set the production environment's secret K8S_CANARY_TOKEN (the canary-observer account's token)",
    ]);
    expect(outcome.requests).toEqual([]);
  });

  // shellcheck is a Debian package (apt-get install shellcheck), not an npm one.
  const shellcheck = spawnSync("shellcheck", ["--version"]).status === 0;
  (shellcheck ? it : it.skip)("passes shellcheck (skipped when shellcheck is not installed)", () => {
    let findings = "";
    try {
      execFileSync("shellcheck", ["--shell=bash", SCRIPT], { stdio: "pipe" });
    } catch (error) {
      findings = String((error as { stdout?: Buffer }).stdout ?? error);
    }
    expect(findings).toBe("");
  });
});
