import { SERVICE_DEFAULTS } from "../../domain/service-defaults";
import { z } from "zod";
import { dnsLabel, port } from "./primitives";

/**
 * A path relative to the configuration file. Absolute paths are refused: they would write one
 * machine's layout into the output. Quotes, backslashes and template markers are refused too,
 * because the path becomes part of a Terraform expression.
 */
const relativeSourcePath = z
  .string()
  .regex(
    /^(?![/~])(?![A-Za-z]:)[A-Za-z0-9._@+ /-]+$/,
    "must be a directory relative to this configuration file, with forward slashes (such as '../../orders-api')",
  );

const developmentService = z.strictObject({
  /** The service's repository checkout: its Dockerfile's `development` target is built from it and it is mounted at /app. */
  source: relativeSourcePath,
  /** Host port (on 127.0.0.1) of the service's HTTP port. */
  port: port.default(SERVICE_DEFAULTS.port),
  /** Host port (on 127.0.0.1) of the debugger (debugpy). */
  debugPort: port.default(5678),
});

/** Host ports (on 127.0.0.1) of the backing services. */
const backingServicePorts = z
  .strictObject({
    postgres: port.default(5432),
    redis: port.default(6379),
    minio: port.default(9000),
    minioConsole: port.default(9001),
  })
  .prefault({});

/**
 * The local environment of the `development` stack (`cdktf deploy development`): backing
 * services, and the services listed here, built from their checkouts with hot reload.
 */
export const developmentSchema = z
  .strictObject({
    /** Names the Docker network, volumes and containers: `<name>-postgres`, ... */
    name: dnsLabel(40).default("delivery-dev"),
    ports: backingServicePorts,
    /** Services to run locally, by service name. A service not listed here does not run locally. */
    services: z.record(z.string(), developmentService).default({}),
  })
  .prefault({})
  .superRefine((development, ctx) => {
    // Each published port is bound once on 127.0.0.1; a second binding fails at apply time.
    const published: { path: (string | number)[]; port: number }[] = [
      ...Object.entries(development.ports).map(([name, value]) => ({ path: ["ports", name], port: value })),
      ...Object.entries(development.services).flatMap(([name, service]) => [
        { path: ["services", name, "port"], port: service.port },
        { path: ["services", name, "debugPort"], port: service.debugPort },
      ]),
    ];
    const firstUse = new Map<number, (string | number)[]>();
    for (const entry of published) {
      const first = firstUse.get(entry.port);
      if (first === undefined) {
        firstUse.set(entry.port, entry.path);
        continue;
      }
      ctx.addIssue({
        code: "custom",
        path: entry.path,
        message: `collides with development.${first.join(".")} (both publish ${entry.port}); every published port must be different`,
      });
    }
  });

export type DevelopmentConfig = z.output<typeof developmentSchema>;

/** Every service named under `development.services` must be a configured service. */
export function reportDevelopmentProblems(
  config: { readonly services: readonly { readonly name: string }[]; readonly development: DevelopmentConfig },
  ctx: z.RefinementCtx,
): void {
  const names = config.services.map((service) => service.name);
  for (const name of Object.keys(config.development.services)) {
    if (!names.includes(name)) {
      ctx.addIssue({
        code: "custom",
        path: ["development", "services", name],
        message: `is not a configured service; configured: ${names.join(", ")}`,
      });
    }
  }
}
