import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";

// Local fakes of what the generated pipeline talks to, on 127.0.0.1 only: Terraform Cloud (its
// JSON:API: workspaces, variables, runs and their actions, plan logs), GitHub's REST API (the
// deployment records), an OCI registry (which digests are signed, what each tag resolves to) and
// the deployed service itself (its health paths and the version it reports). Plus stand-ins for
// the `gh`, `cosign` and `docker` commands that reach these fakes instead of the internet.

type Handler = (method: string, url: string, body: string) => { status: number; json?: unknown; text?: string };

export interface FakeServer {
  readonly url: string;
  close(): Promise<void>;
}

function serve(handler: Handler): Promise<FakeServer> {
  const server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const answer = handler(request.method ?? "", request.url ?? "", body);
      if (answer.json !== undefined) {
        response.writeHead(answer.status, { "Content-Type": "application/json" });
        response.end(JSON.stringify(answer.json));
      } else {
        response.writeHead(answer.status, { "Content-Type": "text/plain" });
        response.end(answer.text ?? "");
      }
    });
  });
  return new Promise((done) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      done({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((closed) => {
            server.closeAllConnections();
            server.close(() => closed());
          }),
      });
    });
  });
}

/** One step of a fake run: its status, and whether it waits for a person (`is-confirmable`). */
export interface RunPoll {
  readonly status: string;
  readonly confirmable?: boolean;
  readonly planOnly?: boolean;
}

export interface FakeRun {
  readonly id: string;
  readonly workspace: string;
  readonly message: string;
  /** The polls still to come; the last one repeats. */
  polls: RunPoll[];
  status: string;
  planOnly: boolean;
  actions: string[];
  /** The workspace's variables when the run was created: what it deploys. */
  readonly variables: Record<string, string>;
}

export interface FakeTerraformCloud extends FakeServer {
  readonly api: string;
  /** Variables by workspace name. */
  readonly variables: Record<string, Record<string, string>>;
  readonly runs: FakeRun[];
  /** The polls of the next runs created, one list per run; afterwards runs apply at once. */
  readonly script: RunPoll[][];
  /** Every request's method and path, with the Authorization header it carried. */
  readonly requests: { method: string; path: string; authorization?: string }[];
}

