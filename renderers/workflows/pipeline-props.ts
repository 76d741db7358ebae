import { ENVIRONMENT_NAMES, type DeploymentColor, type EnvironmentName, type SigningMode } from "../../lib/domain";

/** How one environment receives deployments from a service's pipeline. */
export interface PipelineEnvironment {
  /** The branch whose pushes deploy here (`develop`, `main`). */
  readonly branch: string;
  /**
   * `rolling`: one image variable per service, replaced in place. `blue-green`: one image variable
   * per colour; the new digest goes to the idle colour, then traffic switches. `canary`: one image
   * variable; Flagger shifts traffic to the new digest in steps and the job waits for its verdict.
   */
  readonly strategy: "rolling" | "blue-green" | "canary";
  /**
   * Canary: one image variable, as rolling; after the apply the job waits up to
   * `verdictTimeoutSeconds` for Flagger's verdict. @default none (not a canary environment)
   */
  readonly canary?: { readonly verdictTimeoutSeconds: number };
  /**
   * The service's public URL here; `/health` and `/readiness` are checked on it after each
   * deployment. @default none: the health check is skipped with a warning, and the deployment is
   * verified only by the rollout becoming ready
   */
  readonly url?: string;
  /** The Terraform Cloud workspace of the service's stack in this environment (`<prefix>-<env>-<service>`). */
  readonly workspace: string;
  /**
   * Blue-green: the colour the environment stack routes to while the active-colour variable is
   * empty. @default "blue"
   */
  readonly defaultActiveColor?: DeploymentColor;
}

export interface ServicePipelineProps {
  /** The service's name: Terraform deployment variables derive from it (`orders_api_image`). */
  readonly serviceName: string;
  /** The user or organisation owning the repository. */
  readonly owner: string;
  /** The repository the workflows live in. */
  readonly repository: string;
  /** The image repository on GHCR, without tag or digest: `ghcr.io/<owner>/<name>`. */
  readonly image: string;
  /**
   * Paths checked on the environment URL after a deployment; each must answer 2xx.
   * @default ["/health", "/readiness", "/liveness"]
   */
  readonly healthCheckPaths?: readonly string[];
  /**
   * The path whose answer names the running version (`VERSION` of the image, in the body): after
   * a deployment it must name the version just deployed, so a stale pod answering a healthy 200
   * does not pass. @default the first health check path
   */
  readonly versionPath?: string;
  /** The port the application listens on in the container (the smoke test probes it). @default 8000 */
  readonly port?: number;
  /**
   * The repository gets code scanning (public, or GitHub Code Security licensed): CodeQL runs on
   * every pull request, is a required check, and scan results are uploaded as SARIF. Without it
   * CodeQL fails on every run (`githubFeatures(...).codeScanning` says which), so it is left out
   * and the weekly scan keeps its SARIF as an artifact. @default true
   */
  readonly codeScanning?: boolean;
  /**
   * How images are signed and verified (`SIGNING_MODES` in lib/domain: keyless on the public
   * Sigstore instance, or a key pair without the public transparency log).
   * @default "keyless"
   */
  readonly signing?: SigningMode;
  readonly staging: PipelineEnvironment;
  readonly production: PipelineEnvironment;
}

/** The two environments in deployment order; production only ever follows staging. */
export const PIPELINE_ENVIRONMENTS = ENVIRONMENT_NAMES;
export type PipelineEnvironmentName = EnvironmentName;

const GHCR_IMAGE = /^ghcr\.io\/[a-z0-9][a-z0-9._-]*(?:\/[a-z0-9][a-z0-9._-]*)+$/;
const BRANCH = /^[A-Za-z0-9._/-]+$/;
const WORKSPACE = /^[A-Za-z0-9_-]{1,90}$/;
const HEALTH_PATH = /^\/[A-Za-z0-9._~/-]*$/;

/** Throws for props the workflows cannot serve, naming the field, the value and what is allowed. */
export function validatePipelineProps(props: ServicePipelineProps): void {
  const where = `service ${props.serviceName}`;
  if (!GHCR_IMAGE.test(props.image)) {
    throw new Error(
      `${where}: image '${props.image}' must be a GHCR repository (ghcr.io/<owner>/<name>, lowercase): the pipeline pushes and signs with the job's GITHUB_TOKEN, which only GHCR accepts`,
    );
  }
  for (const path of [
    ...(props.healthCheckPaths ?? []),
    ...(props.versionPath === undefined ? [] : [props.versionPath]),
  ]) {
    if (!HEALTH_PATH.test(path)) {
      throw new Error(`${where}: health check path '${path}' must start with '/' and use only URL path characters`);
    }
  }
  for (const name of PIPELINE_ENVIRONMENTS) {
    const environment = props[name];
    if (!BRANCH.test(environment.branch)) {
      throw new Error(`${where}: ${name} branch '${environment.branch}' must be a git branch name`);
    }
    if (!WORKSPACE.test(environment.workspace)) {
      throw new Error(
        `${where}: ${name} workspace '${environment.workspace}' must be a Terraform Cloud workspace name (letters, digits, '-', '_')`,
      );
    }
    if ((environment.strategy === "canary") !== (environment.canary !== undefined)) {
      throw new Error(
        `${where}: ${name} canary settings are required with strategy 'canary' and only with it (strategy '${environment.strategy}')`,
      );
    }
    if (environment.url !== undefined && !/^https?:\/\/[^\s"'`$\\]+$/.test(environment.url)) {
      throw new Error(`${where}: ${name} url '${environment.url}' must be an http(s) URL without quotes or spaces`);
    }
  }
}
