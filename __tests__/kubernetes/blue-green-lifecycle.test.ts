import {
  activeColorVariableName,
  imageVariableName,
  replicaFloorVariableName,
  serviceEnvironmentStackId,
  type EnvironmentName,
} from "../../lib/domain";
import { stackOf, synthesizeDefaultConfig, groupOf } from "../support/synth";
import { evaluateWorkload, type EvaluatedWorkload } from "../support/workload-evaluation";

const SERVICE = "orders-api";
const REPOSITORY = "ghcr.io/acme-platform/orders-api";
const digest = (hex: string) => `sha256:${hex.repeat(64)}`;
const [D1, D2, D3] = [digest("1"), digest("2"), digest("3")];

const app = synthesizeDefaultConfig();

/**
 * Evaluates, with terraform, the expressions of the service's stack of an environment (the stack
 * its deploy jobs plan, on workspace `<prefix>-<environment>-<service>`) for the variables a step
 * leaves behind.
 */
function plan(environment: EnvironmentName, variables: Readonly<Record<string, string>>): EvaluatedWorkload {
  const result = evaluateWorkload(stackOf(app, serviceEnvironmentStackId(environment, SERVICE)), SERVICE, variables);
  if ("error" in result) {
    throw new Error(`terraform rejected the variables ${JSON.stringify(variables)}:\n${result.error}`);
  }
  return result;
}

/**
 * The registry: `publish` moves the branch tag to the new digest, as the pipeline's publish job
 * does. The stacks never read it (no registry lookup); the test keeps it to show that every step
 * runs the same images whatever `main` points to.
 */
class Registry {
  readonly tags = new Map<string, string>();
  publish(tag: string, published: string): void {
    this.tags.set(tag, published);
  }
}

/**
 * The deploy workflow's moves on the production workspace variables, one apply each: deploy to
 * the idle colour at the active colour's size, switch, check the route, and on failure switch
 * back and restore the idle colour's previous digest.
 */
class BlueGreenPipeline {
  readonly variables: Record<string, string> = {};
  private readonly activeVariable = activeColorVariableName(SERVICE);
  private readonly floorVariable = replicaFloorVariableName(SERVICE);

  constructor(private readonly defaultColor: "blue" | "green") {}

  get active(): "blue" | "green" {
    const value = this.variables[this.activeVariable] ?? "";
    return value === "" ? this.defaultColor : (value as "blue" | "green");
  }

  get idle(): "blue" | "green" {
    return this.active === "blue" ? "green" : "blue";
  }

  /** Runs one release; `healthy` is the health check's verdict through the route. Returns each apply's plan. */
  release(released: string, activeReplicas: number, healthy: boolean): EvaluatedWorkload[] {
    const plans: EvaluatedWorkload[] = [];
    const idle = this.idle;
    const idleVariable = imageVariableName(SERVICE, idle);
    const previousActive = this.variables[this.activeVariable] ?? "";
    const previousIdleImage = this.variables[idleVariable] ?? "";
    this.variables[this.floorVariable] = String(activeReplicas);
    this.variables[idleVariable] = released;
    plans.push(plan("production", this.variables));
    this.variables[this.activeVariable] = idle;
    plans.push(plan("production", this.variables));
    if (!healthy) {
      this.variables[this.activeVariable] = previousActive;
      this.variables[idleVariable] = previousIdleImage;
      plans.push(plan("production", this.variables));
    }
    return plans;
  }

  /** After the rollback window the floor returns to the configured minimum. */
  endRollbackWindow(): EvaluatedWorkload {
    this.variables[this.floorVariable] = "0";
    return plan("production", this.variables);
  }
}

const image = (pinned: string) => `${REPOSITORY}@${pinned}`;

