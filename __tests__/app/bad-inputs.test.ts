import { spawn } from "node:child_process";
import * as crypto from "node:crypto";
import { EventEmitter } from "node:events";
import * as fs from "node:fs";
// The module object itself (a default import), so that a spy also replaces what cdktf calls.
import nodeFs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { NODE_FILE_SYSTEM, type OutputFileSystem } from "../../lib/app/output-directory";
import { runSynthCommand, type SynthCommandContext } from "../../lib/app/synth-command";
import { editedDefaultConfig, MINIMAL_CONFIG_TEXT } from "../support/config-text";
import { PROJECT_ROOT } from "../support/synth";

// Bad inputs and failing environments, each run through the synth command as `npm run synth` runs
// it (in this process, so that file operations can fail on purpose), and each checked for the
// same four things: the exit code, a message naming the file or field, no stack trace and no
// secret value in the output, and a cdktf.out that is byte-identical afterwards (or wholly new).
jest.setTimeout(120_000);

/** The stacks of MINIMAL_CONFIG_TEXT, whose one service is `api`. */
const MINIMAL_STACK_IDS = [
  "github-api",
  "staging",
  "staging-api",
  "production",
  "production-api",
  "cluster-staging",
  "cluster-production",
  "development",
];

/** A token-shaped value standing for a secret pasted in the wrong place; never in any message. */
const PASTED_SECRET = "ghp_" + "Q9x7Lm2Vt8Rk4Wn6Yp1Zs3Bc5Df0Gh2Jk4Lx";

/** A stack trace line: `    at fn (file.ts:12:5)`. */
const STACK_TRACE_LINE = /^\s+at .*(:\d+:\d+\)?|native|<anonymous>)$/m;

interface Workspace {
  readonly dir: string;
  readonly configFile: string;
  readonly outdir: string;
}

/** A scratch directory with a previous cdktf.out: two stacks, a manifest and a stack's .terraform/. */
function workspace(configText?: string | Buffer): Workspace {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bad-input-"));
  const configFile = path.join(dir, "delivery.yaml");
  if (configText !== undefined) fs.writeFileSync(configFile, configText);
  const outdir = path.join(dir, "cdktf.out");
  for (const [file, content] of Object.entries({
    "manifest.json": '{"previous": true}',
    "stacks/staging/cdk.tf.json": '{"previous": "staging"}',
    "stacks/staging/.terraform/providers/registry.terraform.io/provider": "downloaded provider",
    "stacks/staging/.terraform.lock.hcl": "# previous lock file",
    "stacks/retired/cdk.tf.json": '{"previous": "a stack no longer configured"}',
  })) {
    fs.mkdirSync(path.dirname(path.join(outdir, file)), { recursive: true });
    fs.writeFileSync(path.join(outdir, file), content);
  }
  return { dir, configFile, outdir };
}

/** Every entry under a directory: type, mode and a hash of the bytes, by relative path. */
function treeOf(dir: string): Record<string, string> {
  if (!fs.existsSync(dir)) return {};
  if (!fs.statSync(dir).isDirectory()) return { ".": `file ${fs.readFileSync(dir, "hex")}` };
  const tree: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    const stat = fs.lstatSync(full);
    tree[path.relative(dir, full)] = entry.isFile()
      ? `file ${stat.mode.toString(8)} ${crypto.createHash("sha256").update(fs.readFileSync(full)).digest("hex")}`
      : `${entry.isDirectory() ? "dir" : "other"} ${stat.mode.toString(8)}`;
  }
  return tree;
}

interface Outcome {
  readonly code: number;
  readonly stderr: string;
}

