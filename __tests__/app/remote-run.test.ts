import * as os from "node:os";
import * as path from "node:path";
import { workspaceName } from "../../lib/domain";
import { remoteRunProblems } from "../support/remote-run";
import { loadDefaultConfig, PROJECT_ROOT, stackOf, synthesizeConfig } from "../support/synth";
import type { TerraformJson } from "../../lib/terraform-json/terraform-json";

/** Stacks that only ever run on a workstation (local containers) are exempt. */
const LOCAL_ONLY_STACKS = ["development"];
/**
 * Paths a synth could leak: the checkout, the home directory, and the scratch directories synth
 * writes into (not the temp dir itself: `/tmp` is a fine mount path inside a container).
 */
const MACHINE_PATHS = [
  ...new Set([
    PROJECT_ROOT,
    process.cwd(),
    // As root the home directory is /root, which container files name legitimately (the build
    // stage's uv cache at /root/.cache/uv); other home directories are distinctive.
    ...(os.homedir() === "/root" ? [] : [`${os.homedir()}${path.sep}`]),
    path.join(os.tmpdir(), "cdktf-synth-"),
    path.join(os.tmpdir(), "synth-test-"),
  ]),
];

describe("a remote run in Terraform Cloud", () => {
  const config = loadDefaultConfig();
  const app = synthesizeConfig(config, { terraformCloud: { organization: "acme" } });
  const remoteStacks = Object.keys(app.stacks).filter((id) => !LOCAL_ONLY_STACKS.includes(id));

  it.each(remoteStacks)(
    "plans the %s stack from its uploaded folder alone: no local file, no machine path, no other stack",
    (id) => {
      expect(remoteRunProblems(stackOf(app, id), MACHINE_PATHS)).toEqual([]);
    },
  );

  it("gives every remote stack its own workspace, <prefix>-<stack id>, and no other backend", () => {
    const workspaces = remoteStacks.map((id) => {
      const stack = stackOf(app, id);
      expect(stack.terraform.backend).toBeUndefined();
      return (stack.terraform.cloud?.workspaces as { name?: string } | undefined)?.name;
    });
    expect(workspaces).toEqual(remoteStacks.map((id) => workspaceName(config.terraformCloud.workspacePrefix, id)));
    expect(new Set(workspaces).size).toBe(remoteStacks.length);
  });
});

describe("the remote-run check (the checker checks)", () => {
  const stackWith = (parts: Partial<TerraformJson>): TerraformJson => ({ terraform: {}, ...parts });
  const problemsOf = (parts: Partial<TerraformJson>) =>
    remoteRunProblems(stackWith(parts), ["/home/dev/project"]).map((found) => `${found.path}: ${found.problem}`);

  it("fails on file functions and local paths in expressions", () => {
    expect(
      problemsOf({
        resource: {
          github_repository_file: {
            ci: { content: '${file("ci.yml")}', other: '${templatefile("${path.module}/t.tpl", {})}' },
          },
        },
        locals: { key: "${filebase64sha256(var.archive)}", exists: '${fileexists("x") ? 1 : 0}' },
      }),
    ).toEqual([
      "resource.github_repository_file.ci.content: reads a local file at plan time: file()",
      "resource.github_repository_file.ci.other: reads a local file at plan time: templatefile()",
      "resource.github_repository_file.ci.other: depends on a local path: path.module",
      "locals.key: reads a local file at plan time: filebase64sha256()",
      "locals.exists: reads a local file at plan time: fileexists()",
    ]);
  });

  it("ignores the same words in escaped text, such as a workflow committed as a file", () => {
    expect(
      problemsOf({
        resource: {
          github_repository_file: {
            ci: { content: "run: cat $${{ hashFiles('uv.lock') }} && echo $${file(x)} %%{path.module}" },
          },
        },
      }),
    ).toEqual([]);
  });

  it("fails on local data sources, remote state and cross-stack outputs", () => {
    expect(
      problemsOf({
        data: {
          local_file: { workflow: { filename: "ci.yml" } },
          external: { git: { program: ["git"] } },
          terraform_remote_state: { github: { backend: "remote" } },
        },
        output: { "cross-stack-output-github_repository.x.name": { value: "${github_repository.x.name}" } },
      }),
    ).toEqual([
      "data.local_file.workflow: reads the planning machine",
      "data.external.git: reads the planning machine",
      "data.terraform_remote_state.github: reads another stack's state",
      "output.cross-stack-output-github_repository.x.name: is read by another stack",
    ]);
  });

  it("fails on paths of the synthesizing machine and absolute state paths", () => {
    expect(
      problemsOf({
        terraform: { backend: { local: { path: "/home/dev/project/terraform.tfstate" } } },
        resource: { kubernetes_config_map_v1: { x: { data: { origin: "built in /home/dev/project/cdktf.out" } } } },
      }),
    ).toEqual([
      "terraform.backend.local.path: names a path of the synthesizing machine: /home/dev/project",
      "resource.kubernetes_config_map_v1.x.data.origin: names a path of the synthesizing machine: /home/dev/project",
      "terraform.backend.local.path: absolute state path: /home/dev/project/terraform.tfstate",
    ]);
  });

  it("fails on providers that read local configuration or need a local Docker daemon", () => {
    expect(
      problemsOf({
        provider: {
          kubernetes: [{ config_path: "~/.kube/config" }],
          docker: [{ registry_auth: [{ address: "ghcr.io" }] }],
        },
      }),
    ).toEqual([
      "provider.kubernetes[0].config_path: reads a local file",
      "provider.kubernetes[0]: has no host: it would fall back to a local kubeconfig or in-cluster config",
      "provider.docker[0]: pings a local Docker daemon, which remote runs do not have (set disable_docker_daemon_check)",
      "provider.docker[0].registry_auth[0]: falls back to ~/.docker/config.json of the planning machine",
    ]);
  });
});
