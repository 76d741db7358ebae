import {
  activeColorVariableName,
  imageVariableName,
  replicaFloorVariableName,
  serviceEnvironmentStackId,
  warmUntilVariableName,
  type EnvironmentName,
} from "../../lib/domain";
import { stackOf, synthesizeDefaultConfig, groupOf } from "../support/synth";
import { evaluateWorkload, type ClusterState, type EvaluatedWorkload } from "../support/workload-evaluation";

const SERVICE = "orders-api";
const REPOSITORY = "ghcr.io/acme-platform/orders-api";
const digest = (hex: string) => `sha256:${hex.repeat(64)}`;
const [D1, D2, D3] = [digest("1"), digest("2"), digest("3")];

const app = synthesizeDefaultConfig();

/**
 * Evaluates, with terraform, the expressions of the service's stack of an environment (the stack
 * its deploy jobs plan, on workspace `<prefix>-<environment>-<service>`) for the variables a step
 * leaves behind, with the cluster as the plan's lookups find it.
 */
function plan(
  environment: EnvironmentName,
  variables: Readonly<Record<string, string>>,
  cluster?: ClusterState,
): EvaluatedWorkload {
  const stack = stackOf(app, serviceEnvironmentStackId(environment, SERVICE));
  const result = evaluateWorkload(stack, SERVICE, variables, cluster);
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

const MINUTE = 60_000;
const ROLLBACK_WINDOW_MINUTES = 30;

/**
 * The deploy workflow's moves on the production workspace variables, one apply each: deploy to
 * the idle colour while both colours are held warm, switch, hold them for the rollback window,
 * check the route, and on failure switch back and restore the idle colour's previous digest and
 * the previous warm-until time. Between plans the cluster plays the autoscalers: each colour runs
 * what its traffic needs (`load` on the selected colour, none on the other) but never fewer than
 * its floor, and an idle colour drops to its floor at once (the worst case for a late rollback).
 */
class BlueGreenPipeline {
  readonly variables: Record<string, string> = {};
  /** spec.replicas of each Deployment, as the plan's data source lists them. */
  readonly replicas: Record<string, number> = {};
  now = Date.parse("2026-12-01T09:00:00Z");
  private readonly activeVariable = activeColorVariableName(SERVICE);
  private readonly warmVariable = warmUntilVariableName(SERVICE);

  constructor(
    private readonly defaultColor: "blue" | "green",
    /** Replicas the live colour's traffic needs. */
    public load: number,
  ) {}

  get active(): "blue" | "green" {
    const value = this.variables[this.activeVariable] ?? "";
    return value === "" ? this.defaultColor : (value as "blue" | "green");
  }

  get idle(): "blue" | "green" {
    return this.active === "blue" ? "green" : "blue";
  }

  /** A plan and its apply now; the autoscalers then settle. */
  apply(): EvaluatedWorkload {
    const planned = plan("production", this.variables, {
      planTime: new Date(this.now).toISOString(),
      replicas: { ...this.replicas },
    });
    for (const [color, deployment] of Object.entries(planned.deployments)) {
      const name = `${SERVICE}-${color}`;
      if (deployment.minReplicas === null) {
        delete this.replicas[name];
      } else {
        const demand = color === planned.selectedColor ? this.load : 0;
        this.replicas[name] = Math.min(12, Math.max(deployment.minReplicas, demand));
      }
    }
    return planned;
  }

  advance(minutes: number): void {
    this.now += minutes * MINUTE;
  }

  private minutesFromNow(minutes: number): string {
    return new Date(this.now + minutes * MINUTE).toISOString().replace(/\.\d+Z$/, "Z");
  }

  /** Runs one release; `healthy` is the health check's verdict through the route. Returns each apply's plan. */
  release(released: string, healthy: boolean): EvaluatedWorkload[] {
    const plans: EvaluatedWorkload[] = [];
    const idle = this.idle;
    const idleVariable = imageVariableName(SERVICE, idle);
    const previous = { ...this.variables };
    this.variables[idleVariable] = released;
    this.variables[this.warmVariable] = this.minutesFromNow(60);
    plans.push(this.apply());
    this.variables[this.activeVariable] = idle;
    plans.push(this.apply());
    this.variables[this.warmVariable] = this.minutesFromNow(ROLLBACK_WINDOW_MINUTES);
    if (!healthy) {
      for (const name of [this.activeVariable, idleVariable, this.warmVariable]) {
        this.variables[name] = previous[name] ?? "";
      }
      plans.push(this.apply());
    }
    return plans;
  }
}

const image = (pinned: string) => `${REPOSITORY}@${pinned}`;

describe("production blue-green over bootstrap, three releases and a rollback (terraform evaluates each plan)", () => {
  const registry = new Registry();
  const pipeline = new BlueGreenPipeline("blue", 5);

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

  it("release 1: the first digest goes to the idle colour, which then takes the traffic at the configured floor", () => {
    registry.publish("main", D1);
    const [deployed, switched] = pipeline.release(D1, true);
    // Nothing runs yet, so the live size is 0 and the configured minimum applies.
    expect(deployed?.deployments.green).toEqual({ exists: true, image: image(D1), minReplicas: 3 });
    expect(deployed?.deployments.blue?.exists).toBe(false);
    expect(deployed?.selectedColor).toBe("blue");
    expect(switched?.selectedColor).toBe("green");
    expect(switched?.deployments.green?.image).toBe(image(D1));
    expect(pipeline.replicas).toEqual({ [`${SERVICE}-green`]: 5 });
  });

  it("release 2 fails its health check: the live colour never changes image, and traffic returns to it", () => {
    registry.publish("main", D2);
    pipeline.advance(120);
    const plans = pipeline.release(D2, false);
    const [deployed, switched, rolledBack] = plans;
    // The new colour comes up at the live colour's size (green runs 5) before it takes the traffic.
    expect(deployed?.deployments.blue).toEqual({ exists: true, image: image(D2), minReplicas: 5 });
    expect(deployed?.selectedColor).toBe("green");
    expect(switched?.selectedColor).toBe("blue");
    // While blue served, green (idle) was held at 5: the rollback lands on a colour at full size.
    expect(switched?.deployments.green).toEqual({ exists: true, image: image(D1), minReplicas: 5 });
    // The exact previous colour, digest and warm-until time: green on D1; blue back to no image.
    expect(rolledBack?.selectedColor).toBe("green");
    expect(rolledBack?.deployments.green?.image).toBe(image(D1));
    expect(rolledBack?.deployments.blue?.exists).toBe(false);
    expect(pipeline.replicas).toEqual({ [`${SERVICE}-green`]: 5 });
  });

  it("release 3 goes to the idle colour; the previous colour stays warm on its digest for the rollback window", () => {
    registry.publish("main", D3);
    pipeline.advance(120);
    pipeline.load = 4;
    const [deployed, switched] = pipeline.release(D3, true);
    expect(deployed?.deployments.blue).toEqual({ exists: true, image: image(D3), minReplicas: 5 });
    expect(switched?.selectedColor).toBe("blue");
    expect(switched?.deployments.green).toEqual({ exists: true, image: image(D1), minReplicas: 5 });
    pipeline.advance(ROLLBACK_WINDOW_MINUTES - 1);
    const late = pipeline.apply();
    expect(late.deployments.green).toEqual({ exists: true, image: image(D1), minReplicas: 5 });
    pipeline.advance(2);
    const settled = pipeline.apply();
    expect(settled.deployments).toEqual({
      blue: { exists: true, image: image(D3), minReplicas: 3 },
      green: { exists: true, image: image(D1), minReplicas: 3 },
    });
    expect(settled.selectedColor).toBe("blue");
    expect(pipeline.replicas).toEqual({ [`${SERVICE}-blue`]: 4, [`${SERVICE}-green`]: 3 });
  });

  it("runs the same images whatever the branch tag points to: main moved three times and was never read", () => {
    expect(registry.tags.get("main")).toBe(D3);
    const again = plan("production", pipeline.variables);
    expect(again.deployments.green?.image).toBe(image(D1));
    expect(again.deployments.blue?.image).toBe(image(D3));
  });

  it("keeps the autoscaler floor within the configured bounds whatever the hand-set floor or the live size says", () => {
    const floor = replicaFloorVariableName(SERVICE);
    const variables = { ...pipeline.variables };
    expect(plan("production", { ...variables, [floor]: "40" }).deployments.blue?.minReplicas).toBe(12);
    expect(plan("production", { ...variables, [floor]: "1" }).deployments.blue?.minReplicas).toBe(3);
    const warm = { ...variables, [warmUntilVariableName(SERVICE)]: "2027-01-01T00:00:00Z" };
    const crowded = { planTime: "2026-12-31T00:00:00Z", replicas: { [`${SERVICE}-blue`]: 30 } };
    expect(plan("production", warm, crowded).deployments.green?.minReplicas).toBe(12);
  });

  it("rejects a warm-until value that is not an RFC 3339 time at plan time", () => {
    const result = evaluateWorkload(stackOf(app, "production-orders-api"), SERVICE, {
      [warmUntilVariableName(SERVICE)]: "in 30 minutes",
    });
    expect(result).toEqual({ error: expect.stringContaining("must be empty or an RFC 3339 time") as unknown });
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