async function synth(
  space: Workspace,
  overrides: Partial<Omit<SynthCommandContext, "env" | "stderr">> & { env?: NodeJS.ProcessEnv } = {},
  onLine?: (line: string) => void,
): Promise<Outcome> {
  const lines: string[] = [];
  const code = await runSynthCommand({
    argv: overrides.argv ?? [],
    env: { PATH: process.env.PATH, DELIVERY_CONFIG: space.configFile, CDKTF_OUTDIR: space.outdir, ...overrides.env },
    stderr: (line) => {
      lines.push(line);
      onLine?.(line);
    },
    signals: overrides.signals,
    fileSystem: overrides.fileSystem,
  });
  return { code, stderr: lines.join("\n") };
}

/** What every failure must satisfy: the exit code, the message, no trace, no secret, the old output whole. */
async function expectRejected(
  space: Workspace,
  expected: { code?: number; message: RegExp; names?: string },
  overrides: Parameters<typeof synth>[1] = {},
): Promise<Outcome> {
  const before = treeOf(space.outdir);
  const outcome = await synth(space, overrides);
  expect(outcome.stderr).toMatch(expected.message);
  expect(outcome.stderr).toContain(expected.names ?? space.configFile);
  expect(outcome.code).toBe(expected.code ?? 1);
  expect(outcome.stderr).not.toMatch(STACK_TRACE_LINE);
  expect(outcome.stderr).not.toContain(PASTED_SECRET);
  expect(treeOf(space.outdir)).toEqual(before);
  expect(leftoversBeside(space.outdir)).toEqual([]);
  return outcome;
}

/** Scratch or backup directories a synth left beside the output. */
function leftoversBeside(outdir: string): string[] {
  return fs.readdirSync(path.dirname(outdir)).filter((entry) => /^\.cdktf\.out\.(synth|previous)-/.test(entry));
}

function errno(code: string, syscall: string, target: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${syscall} '${target}'`), { code, syscall, path: target });
}

/** The real file operations, with one replaced. */
function failing(overrides: Partial<OutputFileSystem>): OutputFileSystem {
  return { ...NODE_FILE_SYSTEM, ...overrides };
}

describe("bad configuration files", () => {
  it.each<[string, string | Buffer, RegExp]>([
    [
      "rejects bytes that are not UTF-8, naming the byte offset",
      Buffer.concat([Buffer.from("github:\n  owner: acme"), Buffer.from([0xff, 0xfe]), Buffer.from("\n")]),
      /delivery\.yaml:2:14: is not valid UTF-8: byte 21 \(0xff\)/,
    ],
    [
      "rejects a UTF-16 file",
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("github: {}\n", "utf16le")]),
      /delivery\.yaml: is UTF-16 .*save it as UTF-8/,
    ],
    ["rejects a binary file", Buffer.from([0x67, 0x69, 0x00, 0x01, 0x00]), /delivery\.yaml: contains NUL bytes/],
    [
      "rejects a YAML alias bomb without expanding it",
      [
        'a: &a ["x","x","x","x","x","x","x","x","x"]',
        ...["b", "c", "d", "e", "f", "g", "h"].map(
          (name, index) => `${name}: &${name} [${Array(9).fill(`*${"abcdefg"[index]}`).join(",")}]`,
        ),
      ].join("\n"),
      /delivery\.yaml: expands YAML aliases too often/,
    ],
    [
      "rejects several YAML documents in one file",
      `${MINIMAL_CONFIG_TEXT}\n---\n${MINIMAL_CONFIG_TEXT}\n`,
      /delivery\.yaml:4:1: holds 2 YAML documents/,
    ],
    ["rejects an empty file", "", /delivery\.yaml: is empty; start from config\/delivery\.yaml/],
    ["rejects a file of comments only", "# github:\n#   owner: acme\n", /delivery\.yaml: is empty/],
    ["rejects malformed YAML with its position", "github: [\n", /delivery\.yaml:2:1: not valid YAML/],
    [
      "rejects a key given twice",
      `${MINIMAL_CONFIG_TEXT}\ngithub: { owner: other }\n`,
      /not valid YAML: Map keys must be unique/,
    ],
    [
      "rejects a list where the file must be a mapping",
      "- github\n- services\n",
      /must be of type object \(got a list\)/,
    ],
    ["rejects a file too large to be a configuration", `# ${"x".repeat(1024 * 1024)}\n`, /is 1048579 bytes, more than/],
  ])("%s", async (_, text, message) => {
    await expectRejected(workspace(text), { message });
  });

  it("rejects a missing configuration file", async () => {
    const space = workspace();
    await expectRejected(space, { message: /delivery\.yaml: file not found; set DELIVERY_CONFIG/ });
  });

  it("rejects a directory given as the configuration file", async () => {
    const space = workspace();
    fs.mkdirSync(space.configFile);
    await expectRejected(space, { message: /delivery\.yaml: is a directory/ });
  });
});

