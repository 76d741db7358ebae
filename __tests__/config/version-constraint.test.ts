import { constraintAdmits, lowestNamedMajor, parseVersion } from "../../lib/domain";

describe("Terraform version constraints", () => {
  it.each([
    [">= 6.10.0, < 7.0.0", "6.10.0", true],
    [">= 6.10.0, < 7.0.0", "6.9.1", false],
    [">= 6.10.0, < 7.0.0", "7.0.0", false],
    ["~> 6.9", "6.12.3", true],
    ["~> 6.9", "7.0.0", false],
    ["~> 6.9.1", "6.9.4", true],
    ["~> 6.9.1", "6.10.0", false],
    ["2.38.0", "2.38.0", true],
    ["= 2.38.0", "2.38.1", false],
    ["!= 6.9.0", "6.9.0", false],
    ["> 1.4, <= 1.11", "1.11.0", true],
    [">= 1.5.0", "1.4.7", false],
  ])("'%s' admits %s: %s", (constraint, version, admitted) => {
    expect(constraintAdmits(constraint, version)).toBe(admitted);
  });

  it("rejects what is not a constraint or not a release version", () => {
    expect(constraintAdmits(">= six", "6.0.0")).toBeUndefined();
    expect(constraintAdmits(">= 6.0", "6.0.0-rc.1")).toBeUndefined();
    expect(parseVersion("v1.2.3")).toEqual([1, 2, 3]);
  });

  it("finds the lowest major version a constraint names", () => {
    expect(lowestNamedMajor(">= 6.10.0, < 7.0.0")).toBe(6);
    expect(lowestNamedMajor("nonsense")).toBeUndefined();
  });
});
