import * as path from "node:path";
import { crdSchemas, validateAgainst } from "./crd-schema";
import type { KubernetesObject } from "./kubernetes-objects";
import { resourcesOf, type TerraformJson } from "../../lib/terraform-json/terraform-json";

/** Flagger's CRDs at the release the project targets (see fixtures/flagger/README.md). */
export const FLAGGER_CRD_FILE = path.join(__dirname, "../fixtures/flagger/crd.yaml");

let schemas: Record<string, ReturnType<typeof crdSchemas>[string]> | undefined;

/** What Flagger's CRD schema finds wrong with an object; [] when the API server would accept it. */
export function flaggerSchemaErrors(object: KubernetesObject): string[] {
  schemas ??= crdSchemas(FLAGGER_CRD_FILE);
  const schema = schemas[`${object.apiVersion}/${object.kind}`];
  if (schema === undefined) {
    return [`no Flagger CRD defines ${object.apiVersion} ${object.kind}`];
  }
  return validateAgainst(schema, object);
}

/** The objects of a stack's `kubernetes_manifest` resources of Flagger's API group, by address. */
export function flaggerObjectsOf(stack: TerraformJson): { address: string; object: KubernetesObject }[] {
  return resourcesOf(stack, "kubernetes_manifest")
    .map((block) => ({ address: block.address, object: block.body.manifest as KubernetesObject }))
    .filter(({ object }) => object.apiVersion.startsWith("flagger.app/"));
}

/** The one Flagger object of a kind named `name`; fails when there is not exactly one. */
export function flaggerObject(stack: TerraformJson, kind: string, name: string): KubernetesObject {
  const found = flaggerObjectsOf(stack).filter(({ object }) => object.kind === kind && object.metadata.name === name);
  if (found.length !== 1) {
    throw new Error(`expected one ${kind} '${name}', found ${found.length}`);
  }
  return (found[0] as { object: KubernetesObject }).object;
}