describe("bad settings", () => {
  it("rejects an empty DELIVERY_CONFIG instead of silently using the default file", async () => {
    const space = workspace(MINIMAL_CONFIG_TEXT);
    await expectRejected(
      space,
      { message: /environment variables: DELIVERY_CONFIG: is set but empty/, names: "DELIVERY_CONFIG" },
      { env: { DELIVERY_CONFIG: "" } },
    );
  });

  it("rejects a Terraform Cloud organization name Terraform Cloud would not accept", async () => {
    await expectRejected(
      workspace(MINIMAL_CONFIG_TEXT),
      { message: /TF_CLOUD_ORGANIZATION: must be a Terraform Cloud organization name/, names: "TF_CLOUD_ORGANIZATION" },
      { env: { TF_CLOUD_ORGANIZATION: "acme corp" } },
    );
  });

  it.each([
    [
      "a service the config does not have",
      "billing-api",
      /DELIVERY_SERVICES: names no configured service: billing-api; configured: api/,
    ],
    [
      "one unknown service among known ones",
      "api,billing-api",
      /DELIVERY_SERVICES: names no configured service: billing-api;/,
    ],
    ["an empty list", "", /DELIVERY_SERVICES: must be a comma-separated list of service names/],
    [
      "an empty name in the list",
      "api,,billing-api",
      /DELIVERY_SERVICES: must be a comma-separated list of service names/,
    ],
    ["a name no service can have", "Orders_API", /DELIVERY_SERVICES: must be a comma-separated list of service names/],
  ])("rejects DELIVERY_SERVICES naming %s, writing nothing", async (_, value, message) => {
    await expectRejected(
      workspace(MINIMAL_CONFIG_TEXT),
      { message, names: "DELIVERY_SERVICES" },
      { env: { DELIVERY_SERVICES: value } },
    );
  });

  it.each([
    [
      "a service the config does not have",
      ["--services", "billing-api"],
      /command line: --services: names no configured service: billing-api; configured: api/,
    ],
    [
      "a malformed list",
      ["--services=api,,billing-api"],
      /command line: --services: must be a comma-separated list of service names/,
    ],
    ["no list at all", ["--services"], /command line: --services: must be a comma-separated list of service names/],
  ])("rejects --services with %s, writing nothing", async (_, argv, message) => {
    await expectRejected(workspace(MINIMAL_CONFIG_TEXT), { message, names: "--services" }, { argv });
  });

  it("rejects an unknown argument with the usage line and exit code 2", async () => {
    await expectRejected(
      workspace(MINIMAL_CONFIG_TEXT),
      { code: 2, message: /Unknown argument '--verbose'\.\nusage: npm run synth/, names: "--verbose" },
      { argv: ["--verbose"] },
    );
  });
});