/** Terraform Cloud for organization `acme`: the given workspaces, variables kept in memory. */
export async function fakeTerraformCloud(workspaces: readonly string[]): Promise<FakeTerraformCloud> {
  const variables: Record<string, Record<string, string>> = Object.fromEntries(workspaces.map((name) => [name, {}]));
  const runs: FakeRun[] = [];
  const script: RunPoll[][] = [];
  const requests: FakeTerraformCloud["requests"] = [];
  const ids = new Map(workspaces.map((name, index) => [`ws-${index + 1}`, name]));
  const idOf = (name: string) => [...ids].find(([, workspace]) => workspace === name)?.[0];
  const runJson = (run: FakeRun, poll?: RunPoll) => ({
    id: run.id,
    type: "runs",
    attributes: {
      status: run.status,
      message: run.message,
      "plan-only": run.planOnly,
      actions: {
        "is-confirmable": poll?.confirmable === true,
        "is-cancelable": ["planning", "applying", "pending"].includes(run.status),
        "is-discardable": poll?.confirmable === true || ["policy_override", "policy_checked"].includes(run.status),
      },
    },
  });
  let base = "";
  const server = await serve((method, url, body) => {
    const parsed = body === "" ? undefined : (JSON.parse(body) as { data?: Record<string, unknown> });
    requests.push({ method, path: url });
    let match: RegExpExecArray | null;
    if ((match = /^\/api\/v2\/organizations\/acme\/workspaces\/([^/?]+)$/.exec(url)) && method === "GET") {
      const id = idOf(match[1] ?? "");
      return id === undefined
        ? { status: 404, json: { errors: [{ status: "404", title: "not found" }] } }
        : { status: 200, json: { data: { id, type: "workspaces" } } };
    }
    if ((match = /^\/api\/v2\/workspaces\/(ws-\d+)\/vars(?:\/(.+))?$/.exec(url))) {
      const workspace = ids.get(match[1] ?? "") ?? "";
      const store = variables[workspace] ?? {};
      if (method === "GET") {
        return {
          status: 200,
          json: {
            data: Object.entries(store).map(([key, value]) => ({
              id: `var-${key}`,
              type: "vars",
              attributes: { key, value, category: "terraform" },
            })),
          },
        };
      }
      const attributes = (parsed?.data?.attributes ?? {}) as { key?: string; value?: string };
      store[String(attributes.key)] = String(attributes.value ?? "");
      return { status: method === "POST" ? 201 : 200, json: { data: {} } };
    }
    if ((match = /^\/api\/v2\/workspaces\/(ws-\d+)\/runs/.exec(url)) && method === "GET") {
      const workspace = ids.get(match[1] ?? "");
      const listed = runs.filter((run) => run.workspace === workspace).reverse();
      return { status: 200, json: { data: listed.map((run) => runJson(run)) } };
    }
    if (url === "/api/v2/runs" && method === "POST") {
      const relationships = parsed?.data?.relationships as { workspace: { data: { id: string } } };
      const attributes = parsed?.data?.attributes as { message: string; "plan-only"?: boolean };
      const workspace = ids.get(relationships.workspace.data.id) ?? "";
      const run: FakeRun = {
        id: `run-${runs.length + 1}`,
        workspace,
        message: attributes.message,
        polls: script.shift() ?? [{ status: "planning" }, { status: "applied" }],
        status: "pending",
        planOnly: attributes["plan-only"] === true,
        actions: [],
        variables: { ...variables[workspace] },
      };
      runs.push(run);
      return { status: 201, json: { data: runJson(run) } };
    }
    if ((match = /^\/api\/v2\/runs\/(run-\d+)\/actions\/(\w+)$/.exec(url)) && method === "POST") {
      const run = runs.find((candidate) => candidate.id === match?.[1]);
      run?.actions.push(match[2] ?? "");
      if (run !== undefined) {
        run.status = match[2] === "cancel" ? "canceled" : "discarded";
        run.polls = [{ status: run.status }];
      }
      return { status: 202, text: "" };
    }
    if ((match = /^\/api\/v2\/runs\/(run-\d+)\/(plan|apply)$/.exec(url)) && method === "GET") {
      const run = runs.find((candidate) => candidate.id === match?.[1]);
      const errored = run?.status === "errored" && match[2] === "plan";
      return {
        status: 200,
        json: {
          data: { attributes: { status: errored ? "errored" : "finished", "log-read-url": `${base}/logs/${run?.id}` } },
        },
      };
    }
    if ((match = /^\/logs\/(run-\d+)$/.exec(url))) {
      return {
        status: 200,
        text: `Planning...\nError: Invalid value for variable\n  on variables.tf line 4 (${match[1]})\n`,
      };
    }
    if ((match = /^\/api\/v2\/runs\/(run-\d+)$/.exec(url)) && method === "GET") {
      const run = runs.find((candidate) => candidate.id === match?.[1]);
      if (run === undefined) {
        return { status: 404, json: { errors: [{ status: "404", title: "not found" }] } };
      }
      const poll = run.polls.length > 1 ? run.polls.shift() : run.polls[0];
      run.status = poll?.status ?? run.status;
      run.planOnly ||= poll?.planOnly === true;
      return { status: 200, json: { data: runJson(run, poll) } };
    }
    return { status: 500, json: { errors: [{ status: "500", title: "unexpected", detail: `${method} ${url}` }] } };
  });
  base = server.url;
  return Object.assign(server, { api: `${server.url}/api/v2`, variables, runs, script, requests });
}

export interface FakeGithub extends FakeServer {
  readonly deployments: { id: number; environment: string; payload: Record<string, string>; statuses: string[] }[];
}

/** GitHub's deployments API for one repository, kept in memory. */
export async function fakeGithub(): Promise<FakeGithub> {
  const deployments: FakeGithub["deployments"] = [];
  const server = await serve((method, url, body) => {
    let match: RegExpExecArray | null;
    if ((match = /^\/repos\/[^/]+\/[^/]+\/deployments$/.exec(url)) && method === "POST") {
      const parsed = JSON.parse(body) as { environment: string; payload: Record<string, string> };
      const deployment = {
        id: deployments.length + 1,
        environment: parsed.environment,
        payload: parsed.payload,
        statuses: [],
      };
      deployments.push(deployment);
      return { status: 201, json: { id: deployment.id } };
    }
    if ((match = /^\/repos\/[^/]+\/[^/]+\/deployments\/(\d+)\/statuses$/.exec(url)) && method === "POST") {
      const deployment = deployments.find((candidate) => candidate.id === Number(match?.[1]));
      const fields = new URLSearchParams(body);
      deployment?.statuses.push(fields.get("state") ?? (JSON.parse(body || "{}") as { state?: string }).state ?? "");
      return { status: 201, json: {} };
    }
    return { status: 404, json: { message: `Not Found: ${method} ${url}` } };
  });
  return Object.assign(server, { deployments });
}

export interface FakeRegistry extends FakeServer {
  /** Digests carrying a signature of this repository's CI. */
  readonly signed: Set<string>;
  /** What each `image:tag` resolves to. */
  readonly tags: Map<string, string>;
}

