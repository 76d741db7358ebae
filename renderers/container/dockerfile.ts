import { PINNED_IMAGES, PRODUCTION_PYTHON, taggedAndPinned } from "../../lib/domain/pinned-images";
import { gracefulShutdownSeconds, PRODUCTION_INTERPRETER, type ShutdownTiming } from "../../lib/domain/python-runtime";
import { pythonLivenessCheck } from "../../lib/domain/tool-versions";

/** What the generated Dockerfile needs to know about a service. */
export interface DockerfileProps {
  readonly serviceName: string;
  /** `https://github.com/<owner>/<repository>`: the image's source label. */
  readonly sourceUrl: string;
  /** The HTTP port uvicorn listens on. */
  readonly port: number;
  /** The port debugpy listens on in the development image. */
  readonly debugPort: number;
  /** `package.module:attribute`, the ASGI application. */
  readonly asgiApp: string;
  /** The liveness endpoint, polled by the image's HEALTHCHECK. */
  readonly livenessPath: string;
  /**
   * The pod's grace period and pre-stop drain, from which uvicorn's graceful timeout follows.
   * @default grace period 30 s, drain 10 s
   */
  readonly shutdown?: ShutdownTiming;
}

/**
 * The service's multi-stage Dockerfile:
 * - `development`: python:3.13.6-slim, all dependency groups, uvicorn --reload under debugpy,
 *   uid/gid 1000; the source is bind-mounted over /app (compose.yaml, development stack).
 * - `build`: Debian 13 with its `python3.13` package, production dependencies only, into a
 *   virtual environment, dependency layer before code layer.
 * - `production` (the default target): distroless Python on Debian 13, no shell, uid/gid 1000,
 *   exec-form entrypoint.
 *
 * The production interpreter is Debian's own package (in the image's dpkg status, so scanners
 * see it and the OpenSSL it links). The virtual environment links to `/usr/bin/python3.13`,
 * which the build stage and the runtime both have from the same Debian release: uv builds no
 * interpreter of its own, and picks wheels for the glibc the runtime has.
 *
 * What the distroless image holds, read from its source (GoogleContainerTools/distroless at
 * cd080764, 2026-08-21): `python3/python.bzl:10-12` sets debian13's Python to "3.13";
 * `python.bzl:67-69` makes `/usr/bin/python3.13` the entrypoint; `python.bzl:21-24` adds the
 * links `/usr/bin/python` and `/usr/bin/python3` -> `/usr/bin/python3.13` (distroless's own, as
 * Debian's `python3` package is not installed); `python3/config.bzl:29-32` installs
 * `libpython3.13-minimal`, `libpython3.13-stdlib`, `python3.13-minimal` (which holds the binary)
 * and `python3.13-venv`, locked at 3.13.5-2+deb13u4
 * (`private/repos/deb/trixie_python.lock.json:260-265`); `python3/testdata/debian13.yaml:3-8`
 * checks that `/usr/bin/python3 --version` prints "Python 3.13.5". The build stage installs
 * Debian 13's `python3.13`, whose interpreter is that same `python3.13-minimal` package ("contains
 * the interpreter": https://packages.debian.org/trixie/python3.13-minimal).
 */
