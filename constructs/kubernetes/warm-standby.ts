import { DataKubernetesResources } from "@cdktf/provider-kubernetes/lib/data-kubernetes-resources";
import { conditional, Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { DEPLOYMENT_COLORS } from "../../lib/domain/environments";
import { INSTANCE_LABEL } from "./labels";
import { ReplicaFloorVariable } from "./replica-floor-variable";
import { WarmUntilVariable } from "./warm-until-variable";

export interface WarmStandbyProps {
  readonly serviceName: string;
  readonly namespace: string;
}

/**
 * The autoscaler floor both colours of a blue-green service share. While the warm-until variable
 * lies ahead of the plan's time (the deploy workflow sets it for the deployment, then for the
 * rollback window after the switch), the floor is the live replica count of the service's
 * colours, read from the cluster at plan time: the new colour takes the traffic at the size the
 * live one had, and the previous colour stays at it, ready for an instant rollback. Afterwards the
 * floor is the configured minimum again (or the hand-set replica-floor variable); the first plan
 * after the window lowers it, so no job waits for the window to pass.
 *
 * Why Terraform reads the live size rather than the deploy job: the stack's own credential (the
 * deployer ServiceAccount) already lists Deployments in the namespace (its Role grants `list` on
 * every kind the stack writes), and Terraform Cloud already reaches the cluster; a job reading it
 * would need a second cluster token in GitHub and a network path from the runners to the API
 * server, and the number it wrote would be stale by the time a queued run planned.
 *
 * The read is `kubernetes_resources` (a list), not the singular `kubernetes_resource`: provider
 * v2.38.0 returns no state at all for a missing object (manifest/provider/datasource.go:354-356),
 * which fails the plan (hashicorp/terraform-provider-kubernetes#1955), while a list that matches
 * nothing is an empty tuple (datasource.go:159-174, 176-218), as on bootstrap before either
 * colour has a Deployment.
 */
export class WarmStandby extends Construct {
  readonly liveDeployments: DataKubernetesResources;
  readonly warmUntil: WarmUntilVariable;
  private readonly handFloor: ReplicaFloorVariable;

  constructor(scope: Construct, id: string, props: WarmStandbyProps) {
    super(scope, id);
    const instances = DEPLOYMENT_COLORS.map((color) => `${props.serviceName}-${color}`);
    this.liveDeployments = new DataKubernetesResources(this, "live-deployments", {
      apiVersion: "apps/v1",
      kind: "Deployment",
      namespace: props.namespace,
      labelSelector: `${INSTANCE_LABEL} in (${instances.join(",")})`,
    });
    this.warmUntil = WarmUntilVariable.of(this, props.serviceName);
    this.handFloor = ReplicaFloorVariable.of(this, props.serviceName);
  }

  /**
   * The largest `spec.replicas` (what the autoscaler last asked for) of the service's colours, 0
   * when neither exists. The label selector matches at most one Deployment per colour.
   */
  get liveReplicas(): number {
    const objects = this.liveDeployments.objects;
    return Fn.max([
      0,
      ...DEPLOYMENT_COLORS.map((_, index) =>
        Token.asNumber(Fn.try([Fn.lookupNested(objects, [index, "spec", "replicas"]), 0])),
      ),
    ]);
  }

  /** The floor in effect, within [min, max]. */
  floorWithin(min: number, max: number): number {
    const warm = Token.asNumber(conditional(this.warmUntil.isWarm, this.liveReplicas, 0));
    return Token.asNumber(Fn.min([max, Fn.max([min, this.handFloor.numberValue, warm])]));
  }
}
