import { TOOL_VERSIONS } from "./tool-versions";

/**
 * Every third-party image this project builds on or runs, pinned by tag (for people) and by the
 * digest of its multi-platform index (for machines: linux/amd64 and linux/arm64 resolve from the
 * same digest). A tag can be moved to other content; a digest cannot. This is the one place to
 * bump them: the generated Dockerfile and compose file and the development stack all read it.
 * When bumping, take the index digest (`docker buildx imagetools inspect <image>:<tag>`, first
 * `Digest:` line), not one platform's manifest digest.
 *
 * Where each digest was taken from (public files pinning the same tag to the same digest):
 * - python 3.13.6-slim: github/evergreen's Dockerfile (Dependabot-maintained), which installs
 *   Debian 12 packages (`git=1:2.39.5-0+deb12u2`) on it, and another repository pinning
 *   `python:3.13.6-slim-bookworm` to the same digest: this is the Debian 12 (bookworm) build.
 *   The tag later moved to Debian 13 (trixie); the development image keeps this build.
 * - uv 0.8.9: several repositories copying `/uv` from `ghcr.io/astral-sh/uv:0.8.9@sha256:cda9...`.
 * - distroless python3-debian13 nonroot: three public files pinning the same index digest, one
 *   of them recording `docker buildx imagetools inspect` of it; two further files record that it
 *   ships Debian 13's Python 3.13.5.
 * - debian trixie-slim: two unrelated repositories pinning the same digest.
 * - postgres, redis, minio: many repositories each (minio: the quay.io image; MinIO no longer
 *   publishes to Docker Hub, and quay.io serves the same digest).
 */
export interface PinnedImage {
  /** Repository without tag: `python`, `gcr.io/distroless/cc-debian12`. */
  readonly repository: string;
  readonly tag: string;
  /** `sha256:<64 hex>` of the image index. */
  readonly digest: string;
}

export const PINNED_IMAGES = {
  /** The development stage (hot reload, debugger). */
  python: {
    repository: "python",
    tag: `${TOOL_VERSIONS.python}-slim`,
    digest: "sha256:6f79e7a10bb7d0b0a50534a70ebc78823f941fba26143ecd7e6c5dca9d7d7e8a",
  },
  /** uv in the image (TOOL_VERSIONS.uv.image): 0.8.6 or later, since 0.8.6 added CPython 3.13.6 to `uv python install`. */
  uv: {
    repository: "ghcr.io/astral-sh/uv",
    tag: TOOL_VERSIONS.uv.image,
    digest: "sha256:cda9608307dbbfc1769f3b6b1f9abf5f1360de0be720f544d29a7ae2863c47ef",
  },
  /**
   * The production runtime: Debian 13's python3.13 as dpkg packages (so the scanner sees the
   * interpreter, OpenSSL and their CVEs), glibc, CA certificates, tzdata; no shell, no package manager.
   */
  distrolessPython: {
    repository: "gcr.io/distroless/python3-debian13",
    tag: "nonroot",
    digest: "sha256:4376456c1d8520c9d464f2c475465850efaecabf9a190ff24d4a0eef2b884bea",
  },
  /** The build stage: the same Debian release, whose python3.13 package is the runtime's interpreter. */
  debian: {
    repository: "debian",
    tag: "trixie-slim",
    digest: "sha256:d7e12182ce18b85b93007c1dedf31f2d29e01ccf3182cc4017c709b6259bc132",
  },
  postgres: {
    repository: "postgres",
    tag: "17.6-alpine",
    digest: "sha256:ef257d85f76e48da1c64832459b59fcaba1a4dac97bf5d7450c77753542eee94",
  },
  redis: {
    repository: "redis",
    tag: "8.2.1-alpine",
    digest: "sha256:987c376c727652f99625c7d205a1cba3cb2c53b92b0b62aade2bd48ee1593232",
  },
  minio: {
    repository: "quay.io/minio/minio",
    tag: "RELEASE.2025-09-07T16-13-09Z",
    digest: "sha256:14cea493d9a34af32f524e538b8346cf79f3321eff8e708c1e2960462bd8936e",
  },
} as const satisfies Record<string, PinnedImage>;

/** `python:3.13.6-slim@sha256:...`: readable, and the digest decides what is pulled. */
export function taggedAndPinned(image: PinnedImage): string {
  return `${image.repository}:${image.tag}@${image.digest}`;
}

/**
 * `postgres@sha256:...`: for the Docker provider's `docker_image`, which has mishandled
 * `name:tag@digest` (kreuzwerker/terraform-provider-docker#52) but pulls `name@digest`.
 */
export function pinnedByDigest(image: PinnedImage): string {
  return `${image.repository}@${image.digest}`;
}

/**
 * The interpreter of the production image and of the build stage that fills its virtual
 * environment: Debian 13's `/usr/bin/python3.13` (package `python3.13-minimal`, 3.13.5 in
 * distroless's lock; the distroless image's entrypoint, and the target of its `/usr/bin/python3`
 * link: GoogleContainerTools/distroless python3/python.bzl:21-24, 67-69). The build stage installs
 * `python3.13`, which brings that package. The virtual environment links to this path, so both
 * stages must have it at the same place.
 */
export const PRODUCTION_PYTHON = {
  minorVersion: "3.13",
  debianPackage: "python3.13",
  path: "/usr/bin/python3.13",
} as const;