describe("production blue-green over bootstrap, three releases and a rollback (terraform evaluates each plan)", () => {
  const registry = new Registry();
  const pipeline = new BlueGreenPipeline("blue");

  it("looks up no tag in any stack of either environment, so no plan can follow a moving tag", () => {
    for (const group of ["staging", "production"] as const) {
      expect(groupOf(app, group).data?.docker_registry_image).toBeUndefined();
    }
  });

  it("bootstrap: plans before any image exists, with no pods of either colour and the route on the Service", () => {
    const bootstrap = plan("production", pipeline.variables);
    expect(bootstrap).toEqual({
      deployments: {
        blue: { exists: false, image: null, minReplicas: null },
        green: { exists: false, image: null, minReplicas: null },
      },
      selectedColor: "blue",
      routeBackend: SERVICE,
    });
  });

  it("release 1: the first digest goes to the idle colour, which then takes the traffic", () => {
    registry.publish("main", D1);
    const [deployed, switched] = pipeline.release(D1, 0, true);
    expect(deployed?.deployments.green).toEqual({ exists: true, image: image(D1), minReplicas: 3 });
    expect(deployed?.deployments.blue?.exists).toBe(false);
    expect(deployed?.selectedColor).toBe("blue");
    expect(switched?.selectedColor).toBe("green");
    expect(switched?.deployments.green?.image).toBe(image(D1));
  });

  it("release 2 fails its health check: the live colour never changes image, and traffic returns to it", () => {
    registry.publish("main", D2);
    const plans = pipeline.release(D2, 5, false);
    const [deployed, switched, rolledBack] = plans;
    // The new colour comes up at the live colour's size before it takes the traffic.
    expect(deployed?.deployments.blue).toEqual({ exists: true, image: image(D2), minReplicas: 5 });
    expect(deployed?.selectedColor).toBe("green");
    expect(switched?.selectedColor).toBe("blue");
    for (const step of plans) {
      expect(step.deployments.green).toEqual({ exists: true, image: image(D1), minReplicas: 5 });
    }
    // The exact previous colour and digest: green on D1; blue back to what it had (no image).
    expect(rolledBack?.selectedColor).toBe("green");
    expect(rolledBack?.deployments.blue?.exists).toBe(false);
  });

  it("release 3 goes to the idle colour; the previous colour stays warm on its digest for the rollback window", () => {
    registry.publish("main", D3);
    const [deployed, switched] = pipeline.release(D3, 4, true);
    expect(deployed?.deployments.blue).toEqual({ exists: true, image: image(D3), minReplicas: 4 });
    expect(switched?.selectedColor).toBe("blue");
    expect(switched?.deployments.green).toEqual({ exists: true, image: image(D1), minReplicas: 4 });
    const settled = pipeline.endRollbackWindow();
    expect(settled.deployments).toEqual({
      blue: { exists: true, image: image(D3), minReplicas: 3 },
      green: { exists: true, image: image(D1), minReplicas: 3 },
    });
    expect(settled.selectedColor).toBe("blue");
  });

  it("runs the same images whatever the branch tag points to: main moved three times and was never read", () => {
    expect(registry.tags.get("main")).toBe(D3);
    const again = plan("production", pipeline.variables);
    expect(again.deployments.green?.image).toBe(image(D1));
    expect(again.deployments.blue?.image).toBe(image(D3));
  });

  it("keeps the autoscaler floor within the configured bounds whatever the floor variable says", () => {
    const floor = replicaFloorVariableName(SERVICE);
    const variables = { ...pipeline.variables };
    expect(plan("production", { ...variables, [floor]: "40" }).deployments.blue?.minReplicas).toBe(12);
    expect(plan("production", { ...variables, [floor]: "1" }).deployments.blue?.minReplicas).toBe(3);
  });

  it.each([
    ["a tag", "main"],
    ["a repository reference", `${REPOSITORY}:1.0`],
    ["a short digest", "sha256:abc"],
  ])("rejects %s in a colour's image variable at plan time", (_, value) => {
    const result = evaluateWorkload(stackOf(app, serviceEnvironmentStackId("production", SERVICE)), SERVICE, {
      [imageVariableName(SERVICE, "blue")]: value,
    });
    expect(result).toEqual({ error: expect.stringContaining("tags are not accepted") as unknown });
  });

  it("rejects a colour other than blue or green at plan time", () => {
    const result = evaluateWorkload(stackOf(app, serviceEnvironmentStackId("production", SERVICE)), SERVICE, {
      [activeColorVariableName(SERVICE)]: "main",
    });
    expect(result).toEqual({ error: expect.stringContaining("must be") as unknown });
  });
});

describe("staging rolling deploys over bootstrap, three releases and a rollback", () => {
  const variable = imageVariableName(SERVICE);
  const steps: [string, string, string | null][] = [
    ["bootstrap", "", null],
    ["release 1", D1, image(D1)],
    ["release 2", D2, image(D2)],
    ["release 2 rolled back to the exact previous digest", D1, image(D1)],
    ["release 3", D3, image(D3)],
  ];

  it.each(steps)("%s runs what the image variable pins, never a tag", (_, value, expected) => {
    const { deployments } = plan("staging", { [variable]: value });
    expect(deployments).toEqual({
      main: { exists: expected !== null, image: expected, minReplicas: expected === null ? null : 1 },
    });
  });
});