describe("values that may be secret", () => {
  it("rejects a secret pasted as a secret name without repeating it", async () => {
    const outcome = await expectRejected(
      workspace(editedDefaultConfig([["services", 0, "secrets", "environment", 0], PASTED_SECRET])),
      {
        message:
          /services\[0\]\.secrets\.environment\[0\]: must match .* \(got 'ghp\.\.\.', 40 characters, the rest not shown\)/,
      },
    );
    expect(outcome.stderr).not.toContain(PASTED_SECRET.slice(4, 12));
  });

  it("rejects a secret pasted as a variable name without repeating it", async () => {
    await expectRejected(
      workspace(editedDefaultConfig([["services", 0, "variables", "environment"], { [PASTED_SECRET]: "x" }])),
      { message: /services\[0\]\.variables\.environment: a name here must match .*40 characters, the rest not shown/ },
    );
  });

  it("rejects a secret pasted where a variable value must be a string without repeating it", async () => {
    await expectRejected(
      workspace(editedDefaultConfig([["services", 0, "variables", "environment", "TOKEN"], { value: PASTED_SECRET }])),
      { message: /services\[0\]\.variables\.environment\.TOKEN: must be of type string \(got a mapping\)/ },
    );
  });
});

describe("names that collide once derived", () => {
  it.each<[string, Parameters<typeof editedDefaultConfig>, RegExp]>([
    [
      "rejects two services' secrets that derive one Terraform variable, naming both",
      [[["services", 1], { name: "orders", secrets: { environment: ["API_DATABASE_URL"] } }]],
      /services\[1\]\.secrets\.environment\[0\]: derives the Terraform variable 'orders_api_database_url' \(TF_VAR_orders_api_database_url\), which services\[0\]\.secrets\.environment\[0\] \(secret DATABASE_URL of service 'orders-api'\) also uses/,
    ],
    [
      "rejects a secret that derives another service's image variable",
      [[["services", 1], { name: "orders", secrets: { environment: ["API_IMAGE"] } }]],
      /services\[1\]\.secrets\.environment\[0\]: derives the Terraform variable 'orders_api_image'.*services\[0\]\.name \(the image, colour, replica-floor or warm-until variable of service 'orders-api'\)/,
    ],
    [
      "rejects a secret that derives a provider credential variable",
      [[["services", 1], { name: "kubernetes", secrets: { environment: ["TOKEN"] } }]],
      /services\[1\]\.secrets\.environment\[0\]: derives the Terraform variable 'kubernetes_token'.*the Kubernetes token of the environment stacks/,
    ],
    [
      "rejects a secret that derives the pipeline's Terraform Cloud token variable of another service",
      [[["services", 1], { name: "orders", secrets: { repository: ["API_TF_API_TOKEN"] } }]],
      /services\[1\]\.secrets\.repository\[0\]: derives the Terraform variable 'orders_api_tf_api_token'/,
    ],
    [
      "rejects repository names that differ only in case",
      [[["services", 1], { name: "orders", repository: "Orders-API" }]],
      /services\[1\]\.repository: names the same GitHub repository as services\[0\]\.name .*without regard to case/,
    ],
    [
      "rejects a second service deploying to the same image repository",
      [[["services", 1], { name: "orders", image: "ghcr.io/acme-platform/orders-api" }]],
      /services\[1\]\.image: gives the image repository 'ghcr\.io\/acme-platform\/orders-api', which services\[0\] also uses/,
    ],
    [
      "rejects a service named like another service's blue-green Kubernetes Service",
      [[["services", 1], { name: "orders-api-green" }]],
      /services\[1\]\.name: is the name of the green Kubernetes Service of services\[0\] \('orders-api'\)/,
    ],
    [
      "rejects two services of the same name",
      [[["services", 1], { name: "orders-api", repository: "orders-api-2" }]],
      /services\[1\]\.name: must be unique: 'orders-api' is already used by services\[0\]/,
    ],
  ])("%s", async (_, edits, message) => {
    await expectRejected(workspace(editedDefaultConfig(...edits)), { message });
  });
});

