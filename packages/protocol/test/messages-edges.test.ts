// parseMinerRequest on JSON that is not an object (mutation testing found the guard unchecked).
import { describe, expect, it } from "vitest";
import { parseMinerRequest, parseMinerRequestBody } from "../src/index.js";

describe("request bodies that are not objects", () => {
  it.each([null, [], ["generator"], "generator", 42, true])(
    "refuses %j saying a JSON object is expected",
    (body) => {
      expect(parseMinerRequest(body)).toEqual({ ok: false, error: expect.stringMatching(/JSON object/) });
    },
  );

  it("the same through the raw-body parser", () => {
    expect(parseMinerRequestBody("null")).toMatchObject({
      ok: false,
      error: expect.stringMatching(/JSON object/),
    });
    expect(parseMinerRequestBody('[{"step":"generator","query":"q"}]')).toMatchObject({ ok: false });
  });
});
