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
 *   The tag later moved to Debian 13 (trixie, glibc 2.41); that build must not be used here,
 *   or uv could pick wheels the runtime's glibc 2.36 cannot load.
 * - uv 0.8.9: several repositories copying `/uv` from `ghcr.io/astral-sh/uv:0.8.9@sha256:cda9...`.
 * - distroless cc-debian12 nonroot: four unrelated repositories pinning the same digest.
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
  /** The development stage and the build stage: Debian 12, the glibc the runtime image has. */
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
  /** The production runtime: glibc, libstdc++, CA certificates, tzdata; no shell, no package manager. */
  distrolessCc: {
    repository: "gcr.io/distroless/cc-debian12",
    tag: "nonroot",
    digest: "sha256:9dac0a79194e45a7da0158a9c6da57b217585af0786db3845d1f0ec1a0dd182f",
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