describe("reserved names", () => {
  it("rejects a namespace the cluster owns", async () => {
    await expectRejected(workspace(editedDefaultConfig([["environments", "staging", "namespace"], "kube-system"])), {
      message: /environments\.staging\.namespace: must not be 'default' or start with 'kube-'/,
    });
  });

  it("rejects the repository that holds the owner's default community health files", async () => {
    await expectRejected(workspace(editedDefaultConfig([["services", 0, "repository"], ".github"])), {
      message: /services\[0\]\.repository: must not be '\.github'/,
    });
  });

  it("rejects an environment secret named like a secret the pipeline manages", async () => {
    await expectRejected(
      workspace(editedDefaultConfig([["services", 0, "secrets", "environment", 0], "TF_API_TOKEN"])),
      {
        message: /services\[0\]\.secrets\.environment\[0\]: is a secret the pipeline manages/,
      },
    );
  });

  it("rejects the Terraform Cloud token as a repository secret: any branch's workflow could read it", async () => {
    await expectRejected(
      workspace(editedDefaultConfig([["services", 0, "secrets", "repository", 0], "TF_API_TOKEN"])),
      {
        message:
          /services\[0\]\.secrets\.repository\[0\]: can change an environment, so the pipeline keeps it as a secret of each environment/,
      },
    );
  });

  it("rejects a locally run service named like a backing service", async () => {
    const space = workspace(
      editedDefaultConfig(
        [["services", 1], { name: "postgres" }],
        [["development", "services"], { postgres: { source: "." } }],
      ),
    );
    await expectRejected(space, { message: /development\.services\.postgres: is the name of a backing service/ });
  });

  it("rejects a configured variable the stacks derive", async () => {
    await expectRejected(
      workspace(editedDefaultConfig([["services", 0, "variables", "environment", "IMAGE_NAME"], "x"])),
      {
        message: /services\[0\]\.variables\.environment\.IMAGE_NAME: is derived from the config/,
      },
    );
  });
});

describe("every problem in one run", () => {
  it("reports a type error, a cross-field problem and a collision together", async () => {
    const outcome = await expectRejected(
      workspace(
        editedDefaultConfig(
          [["services", 0, "port"], "http"],
          [["environments", "staging", "namespace"], "orders-production"],
          [["services", 1], { name: "orders", secrets: { environment: ["API_REDIS_URL"] } }],
        ),
      ),
      { message: /\((3) problems\)/ },
    );
    expect(outcome.stderr).toMatch(/services\[0\]\.port: must be of type number/);
    expect(outcome.stderr).toMatch(/environments\.production\.namespace: must differ from the staging namespace/);
    expect(outcome.stderr).toMatch(
      /services\[1\]\.secrets\.environment\[0\]: derives the Terraform variable 'orders_api_redis_url'/,
    );
  });
});

describe("every problem in one run, with the file system", () => {
  it("reports a missing development checkout together with a type error elsewhere", async () => {
    const outcome = await expectRejected(
      workspace(
        editedDefaultConfig(
          [["services", 0, "port"], "http"],
          [["development", "services"], { "orders-api": { source: "no-such-checkout" } }],
        ),
      ),
      { message: /\((2) problems\)/ },
    );
    expect(outcome.stderr).toMatch(/services\[0\]\.port: must be of type number/);
    expect(outcome.stderr).toMatch(/development\.services\.orders-api\.source: must be an existing directory/);
  });
});

describe("failing environments", () => {
  function terraformPrinting(version: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-terraform-"));
    fs.writeFileSync(path.join(dir, "terraform"), `#!/bin/sh\necho "Terraform v${version}"\n`, { mode: 0o755 });
    return dir;
  }

  it("fails with one short message when terraform is not on PATH", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "no-terraform-"));
    const outcome = await expectRejected(
      workspace(MINIMAL_CONFIG_TEXT),
      { message: /^terraform was not found on PATH\. Synth needs terraform 1\.5 or later/m, names: "terraform" },
      { env: { PATH: empty, DELIVERY_QUIET: "1" } },
    );
    expect(outcome.stderr.split("\n")).toHaveLength(1);
  });

  it("fails with one short message when terraform is too old", async () => {
    const outcome = await expectRejected(
      workspace(MINIMAL_CONFIG_TEXT),
      { message: /^terraform 1\.3\.9 is too old: synth needs >=1\.[45]/m, names: "terraform" },
      { env: { PATH: terraformPrinting("1.3.9"), DELIVERY_QUIET: "1" } },
    );
    expect(outcome.stderr.split("\n")).toHaveLength(1);
  });
});

