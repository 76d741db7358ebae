import { PINNED_IMAGES, taggedAndPinned } from "../../lib/domain/pinned-images";
import { PYTHON_VERSION, pythonLivenessCheck } from "../../lib/domain/tool-versions";

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
}

/**
 * Seconds uvicorn waits for open requests after SIGTERM. Below Kubernetes' default grace
 * period (30 s), so the process exits on its own before it would be killed.
 */
const GRACEFUL_SHUTDOWN_SECONDS = 20;

/**
 * The service's multi-stage Dockerfile:
 * - `development`: python:3.13.6-slim, all dependency groups, uvicorn --reload under debugpy,
 *   uid/gid 1000; the source is bind-mounted over /app (compose.yaml, development stack).
 * - `build`: production dependencies only, into a virtual environment on uv's standalone
 *   CPython, dependency layer before code layer.
 * - `production` (the default target): distroless, no shell, uid/gid 1000, exec-form entrypoint.
 *
 * Why not `gcr.io/distroless/python3-debian12`: it ships Debian 12's Python 3.11, which cannot
 * run a 3.13 virtual environment. uv's standalone CPython (python-build-standalone) links its
 * own OpenSSL, SQLite, libffi and zlib and needs only glibc, which `cc-debian12` has; the build
 * stage runs on the same Debian 12, so uv picks wheels for the glibc the runtime has.
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
    "# build: production dependencies on uv's standalone CPython, dependencies before code",
    `FROM ${taggedAndPinned(PINNED_IMAGES.python)} AS build`,
    "ENV UV_COMPILE_BYTECODE=1 \\",
    "    UV_LINK_MODE=copy \\",
    "    UV_PYTHON_INSTALL_DIR=/opt/python \\",
    "    UV_PYTHON_PREFERENCE=only-managed \\",
    "    UV_PROJECT_ENVIRONMENT=/app/.venv",
    "COPY --from=uv /uv /usr/local/bin/",
    `RUN uv python install ${PYTHON_VERSION}`,
    "WORKDIR /app",
    "RUN --mount=type=cache,target=/root/.cache/uv \\",
    ...lockfileMounts,
    `    uv sync --frozen --no-dev --no-install-project --python ${PYTHON_VERSION}`,
    "# What a server never imports: tests, IDLE, Tk, headers (dependencies are already built).",
    `RUN cd /opt/python/cpython-${PYTHON_VERSION}-*/ \\`,
    " && rm -rf include share lib/tcl* lib/tk* lib/libtcl* lib/libtk* \\",
    "      lib/python3.*/test lib/python3.*/idlelib lib/python3.*/tkinter lib/python3.*/turtledemo lib/python3.*/ensurepip",
    `COPY ${packageDirectory}/ /app/${packageDirectory}/`,
    `RUN /app/.venv/bin/python -m compileall -q --invalidation-mode unchecked-hash ${packageDirectory}`,
    "",
    "# production: glibc, CA certificates and tzdata; no shell, no package manager",
    `FROM ${taggedAndPinned(PINNED_IMAGES.distrolessCc)} AS production`,
    "ARG VERSION=0.0.0-dev",
    "ARG APP_ENV=production",
    ...labels(props.serviceName),
    "ENV PYTHONDONTWRITEBYTECODE=1 \\",
    "    PYTHONUNBUFFERED=1 \\",
    "    PATH=/app/.venv/bin:/usr/bin:/bin \\",
    "    APP_ENV=${APP_ENV} \\",
    "    APP_VERSION=${VERSION}",
    "# One layer each for the interpreter, the dependencies and the code: a code change ships one small layer.",
    "COPY --from=build /opt/python /opt/python",
    "COPY --from=build /app/.venv /app/.venv",
    `COPY --from=build /app/${packageDirectory} /app/${packageDirectory}`,
    "WORKDIR /app",
    "# uid/gid 1000 (the nonroot variant's 65532 is replaced); files stay root-owned, read-only to it.",
    "USER 1000:1000",
    `EXPOSE ${props.port}`,
    "STOPSIGNAL SIGTERM",
    healthcheck("/app/.venv/bin/python"),
    "# Exec form: the interpreter is PID 1 and receives SIGTERM itself; uvicorn drains and exits.",
    `ENTRYPOINT ${execForm(["/app/.venv/bin/python", "-m", "uvicorn"])}`,
    `CMD ${execForm([
      props.asgiApp,
      "--host",
      "0.0.0.0",
      "--port",
      String(props.port),
      "--timeout-graceful-shutdown",
      String(GRACEFUL_SHUTDOWN_SECONDS),
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
