import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { Ingress, NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { Role, RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, LimitRange, Namespace, ResourceQuota, Secret, Service, ServiceAccount } from "kubernetes-models/v1";
import httpRoute from "../fixtures/gateway-api/httproute-v1.json";
import type { KubernetesObject } from "./kubernetes-objects";
import { toJsonSchema, validateAgainst, type JsonSchema } from "./crd-schema";

interface Validatable {
  validate(): void;
}

/**
 * The kubernetes-models class of each kind. Each validates against the Kubernetes OpenAPI schema
 * (types, required fields, enums, formats) offline. The schemas do not forbid unknown fields, so a
 * misspelt field passes here: the converter's own tests pin the field names.
 */
// The classes are typed through @kubernetes-models/base, which this project's (node10) module
// resolution cannot see; hence `unknown` here and the Validatable shape at the call.
const MODELS: Readonly<Record<string, new (data: never) => unknown>> = {
  "v1/Namespace": Namespace,
  "v1/ServiceAccount": ServiceAccount,
  "v1/ConfigMap": ConfigMap,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "v1/ResourceQuota": ResourceQuota,
  "v1/LimitRange": LimitRange,
  "apps/v1/Deployment": Deployment,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "networking.k8s.io/v1/Ingress": Ingress,
  "rbac.authorization.k8s.io/v1/Role": Role,
  "rbac.authorization.k8s.io/v1/RoleBinding": RoleBinding,
};

/**
 * Custom resources, checked against their CRD's structural schema: the HTTPRoute of Gateway API
 * v1.4.1 (standard channel), fetched from kubernetes-sigs/gateway-api at that tag.
 */
const CUSTOM_RESOURCE_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  "gateway.networking.k8s.io/v1/HTTPRoute": toJsonSchema(httpRoute.schema),
};

/** What the Kubernetes OpenAPI schema finds wrong with an object; [] when it is valid. */
export function schemaErrors(object: KubernetesObject): string[] {
  const custom = CUSTOM_RESOURCE_SCHEMAS[`${object.apiVersion}/${object.kind}`];
  if (custom !== undefined) {
    return validateAgainst(custom, object);
  }
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (Model === undefined) {
    return [`no schema known for ${object.apiVersion} ${object.kind}`];
  }
  try {
    (new Model(object as never) as Validatable).validate();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}