describe("an output directory that cannot be written", () => {
  it("fails when cdktf.out is a file, and leaves the file as it was", async () => {
    const space = workspace(MINIMAL_CONFIG_TEXT);
    fs.rmSync(space.outdir, { recursive: true });
    fs.writeFileSync(space.outdir, "a file in the way");
    await expectRejected(space, {
      message: /Cannot write .*cdktf\.out: it is a file, not a directory/,
      names: space.outdir,
    });
    expect(fs.readFileSync(space.outdir, "utf8")).toBe("a file in the way");
  });

  it("fails when a parent of cdktf.out is a file (no permission bits involved, so it holds for root too)", async () => {
    const space = workspace(MINIMAL_CONFIG_TEXT);
    const blocker = path.join(space.dir, "not-a-directory");
    fs.writeFileSync(blocker, "");
    await expectRejected(
      space,
      {
        message:
          /Cannot write .*not-a-directory\/cdktf\.out: .*not a directory.*\(ENOTDIR\)\. The previous output is unchanged\./,
        names: blocker,
      },
      { env: { CDKTF_OUTDIR: path.join(blocker, "cdktf.out") } },
    );
  });

  it("fails when the disk fills up while the stacks are written, and leaves the previous output whole", async () => {
    const space = workspace(MINIMAL_CONFIG_TEXT);
    // A 64 KiB disk: cdktf writes each stack with fs.writeFileSync, into the scratch directory.
    const realWrite = nodeFs.writeFileSync;
    let written = 0;
    const write = jest.spyOn(nodeFs, "writeFileSync").mockImplementation((file, data, options) => {
      if (typeof file === "string" && file.includes(".cdktf.out.synth-")) {
        written += typeof data === "string" ? Buffer.byteLength(data) : data.byteLength;
        if (written > 64 * 1024) throw errno("ENOSPC", "write", file);
      }
      realWrite(file, data, options);
    });
    try {
      await expectRejected(space, {
        message: /Cannot write .*cdktf\.out: the disk is full; free some space .*\(ENOSPC\)/,
        names: space.outdir,
      });
    } finally {
      write.mockRestore();
    }
    expect(written).toBeGreaterThan(64 * 1024);
  });

  it("fails when the disk fills up while .terraform/ is carried over into the new tree", async () => {
    const space = workspace(MINIMAL_CONFIG_TEXT);
    const full = (from: string) => {
      throw errno("ENOSPC", "copyfile", from);
    };
    await expectRejected(
      space,
      { message: /the disk is full.*\(ENOSPC\)\. The previous output is unchanged\./, names: space.outdir },
      {
        fileSystem: failing({
          linkSync: (from) => {
            throw errno("EXDEV", "link", from);
          },
          copyFileSync: full,
        }),
      },
    );
  });

  it("fails when the directory holding cdktf.out is read-only", async () => {
    await expectRejected(
      workspace(MINIMAL_CONFIG_TEXT),
      { message: /the file system is read-only; set CDKTF_OUTDIR .*\(EROFS\)/, names: "cdktf.out" },
      {
        fileSystem: failing({
          mkdtempSync: (prefix) => {
            throw errno("EROFS", "mkdtemp", prefix);
          },
        }),
      },
    );
  });

  it("fails when the old cdktf.out cannot be moved aside (a file in it is held unwritable)", async () => {
    const space = workspace(MINIMAL_CONFIG_TEXT);
    await expectRejected(
      space,
      { message: /permission denied; make the directory writable .*\(EACCES\)/, names: "cdktf.out" },
      {
        fileSystem: failing({
          renameSync: (from, to) => {
            if (from === space.outdir) throw errno("EACCES", "rename", from);
            fs.renameSync(from, to);
          },
        }),
      },
    );
  });

  it("puts the old output back when the new tree cannot be renamed into place", async () => {
    const space = workspace(MINIMAL_CONFIG_TEXT);
    await expectRejected(
      space,
      { message: /\(EIO\)\. The previous output is unchanged\./, names: "cdktf.out" },
      {
        fileSystem: failing({
          renameSync: (from, to) => {
            if (to === space.outdir && from.includes(".synth-")) throw errno("EIO", "rename", from);
            fs.renameSync(from, to);
          },
        }),
      },
    );
  });
});

