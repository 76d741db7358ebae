import { isQuantity, parseQuantity } from "../../lib/domain";

describe("Kubernetes quantities", () => {
  it.each([
    ["1", 1],
    ["250m", 0.25],
    ["0.5", 0.5],
    ["512Mi", 512 * 2 ** 20],
    ["1Gi", 2 ** 30],
    ["1G", 1e9],
    ["128974848", 128974848],
    ["129e6", 129e6],
    ["1.5Gi", 1.5 * 2 ** 30],
  ])("reads %s as %d base units", (quantity, expected) => {
    expect(parseQuantity(quantity)).toBeCloseTo(expected);
  });

  it.each(["", "lots", "-1", "1Gb", "1 Gi", "Mi", "1.2.3"])("rejects %j", (quantity) => {
    expect(isQuantity(quantity)).toBe(false);
  });
});
