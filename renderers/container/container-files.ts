import type { ManagedFile } from "../../lib/domain/managed-file";
import { renderComposeFile, type ComposeFileProps } from "./compose-file";
import { renderDockerfile, type DockerfileProps } from "./dockerfile";

/**
 * What a service's container files are generated from: everything the Dockerfile needs, which
 * includes what the compose file needs.
 */
export type ServiceContainerProps = DockerfileProps & ComposeFileProps;

/**
 * The container files of one service repository: `Dockerfile`, `.dockerignore` and
 * `compose.yaml`, committed next to the workflow files by the github stack.
 */
export function serviceContainerFiles(props: ServiceContainerProps): ManagedFile[] {
  return [
    { path: "Dockerfile", content: renderDockerfile(props) },
    { path: ".dockerignore", content: DOCKER_IGNORE },
    { path: "compose.yaml", content: renderComposeFile(props) },
  ];
}

/**
 * What never goes to the builder: secrets (`.env`), the local virtual environment (built for
 * another platform), caches and VCS data. `pyproject.toml` and `uv.lock` must stay: the
 * dependency layer is built from them.
 */
const DOCKER_IGNORE = `# Managed by Terraform from the delivery configuration; changes made here are overwritten.
# Secrets stay out of every image and build cache.
.env
.env.*
!.env.example
# Local state and caches: built for another platform, or noise that busts the layer cache.
.git
.venv
**/__pycache__
**/*.py[cod]
.pytest_cache
.mypy_cache
.ruff_cache
.coverage
coverage.xml
htmlcov
dist
build
*.egg-info
# The container files themselves: changing them must not invalidate the code layer.
Dockerfile
.dockerignore
compose.yaml
`;
