import { describe, expect, it } from "vitest";
import { pyJsonDumps } from "../src/index.js";

// Expected strings printed by python3 (3.11): json.dumps(...) of the same values.
describe("pyJsonDumps writes what Python's json.dumps writes", () => {
  it("floats", () => {
    const xs = [
      0.02,
      1.0,
      1e-5,
      1.5e-5,
      0.0001,
      123456789.125,
      1e16,
      1.2345e16,
      9999999999999998.0,
      0.1 + 0.2,
      3.0,
      2.5e-300,
      1.7976931348623157e308,
      -0.5,
      100.0,
      0.00012,
    ];
    expect(pyJsonDumps(xs)).toBe(
      "[0.02, 1.0, 1e-05, 1.5e-05, 0.0001, 123456789.125, 1e+16, 1.2345e+16, 9999999999999998.0, " +
        "0.30000000000000004, 3.0, 2.5e-300, 1.7976931348623157e+308, -0.5, 100.0, 0.00012]",
    );
  });
  it("objects, strings, ints and None", () => {
    expect(pyJsonDumps({ a: "é\u2028x", b: [1.0, 2n], c: null })).toBe(
      '{"a": "\\u00e9\\u2028x", "b": [1.0, 2], "c": null}',
    );
  });
});
