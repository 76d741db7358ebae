import { createHash } from "node:crypto";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { Construct } from "constructs";
import { SensitiveVariable } from "../terraform";
import { objectLabels } from "./labels";
import { DERIVED_APP_SETTINGS, secretVariableName } from "../../lib/domain";

/** Names the app can read as environment variables (Pydantic Settings maps them to fields). */
const ENVIRONMENT_VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Settings the construct derives itself; a `settings` entry may not override them. */
const DERIVED_SETTINGS = Object.keys(DERIVED_APP_SETTINGS);

export interface ServiceSettingsProps {
  /** The service the settings belong to; names the objects and the secret variables. */
  readonly serviceName: string;
  readonly namespace: string;
  /** The deployment environment, given to the app as `APP_ENV`. */
  readonly environment: string;
  /** The port the app listens on, given to the app as `PORT`. */
  readonly port: number;
  /** Further non-secret settings; `LOG_LEVEL` overrides the default. @default { LOG_LEVEL: "info" } */
  readonly settings?: Readonly<Record<string, string>>;
  /**
   * Names of the secret settings (`DATABASE_URL`). Each value comes from the sensitive variable
   * `secretVariableName(serviceName, name)`, the same one the service's GitHub environment secret
   * is set from. @default [] (no Secret)
   */
  readonly secretNames?: readonly string[];
}

/**
 * A service's configuration as environment variables: a ConfigMap with the non-secret settings
 * and a Secret whose values exist only as sensitive Terraform variables.
 */
export class ServiceSettings extends Construct {
  readonly configMap: ConfigMapV1;
  readonly secret?: SecretV1;
  /**
   * A digest of the non-secret settings. Pods read environment variables only when they start, so
   * a pod template annotated with it rolls out whenever the settings change.
   */
  readonly checksum: string;

  constructor(scope: Construct, id: string, props: ServiceSettingsProps) {
    super(scope, id);
    const settings = props.settings ?? {};
    const secretNames = props.secretNames ?? [];
    for (const key of [...Object.keys(settings), ...secretNames]) {
      if (!ENVIRONMENT_VARIABLE.test(key)) {
        throw new Error(`settings and secretNames must be environment variable names (got '${key}')`);
      }
    }
    for (const key of DERIVED_SETTINGS.filter((name) => name in settings)) {
      throw new Error(`settings.${key} is derived from the ${key === "PORT" ? "port" : "environment"} prop; remove it`);
    }
    const both = secretNames.filter((name) => name in settings);
    if (both.length > 0) {
      throw new Error(`${both.join(", ")} is both a setting and a secret; keep it in one of them`);
    }

    const data: Record<string, string> = {
      LOG_LEVEL: "info",
      ...settings,
      APP_ENV: props.environment,
      PORT: String(props.port),
    };
    const sorted = Object.fromEntries(Object.entries(data).sort(([a], [b]) => a.localeCompare(b)));
    this.checksum = createHash("sha256").update(JSON.stringify(sorted)).digest("hex");
    this.configMap = new ConfigMapV1(this, "config-map", {
      metadata: {
        name: `${props.serviceName}-settings`,
        namespace: props.namespace,
        labels: objectLabels(props.serviceName),
      },
      data: sorted,
    });

    if (secretNames.length > 0) {
      const secretData: Record<string, string> = {};
      for (const name of [...secretNames].sort()) {
        secretData[name] = SensitiveVariable.of(this, secretVariableName(props.serviceName, name), {
          description: `${name} of ${props.serviceName} (GitHub environment secret and Kubernetes Secret)`,
        }).stringValue;
      }
      this.secret = new SecretV1(this, "secret", {
        metadata: {
          name: `${props.serviceName}-secrets`,
          namespace: props.namespace,
          labels: objectLabels(props.serviceName),
        },
        type: "Opaque",
        data: secretData,
      });
    }
  }
}