describe("an interrupted synth", () => {
  it("stops at Ctrl-C with exit code 130, removes its scratch directory and writes nothing", async () => {
    const space = workspace(MINIMAL_CONFIG_TEXT);
    const signals = new EventEmitter();
    const before = treeOf(space.outdir);
    const outcome = await synth(space, { signals: signals as unknown as NodeJS.Process }, (line) => {
      if (line.startsWith("synth: stack github")) signals.emit("SIGINT");
    });
    expect(outcome.code).toBe(130);
    expect(outcome.stderr).toMatch(
      /Interrupted by SIGINT; nothing was written, and the previous output is unchanged\./,
    );
    expect(treeOf(space.outdir)).toEqual(before);
    expect(leftoversBeside(space.outdir)).toEqual([]);
  });

  it("stops at SIGTERM in a real process with exit code 143 and leaves the previous output whole", async () => {
    const space = workspace(MINIMAL_CONFIG_TEXT);
    const before = treeOf(space.outdir);
    const child = spawn(process.execPath, ["--require", "./scripts/register-ts.cjs", "main.ts"], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DELIVERY_CONFIG: space.configFile, CDKTF_OUTDIR: space.outdir, DELIVERY_QUIET: "" },
    });
    let stderr = "";
    let terminated = false;
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      // The earliest line: building and synthesizing the stacks takes a second more.
      if (stderr.includes(" is valid (") && child.signalCode === null && !terminated) {
        terminated = child.kill("SIGTERM");
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(143);
    expect(stderr).toMatch(/Interrupted by SIGTERM/);
    expect(stderr).not.toMatch(STACK_TRACE_LINE);
    expect(treeOf(space.outdir)).toEqual(before);
    expect(leftoversBeside(space.outdir)).toEqual([]);
  });

  it("cleans up after a synth that was killed outright, and restores an output it had moved aside", async () => {
    const space = workspace(MINIMAL_CONFIG_TEXT);
    const before = treeOf(space.outdir);
    // A process id that is not running: the highest possible one.
    const deadPid = 4194304;
    fs.mkdirSync(path.join(space.dir, `.cdktf.out.synth-${deadPid}-abc123`, "out"), { recursive: true });
    fs.renameSync(space.outdir, path.join(space.dir, `.cdktf.out.previous-${deadPid}-def456`));
    const outcome = await synth(space, { env: { DELIVERY_QUIET: "1" } });
    expect(outcome).toEqual({ code: 0, stderr: "" });
    expect(leftoversBeside(space.outdir)).toEqual([]);
    // The previous tree came back and was then replaced as usual: its .terraform/ is kept.
    expect(treeOf(space.outdir)["stacks/staging/.terraform.lock.hcl"]).toBe(
      before["stacks/staging/.terraform.lock.hcl"],
    );
  });
});