export function renderDockerfile(props: DockerfileProps): string {
  const packageDirectory = topLevelPackage(props.asgiApp);
  const labels = (description: string) => [
    `LABEL org.opencontainers.image.title="${props.serviceName}" \\`,
    `      org.opencontainers.image.description="${description}" \\`,
    `      org.opencontainers.image.source="${props.sourceUrl}" \\`,
    '      org.opencontainers.image.version="${VERSION}"',
  ];
  const healthcheck = (python: string) =>
    `HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 CMD ${execForm([
      python,
      ...pythonLivenessCheck(props.port, props.livenessPath),
    ])}`;
  const lockfileMounts = [
    "    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \\",
    "    --mount=type=bind,source=uv.lock,target=uv.lock \\",
  ];

  return [
    `# ${props.serviceName}: container image. Managed by Terraform from the delivery configuration;`,
    "# changes made here are overwritten. Change the configuration instead.",
    "#",
    "# Targets: development (compose.yaml: hot reload, debugger), production (default: distroless).",
    "# Build args: VERSION (version label and APP_VERSION), APP_ENV (target environment).",
    "#   docker buildx build --platform linux/amd64,linux/arm64 --target production \\",
    "#     --build-arg VERSION=1.4.2 --build-arg APP_ENV=production .",
    "# Every base image is pinned by the digest of its multi-platform index.",
    "",
    `FROM ${taggedAndPinned(PINNED_IMAGES.uv)} AS uv`,
    "",
    "# development: all dependency groups, uvicorn --reload under debugpy, source mounted at /app",
    `FROM ${taggedAndPinned(PINNED_IMAGES.python)} AS development`,
    "ARG VERSION=0.0.0-dev",
    "ARG APP_ENV=development",
    ...labels(`${props.serviceName} (development)`),
    // The virtual environment lives outside /app so that the source mount does not hide it.
    "ENV PYTHONDONTWRITEBYTECODE=1 \\",
    "    PYTHONUNBUFFERED=1 \\",
    "    UV_LINK_MODE=copy \\",
    "    UV_PYTHON_DOWNLOADS=never \\",
    "    UV_PROJECT_ENVIRONMENT=/opt/venv \\",
    "    PATH=/opt/venv/bin:$PATH \\",
    "    APP_ENV=${APP_ENV} \\",
    "    APP_VERSION=${VERSION} \\",
    "    DATABASE_URL=sqlite:////var/lib/app/development.db",
    "COPY --from=uv /uv /uvx /usr/local/bin/",
    "# Without a DATABASE_URL from outside (compose.yaml sets PostgreSQL), the app uses SQLite here.",
    "RUN groupadd --gid 1000 app \\",
    " && useradd --uid 1000 --gid 1000 --create-home --shell /usr/sbin/nologin app \\",
    " && install --directory --owner=1000 --group=1000 /app /opt/venv /var/lib/app",
    "USER 1000:1000",
    "WORKDIR /app",
    "RUN --mount=type=cache,target=/home/app/.cache/uv,uid=1000,gid=1000 \\",
    ...lockfileMounts,
    "    uv sync --frozen --no-install-project",
    "COPY --chown=1000:1000 . /app",
    `EXPOSE ${props.port} ${props.debugPort}`,
    "STOPSIGNAL SIGTERM",
    healthcheck("python"),
    `ENTRYPOINT ${execForm(["python", "-m", "debugpy", "--listen", `0.0.0.0:${props.debugPort}`, "-m", "uvicorn"])}`,
    `CMD ${execForm([props.asgiApp, "--host", "0.0.0.0", "--port", String(props.port), "--reload"])}`,
    "",
    "# build: production dependencies on Debian 13's python3.13, the runtime's interpreter",
    `FROM ${taggedAndPinned(PINNED_IMAGES.debian)} AS build`,
    "ENV UV_COMPILE_BYTECODE=1 \\",
    "    UV_LINK_MODE=copy \\",
    "    UV_PYTHON_DOWNLOADS=never \\",
    "    UV_PYTHON_PREFERENCE=only-system \\",
    "    UV_PROJECT_ENVIRONMENT=/app/.venv",
    "COPY --from=uv /uv /usr/local/bin/",
    "RUN apt-get update \\",
    ` && apt-get install --yes --no-install-recommends ${PRODUCTION_PYTHON.debianPackage} \\`,
    " && rm -rf /var/lib/apt/lists/*",
    "WORKDIR /app",
    "RUN --mount=type=cache,target=/root/.cache/uv \\",
    ...lockfileMounts,
    `    uv sync --frozen --no-dev --no-install-project --python ${PRODUCTION_PYTHON.path}`,
    `COPY ${packageDirectory}/ /app/${packageDirectory}/`,
    `RUN /app/.venv/bin/python -m compileall -q --invalidation-mode unchecked-hash ${packageDirectory}`,
    "",
    `# production: Debian 13's python${PRODUCTION_PYTHON.minorVersion}, glibc, CA certificates and tzdata; no shell, no package manager`,
    `FROM ${taggedAndPinned(PINNED_IMAGES.distrolessPython)} AS production`,
    "ARG VERSION=0.0.0-dev",
    "ARG APP_ENV=production",
    ...labels(props.serviceName),
    "ENV PYTHONDONTWRITEBYTECODE=1 \\",
    "    PYTHONUNBUFFERED=1 \\",
    "    PATH=/app/.venv/bin:/usr/bin:/bin \\",
    "    APP_ENV=${APP_ENV} \\",
    "    APP_VERSION=${VERSION}",
    "# One layer each for the dependencies and the code: a code change ships one small layer.",
    "COPY --from=build /app/.venv /app/.venv",
    `COPY --from=build /app/${packageDirectory} /app/${packageDirectory}`,
    "WORKDIR /app",
    "# uid/gid 1000 (the nonroot variant's 65532 is replaced); files stay root-owned, read-only to it.",
    "USER 1000:1000",
    `EXPOSE ${props.port}`,
    "STOPSIGNAL SIGTERM",
    healthcheck(PRODUCTION_INTERPRETER),
    "# Exec form: the interpreter is PID 1 and receives SIGTERM itself; uvicorn drains and exits.",
    "# Forwarded headers are trusted from any peer: the NetworkPolicy admits only the route's proxies.",
    `ENTRYPOINT ${execForm([PRODUCTION_INTERPRETER, "-m", "uvicorn"])}`,
    `CMD ${execForm([
      props.asgiApp,
      "--host",
      "0.0.0.0",
      "--port",
      String(props.port),
      "--timeout-graceful-shutdown",
      String(gracefulShutdownSeconds(props.shutdown ?? { terminationGracePeriodSeconds: 30, drainSeconds: 10 })),
      "--proxy-headers",
      "--forwarded-allow-ips",
      "*",
      "--no-server-header",
    ])}`,
    "",
  ].join("\n");
}

/** `app.main:app` -> `app`: the directory holding the application's code. */
function topLevelPackage(asgiApp: string): string {
  return asgiApp.split(/[.:]/)[0] ?? asgiApp;
}

/** A JSON array: Docker's exec form, run without a shell. */
function execForm(argv: readonly string[]): string {
  return JSON.stringify(argv).replace(/","/g, '", "');
}
