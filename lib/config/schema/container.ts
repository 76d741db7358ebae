import { z } from "zod";
import { port } from "./primitives";

/** `package.module:attribute`, what uvicorn is given to find the ASGI application. */
const asgiApplication = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*$/,
    "must be an ASGI application as 'package.module:attribute', such as 'app.main:app'",
  );

/**
 * How the service's container image is built and started (`services[].container`): what the
 * generated Dockerfile and compose file need to know about the Python project.
 */
export const containerSchema = z
  .strictObject({
    /**
     * The ASGI application uvicorn serves. Its top-level package (`app` in `app.main:app`) is
     * the code directory copied into the image, next to `pyproject.toml` and `uv.lock`.
     */
    asgiApp: asgiApplication.default("app.main:app"),
    /** The port debugpy listens on in the development image. */
    debugPort: port.default(5678),
  })
  .prefault({});

export type ContainerConfig = z.output<typeof containerSchema>;

/** The debugger and the application cannot share a port inside the development container. */
export function reportContainerProblems(
  config: { readonly services: readonly { readonly port: number; readonly container: ContainerConfig }[] },
  ctx: z.RefinementCtx,
): void {
  config.services.forEach((service, index) => {
    if (service.container.debugPort === service.port) {
      ctx.addIssue({
        code: "custom",
        path: ["services", index, "container", "debugPort"],
        message: `must differ from services[${index}].port (${service.port}): the debugger and the application both listen in the development container`,
      });
    }
  });
}