/** An OCI registry reduced to what the pipeline asks: is a digest signed, what a tag resolves to. */
export async function fakeRegistry(): Promise<FakeRegistry> {
  const signed = new Set<string>();
  const tags = new Map<string, string>();
  const server = await serve((method, url, body) => {
    const signature = /^\/signatures\/(sha256:[0-9a-f]{64})$/.exec(url);
    if (signature) {
      if (method === "PUT") signed.add(signature[1] ?? "");
      return { status: signed.has(signature[1] ?? "") ? 200 : 404, text: "" };
    }
    const tag = /^\/tags\/(.+)$/.exec(url);
    if (tag) {
      const name = decodeURIComponent(tag[1] ?? "");
      if (method === "PUT") tags.set(name, body.trim());
      const digest = tags.get(name);
      return digest === undefined ? { status: 404, text: "" } : { status: 200, json: { digest } };
    }
    return { status: 404, text: "" };
  });
  return Object.assign(server, { signed, tags });
}

export interface FakeService extends FakeServer {
  /** Every path requested, in order. */
  readonly hits: string[];
}

/**
 * The deployed service: every health path answers what `answer()` says now (the status and the
 * version, `{"version": ...}`), so a scenario can derive it from what Terraform Cloud applied.
 */
export async function fakeService(answer: () => { status: number; version: string }): Promise<FakeService> {
  const hits: string[] = [];
  const server = await serve((_method, url) => {
    hits.push(url);
    const { status, version } = answer();
    return { status, json: { status: status < 300 ? "ok" : "failing", version } };
  });
  return Object.assign(server, { hits });
}

/**
 * Writes `gh`, `cosign`, `docker` and `date` into `directory`: `date -u +%s` prints FAKE_NOW_SECONDS
 * when it is set (the scenario's clock; every other use is the real date), `gh api` calls the fake GitHub API
 * (FAKE_GITHUB_API), `cosign verify` succeeds only for a digest the fake registry holds a
 * signature for and `cosign sign` records one (FAKE_REGISTRY), `docker buildx imagetools` tags and
 * inspects through the fake registry.
 */
export function writeCommandStubs(directory: string): void {
  fs.mkdirSync(directory, { recursive: true });
  const stub = (name: string, body: string) => {
    fs.writeFileSync(path.join(directory, name), `#!/usr/bin/env bash\nset -euo pipefail\n${body}`, { mode: 0o755 });
  };
  stub(
    "gh",
    `[ "$1" = api ] || { echo "gh stub: only 'gh api'" >&2; exit 2; }
shift
method=GET path="" jq_filter="" input="" fields=()
while [ $# -gt 0 ]; do
  case "$1" in
    --method) method=$2; shift 2 ;;
    --jq) jq_filter=$2; shift 2 ;;
    --input) input=$(cat); shift 2 ;;
    --paginate) shift ;;
    -f) fields+=(--data-urlencode "$2"); shift 2 ;;
    *) path=$1; shift ;;
  esac
done
if [ -n "$input" ]; then
  answer=$(curl --silent --fail --request "$method" --data "$input" "$FAKE_GITHUB_API/$path")
elif [ \${#fields[@]} -gt 0 ]; then
  answer=$(curl --silent --fail --request "$method" "\${fields[@]}" "$FAKE_GITHUB_API/$path")
else
  answer=$(curl --silent --fail --request "$method" "$FAKE_GITHUB_API/$path")
fi
if [ -n "$jq_filter" ]; then jq -r "$jq_filter" <<<"$answer"; else echo "$answer"; fi
`,
  );
  stub(
    "date",
    `if [ -n "\${FAKE_NOW_SECONDS:-}" ] && [ "$*" = "-u +%s" ]; then
  echo "$FAKE_NOW_SECONDS"
  exit 0
fi
exec /usr/bin/date "$@"
`,
  );
  stub(
    "cosign",
    `command=$1
digest=""
for argument in "$@"; do
  case "$argument" in *@sha256:*) digest=\${argument##*@} ;; esac
done
case "$command" in
  verify) curl --silent --fail --output /dev/null "$FAKE_REGISTRY/signatures/$digest" || { echo "Error: no matching signatures" >&2; exit 1; } ;;
  sign) curl --silent --fail --request PUT "$FAKE_REGISTRY/signatures/$digest" ;;
  *) exit 2 ;;
esac
`,
  );
  stub(
    "docker",
    `[ "$1 $2" = "buildx imagetools" ] || { echo "docker stub: only buildx imagetools" >&2; exit 2; }
case "$3" in
  create) curl --silent --fail --request PUT --data "\${6##*@}" "$FAKE_REGISTRY/tags/$(jq -rn --arg t "$5" '$t | @uri')" ;;
  inspect) curl --silent --fail "$FAKE_REGISTRY/tags/$(jq -rn --arg t "$4" '$t | @uri')" ;;
esac
`,
  );
}
