import { PodV1 } from "@cdktf/provider-kubernetes/lib/pod-v1";
import { isDigestPinned, unversionedImageProblem } from "../../policy/container-images";
import { selectorMatches } from "../../policy/label-selector";
import {
  expressionsIn,
  literalText,
  singleInterpolation,
  templateParts,
  variablesIn,
} from "../../lib/terraform-json/template-sequences";
import { findingsOf, guardrailsReport } from "../support/policy";

describe("reading Terraform template strings", () => {
  it("undoes Terraform's escapes and keeps GitHub expressions and shell format strings literal", () => {
    expect(literalText("run: echo $${{ github.sha }} %%{http_code} $$HOME 100%")).toBe(
      "run: echo ${{ github.sha }} %{http_code} $$HOME 100%",
    );
  });

  it("finds interpolations and directives, with braces and quotes inside them", () => {
    expect(templateParts('a ${format("%s}", var.x)} b %{ if var.y }c%{ endif }')).toEqual([
      { kind: "literal", text: "a " },
      { kind: "interpolation", expression: 'format("%s}", var.x)' },
      { kind: "literal", text: " b " },
      { kind: "directive", expression: "if var.y" },
      { kind: "literal", text: "c" },
      { kind: "directive", expression: "endif" },
    ]);
    expect(expressionsIn('${jsonencode({ "a" = "${var.b}" })}')).toEqual(['jsonencode({ "a" = "${var.b}" })']);
  });

  it("treats an unterminated sequence as an expression, never as literal text", () => {
    expect(literalText("name: ${var.x")).toBeUndefined();
    expect(literalText('name: ${format("x)}')).toBeUndefined();
    expect(templateParts('${"${var.a"}')).toEqual([{ kind: "interpolation", expression: '"${var.a"}' }]);
  });

  it("recognizes a value that is one whole interpolation, and the variables an expression reads", () => {
    expect(singleInterpolation("${var.token}")).toBe("var.token");
    expect(singleInterpolation("Bearer ${var.token}")).toBeUndefined();
    expect(variablesIn('var.a == "" ? var.b_c : local.d')).toEqual(["a", "b_c"]);
  });
});

describe("container image references", () => {
  it.each([
    ["ghcr.io/acme/api", "has no tag or digest (so it runs whatever 'latest' is)"],
    ["localhost:5000/api", "has no tag or digest (so it runs whatever 'latest' is)"],
    ["ghcr.io/acme/api:latest", "uses the mutable tag 'latest'"],
    ["ghcr.io/acme/api:1.2.3", undefined],
    ["ghcr.io/acme/api:${var.tag}", undefined],
    ["${var.image}", undefined],
    [`ghcr.io/acme/api@sha256:${"f".repeat(64)}`, undefined],
  ])("judges the version of %s", (image, problem) => {
    expect(unversionedImageProblem(image)).toBe(problem);
  });

  it.each([
    [`ghcr.io/acme/api@sha256:${"f".repeat(64)}`, true],
    ["ghcr.io/acme/api@${data.docker_registry_image.api.sha256_digest}", true],
    ['${format("%s@%s", var.repo, data.docker_registry_image.api.sha256_digest)}', true],
    ["ghcr.io/acme/api@sha256:short", false],
    ["ghcr.io/acme/api:1.2.3", false],
    ["${var.image}", false],
  ])("knows whether %s is pinned by digest", (image, pinned) => {
    expect(isDigestPinned(image)).toBe(pinned);
  });
});

describe("label selectors", () => {
  const labels = { app: "web", color: "blue" };

  it.each([
    [{}, true],
    [{ match_labels: { app: "web" } }, true],
    [{ match_labels: { app: "api" } }, false],
    [{ match_expressions: [{ key: "color", operator: "In", values: ["blue", "green"] }] }, true],
    [{ match_expressions: [{ key: "color", operator: "NotIn", values: ["blue"] }] }, false],
    [{ match_expressions: [{ key: "tier", operator: "NotIn", values: ["db"] }] }, true],
    [{ match_expressions: [{ key: "app", operator: "Exists" }] }, true],
    [{ match_expressions: [{ key: "app", operator: "DoesNotExist" }] }, false],
    [{ match_expressions: [{ key: "app", operator: "Matches" }] }, false],
  ])("matches %j against app=web,color=blue: %s", (selector, matches) => {
    expect(selectorMatches(selector, labels)).toBe(matches);
  });

  it("selects nothing when there is no selector", () => {
    expect(selectorMatches(undefined, labels)).toBe(false);
  });
});

describe("pod templates", () => {
  it("reads a bare pod's own spec", () => {
    const report = guardrailsReport(
      (stack) => {
        new PodV1(stack, "debug", {
          metadata: { name: "debug", namespace: "shop" },
          spec: { container: [{ name: "shell", image: "busybox" }] },
        });
      },
      { stackId: "staging" },
    );
    expect(findingsOf(report)).toEqual([
      "error K8S001 kubernetes_pod_v1.debug",
      "error K8S002 kubernetes_pod_v1.debug",
      "error K8S003 kubernetes_pod_v1.debug",
      "error K8S004 kubernetes_pod_v1.debug",
      "error K8S007 kubernetes_pod_v1.debug",
      "error K8S008 kubernetes_pod_v1.debug",
      "error K8S009 kubernetes_pod_v1.debug",
      "error K8S010 kubernetes_pod_v1.debug",
      "warning K8S016 kubernetes_pod_v1.debug",
    ]);
  });
});