describe("a synth that succeeds", () => {
  it("replaces cdktf.out with a complete new tree, keeps .terraform/ and drops retired stacks", async () => {
    const space = workspace(MINIMAL_CONFIG_TEXT);
    const before = treeOf(space.outdir);
    const outcome = await synth(space);
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toMatch(
      new RegExp(
        `^synth: done: ${MINIMAL_STACK_IDS.length} stacks, \\d+ resources and data sources in .*cdktf\\.out \\(\\d+\\.\\d\\d s\\)$`,
        "m",
      ),
    );
    const after = treeOf(space.outdir);
    expect(
      Object.keys(after)
        .filter((entry) => entry.endsWith(".json"))
        .sort(),
    ).toEqual(["manifest.json", ...MINIMAL_STACK_IDS.map((id) => `stacks/${id}/cdk.tf.json`)].sort());
    expect(after["stacks/staging/cdk.tf.json"]).not.toBe(before["stacks/staging/cdk.tf.json"]);
    expect(after["stacks/staging/.terraform/providers/registry.terraform.io/provider"]).toBe(
      before["stacks/staging/.terraform/providers/registry.terraform.io/provider"],
    );
    expect(after["stacks/staging/.terraform.lock.hcl"]).toBe(before["stacks/staging/.terraform.lock.hcl"]);
    expect(leftoversBeside(space.outdir)).toEqual([]);
  });

  it("replaces the tree a symbolic link cdktf.out points to, keeps the link, and keeps symbolic links in .terraform/", async () => {
    const space = workspace(MINIMAL_CONFIG_TEXT);
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "linked-output-"));
    const target = path.join(elsewhere, "out");
    fs.renameSync(space.outdir, target);
    fs.symlinkSync(target, space.outdir);
    fs.symlinkSync("/plugin-cache/provider", path.join(target, "stacks/staging/.terraform/cached-provider"));
    const outcome = await synth(space, { env: { DELIVERY_QUIET: "1" } });
    expect(outcome).toEqual({ code: 0, stderr: "" });
    expect(fs.lstatSync(space.outdir).isSymbolicLink()).toBe(true);
    expect(fs.existsSync(path.join(target, "stacks/github-api/cdk.tf.json"))).toBe(true);
    expect(fs.readlinkSync(path.join(target, "stacks/staging/.terraform/cached-provider"))).toBe(
      "/plugin-cache/provider",
    );
    expect(fs.readdirSync(elsewhere)).toEqual(["out"]);
    expect(leftoversBeside(space.outdir)).toEqual([]);
  });

  it("warns about a variable value shaped like a credential without repeating it, and still synthesizes", async () => {
    const space = workspace(
      editedDefaultConfig([
        ["services", 0, "variables", "environment", "DATABASE"],
        "postgres://app:s3cret-pass@db:5432/app",
      ]),
    );
    const outcome = await synth(space, { env: { DELIVERY_QUIET: "1" } });
    expect(outcome.code).toBe(0);
    expect(outcome.stderr).toMatch(
      /^warning: .*delivery\.yaml:\d+:\d+: services\[0\]\.variables\.environment\.DATABASE: looks like a URL with a password; .*declare it under services\[0\]\.secrets instead$/,
    );
    expect(outcome.stderr).not.toContain(PASTED_SECRET);
  });

  it("says an unexpected error is a bug in one line, and prints its trace only with DELIVERY_DEBUG=1", async () => {
    const broken = failing({
      readdirSync: () => {
        throw new TypeError("something nobody anticipated");
      },
    });
    const quiet = await expectRejected(
      workspace(MINIMAL_CONFIG_TEXT),
      {
        code: 70,
        message:
          /^Internal error \(a bug in this project, not in your configuration\): TypeError: something nobody anticipated\. .*DELIVERY_DEBUG=1/m,
        names: "DELIVERY_DEBUG",
      },
      { fileSystem: broken, env: { DELIVERY_QUIET: "1" } },
    );
    expect(quiet.stderr.split("\n")).toHaveLength(1);
    const debug = await synth(workspace(MINIMAL_CONFIG_TEXT), { fileSystem: broken, env: { DELIVERY_DEBUG: "1" } });
    expect(debug.code).toBe(70);
    expect(debug.stderr).toMatch(STACK_TRACE_LINE);
  });
});
