import { DockerfileParser, type Instruction } from "dockerfile-ast";
import { JSONInstruction } from "dockerfile-ast/lib/jsonInstruction";
import { renderDockerfile } from "../../renderers/container/dockerfile";
import { PINNED_IMAGES, PRODUCTION_PYTHON, PYTHON_VERSION } from "../../lib/domain";
import { serviceContainerFiles, type ServiceContainerProps } from "../../renderers/container";

const PROPS: ServiceContainerProps = {
  serviceName: "orders-api",
  sourceUrl: "https://github.com/acme/orders-api",
  port: 8000,
  debugPort: 5678,
  asgiApp: "app.main:app",
  livenessPath: "/liveness",
};

interface Stage {
  readonly name: string;
  readonly image: string;
  readonly instructions: Instruction[];
}

/** The generated Dockerfile, parsed, as stages: each FROM with the instructions that follow it. */
function stagesOf(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    if (instruction.getKeyword() === "FROM") {
      const from = DockerfileParser.parse(instruction.getTextContent()).getFROMs()[0];
      stages.push({ name: from?.getBuildStage() ?? "", image: from?.getImage() ?? "", instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

function stage(name: string, text = renderDockerfile(PROPS)): Stage {
  const found = stagesOf(text).find((candidate) => candidate.name === name);
  if (found === undefined) {
    throw new Error(`no stage ${name}`);
  }
  return found;
}

/** An instruction's flags and arguments as one line, continuation lines joined. */
function argumentsOf(instruction: Instruction): string {
  return instruction
    .getTextContent()
    .replace(/\\\n\s*/g, " ")
    .slice(instruction.getKeyword().length)
    .trim();
}

function keywordArguments(target: Stage, keyword: string): string[] {
  return target.instructions.filter((instruction) => instruction.getKeyword() === keyword).map(argumentsOf);
}

function stepsOf(target: Stage): string[] {
  return target.instructions.map((instruction) => `${instruction.getKeyword()} ${argumentsOf(instruction)}`);
}

/** The exec-form arguments of a JSON instruction, or undefined when it is in shell form. */
function execForm(instruction: Instruction | undefined): string[] | undefined {
  if (!(instruction instanceof JSONInstruction) || instruction.getJSONStrings().length === 0) {
    return undefined;
  }
  return instruction.getJSONStrings().map((argument) => argument.getJSONValue());
}

function only(target: Stage, keyword: string): Instruction {
  const found = target.instructions.filter((instruction) => instruction.getKeyword() === keyword);
  expect(found).toHaveLength(1);
  return found[0] as Instruction;
}

describe("the generated Dockerfile", () => {
  const text = renderDockerfile(PROPS);
  const stages = stagesOf(text);

  it("has a development stage, a build stage and the production stage last (the default target)", () => {
    expect(stages.map((candidate) => candidate.name)).toEqual(["uv", "development", "build", "production"]);
  });

  it("pins every base image and every image copied from by the digest of its index", () => {
    const images = [
      ...stages.map((candidate) => candidate.image),
      ...DockerfileParser.parse(text)
        .getCOPYs()
        .map((copy) => copy.getFromFlag()?.getValue() ?? "")
        .filter((from) => from.includes("/") || from.includes(":")),
    ];
    expect(images.length).toBeGreaterThanOrEqual(4);
    for (const image of images) {
      expect(image).toMatch(/^[a-z0-9./-]+:[A-Za-z0-9._-]+@sha256:[a-f0-9]{64}$/);
    }
  });

  it("needs no Dockerfile frontend image (no unpinned syntax directive)", () => {
    expect(DockerfileParser.parse(text).getDirectives()).toEqual([]);
  });

  it("builds development on python:3.13.6-slim, and production on distroless Python for Debian 13 with a Debian 13 build stage", () => {
    expect(stage("development").image).toBe(`python:3.13.6-slim@${PINNED_IMAGES.python.digest}`);
    expect(stage("build").image).toBe(`debian:trixie-slim@${PINNED_IMAGES.debian.digest}`);
    expect(stage("production").image).toBe(
      `gcr.io/distroless/python3-debian13:nonroot@${PINNED_IMAGES.distrolessPython.digest}`,
    );
  });

  it("runs both images as uid/gid 1000, never as root", () => {
    expect(keywordArguments(stage("development"), "USER")).toEqual(["1000:1000"]);
    expect(keywordArguments(stage("production"), "USER")).toEqual(["1000:1000"]);
  });

  it("starts production with an exec-form entrypoint and command, so SIGTERM reaches the interpreter", () => {
    const production = stage("production");
    expect(execForm(only(production, "ENTRYPOINT"))).toEqual(["/app/.venv/bin/python", "-m", "uvicorn"]);
    expect(execForm(only(production, "CMD"))).toEqual([
      "app.main:app",
      "--host",
      "0.0.0.0",
      "--port",
      "8000",
      "--timeout-graceful-shutdown",
      "18",
      "--proxy-headers",
      "--forwarded-allow-ips",
      "*",
      "--no-server-header",
    ]);
    expect(keywordArguments(production, "STOPSIGNAL")).toEqual(["SIGTERM"]);
  });

  it("needs no shell in production: no RUN, no shell-form instruction", () => {
    const production = stage("production");
    expect(keywordArguments(production, "RUN")).toEqual([]);
    for (const keyword of ["ENTRYPOINT", "CMD"]) {
      expect(execForm(only(production, keyword))).toBeDefined();
    }
    const healthcheck = argumentsOf(only(production, "HEALTHCHECK"));
    expect(healthcheck).toMatch(/CMD \["\/app\/\.venv\/bin\/python", "-c", ".*\/liveness.*"\]$/);
  });

  it("copies only the production dependencies and the code into production: the interpreter is the image's own", () => {
    expect(keywordArguments(stage("production"), "COPY")).toEqual([
      "--from=build /app/.venv /app/.venv",
      "--from=build /app/app /app/app",
    ]);
  });

  it("installs production dependencies only, from the lock file, before the code is copied", () => {
    const build = stage("build");
    const steps = stepsOf(build);
    const dependencies = steps.findIndex((step) => step.includes("uv sync --frozen --no-dev --no-install-project"));
    const code = steps.findIndex((step) => step.startsWith("COPY app/"));
    expect(dependencies).toBeGreaterThanOrEqual(0);
    expect(code).toBeGreaterThan(dependencies);
    expect(steps[dependencies]).toContain("source=uv.lock");
  });

  it("installs development dependencies before the code in the development stage too", () => {
    const steps = stepsOf(stage("development"));
    const dependencies = steps.findIndex((step) => step.includes("uv sync --frozen --no-install-project"));
    expect(dependencies).toBeGreaterThanOrEqual(0);
    expect(steps[dependencies]).not.toContain("--no-dev");
    expect(steps.findIndex((step) => step.startsWith("COPY --chown=1000:1000 . /app"))).toBeGreaterThan(dependencies);
  });

  it("fills the virtual environment with the interpreter production runs: /usr/bin/python3.13 (Python 3.13), distroless python3-debian13's entrypoint and the target of its /usr/bin/python3 link (distroless python3/python.bzl:10-12, 21-24, 67-69), from the same Debian release", () => {
    const build = stage("build");
    // The build stage installs Debian 13's python3.13, whose python3.13-minimal holds the binary
    // the distroless image carries (python3/config.bzl:29-32; 3.13.5 in
    // private/repos/deb/trixie_python.lock.json:260-265), and uv builds the environment on
    // exactly that path, with no interpreter of its own.
    expect(keywordArguments(build, "RUN").join("\n")).toContain(
      `apt-get install --yes --no-install-recommends ${PRODUCTION_PYTHON.debianPackage}`,
    );
    const sync = keywordArguments(build, "RUN").find((step) => step.includes("uv sync"));
    expect(sync).toContain(`--python ${PRODUCTION_PYTHON.path}`);
    const env = keywordArguments(build, "ENV").join(" ");
    expect(env).toContain("UV_PYTHON_DOWNLOADS=never");
    expect(env).toContain("UV_PYTHON_PREFERENCE=only-system");
    // The same Debian release (13, trixie) and the same Python minor version in both stages.
    expect(build.image).toMatch(/^debian:trixie-/);
    expect(stage("production").image).toMatch(/^gcr\.io\/distroless\/python3-debian13:/);
    // What distroless's source says the debian13 image runs (python.bzl:10-12 and 67-69).
    expect(PRODUCTION_PYTHON).toMatchObject({ minorVersion: "3.13", path: "/usr/bin/python3.13" });
    expect(PRODUCTION_PYTHON.path).toBe(`/usr/bin/python${PRODUCTION_PYTHON.minorVersion}`);
    expect(PRODUCTION_PYTHON.debianPackage).toBe(`python${PRODUCTION_PYTHON.minorVersion}`);
    // Production runs the environment's python (a link to that path) and copies no interpreter.
    expect(execForm(only(stage("production"), "ENTRYPOINT"))?.[0]).toBe("/app/.venv/bin/python");
    expect(keywordArguments(stage("production"), "COPY").some((copy) => copy.includes("/opt/python"))).toBe(false);
  });

  it("gives uvicorn the grace period minus the drain and a 2 s margin to finish requests after SIGTERM", () => {
    const cmd = (shutdown: { terminationGracePeriodSeconds: number; drainSeconds: number }) =>
      execForm(only(stage("production", renderDockerfile({ ...PROPS, shutdown })), "CMD")) ?? [];
    const timeout = (argv: string[]) => argv[argv.indexOf("--timeout-graceful-shutdown") + 1];
    expect(timeout(cmd({ terminationGracePeriodSeconds: 30, drainSeconds: 10 }))).toBe("18");
    expect(timeout(cmd({ terminationGracePeriodSeconds: 60, drainSeconds: 0 }))).toBe("58");
    expect(timeout(cmd({ terminationGracePeriodSeconds: 45, drainSeconds: 15 }))).toBe("28");
  });

  it("serves with hot reload under the debugger in development, on the HTTP and debug ports", () => {
    const development = stage("development");
    expect(execForm(only(development, "ENTRYPOINT"))).toEqual([
      "python",
      "-m",
      "debugpy",
      "--listen",
      "0.0.0.0:5678",
      "-m",
      "uvicorn",
    ]);
    expect(execForm(only(development, "CMD"))).toEqual([
      "app.main:app",
      "--host",
      "0.0.0.0",
      "--port",
      "8000",
      "--reload",
    ]);
    expect(keywordArguments(development, "EXPOSE")).toEqual(["8000 5678"]);
    expect(keywordArguments(development, "STOPSIGNAL")).toEqual(["SIGTERM"]);
  });

  it("takes VERSION and APP_ENV as build args and labels the image with OCI annotations", () => {
    for (const name of ["development", "production"]) {
      const target = stage(name);
      expect(keywordArguments(target, "ARG")).toEqual(["VERSION=0.0.0-dev", `APP_ENV=${name}`]);
      const labels = keywordArguments(target, "LABEL").join(" ");
      expect(labels).toContain('org.opencontainers.image.version="${VERSION}"');
      expect(labels).toContain('org.opencontainers.image.source="https://github.com/acme/orders-api"');
      expect(labels).toContain('org.opencontainers.image.title="orders-api"');
      expect(keywordArguments(target, "ENV").join(" ")).toContain("APP_ENV=${APP_ENV}");
    }
  });

  it("follows the configured port, debug port, application and liveness path", () => {
    const custom = renderDockerfile({
      ...PROPS,
      port: 8080,
      debugPort: 5679,
      asgiApp: "orders.web:application",
      livenessPath: "/healthz",
    });
    expect(keywordArguments(stage("development", custom), "EXPOSE")).toEqual(["8080 5679"]);
    expect(keywordArguments(stage("production", custom), "EXPOSE")).toEqual(["8080"]);
    expect(keywordArguments(stage("production", custom), "COPY")).toContain("--from=build /app/orders /app/orders");
    expect(execForm(only(stage("production", custom), "CMD"))?.slice(0, 5)).toEqual([
      "orders.web:application",
      "--host",
      "0.0.0.0",
      "--port",
      "8080",
    ]);
    expect(argumentsOf(only(stage("production", custom), "HEALTHCHECK"))).toContain("http://127.0.0.1:8080/healthz");
  });
});

describe("the service's container files", () => {
  const files = serviceContainerFiles(PROPS);

  it("are the Dockerfile, .dockerignore and compose.yaml", () => {
    expect(files.map((file) => file.path)).toEqual(["Dockerfile", ".dockerignore", "compose.yaml"]);
  });

  it("keep secrets and the local virtual environment out of the build context, but not the lock file", () => {
    const ignored = (files.find((file) => file.path === ".dockerignore")?.content ?? "")
      .split("\n")
      .filter((line) => line !== "" && !line.startsWith("#"));
    expect(ignored).toEqual(expect.arrayContaining([".env", ".env.*", ".venv", ".git"]));
    expect(ignored).not.toEqual(expect.arrayContaining(["uv.lock", "pyproject.toml", "app"]));
  });
});

describe("the pin table of third-party images", () => {
  it("pins every image by a tag and a sha256 digest", () => {
    for (const image of Object.values(PINNED_IMAGES)) {
      expect(image.tag).toMatch(/^[A-Za-z0-9_][A-Za-z0-9._-]*$/);
      expect(image.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    }
  });

  it("runs the same CPython minor version in the development image and the production interpreter", () => {
    expect(PINNED_IMAGES.python.tag).toBe(`${PYTHON_VERSION}-slim`);
    expect(PYTHON_VERSION.startsWith(`${PRODUCTION_PYTHON.minorVersion}.`)).toBe(true);
  });
});
