import { parseAgentStep } from "@apex/llm";
import { describe, expect, it } from "vitest";

const action = {
  thought: "look it up",
  action: { tool: "websearch", input: { query: "tides", max_results: 3 } },
};
const final = { thought: "done", final_answer: "the answer" };

describe("parseAgentStep", () => {
  it.each([
    ["whole JSON", JSON.stringify(action), "action"],
    ["fenced json block", `Here you go:\n\`\`\`json\n${JSON.stringify(action)}\n\`\`\`\nthanks`, "action"],
    ["bare fence", `\`\`\`\n${JSON.stringify(final)}\n\`\`\``, "final"],
    ["prose around braces", `Sure! ${JSON.stringify(final)} Hope that helps.`, "final"],
    ["pretty-printed", JSON.stringify(action, null, 2), "action"],
  ])("reads %s", (_name, text, kind) => {
    expect(parseAgentStep(text)?.kind).toBe(kind);
  });

  it("keeps the fields", () => {
    expect(parseAgentStep(JSON.stringify(action))).toEqual({
      kind: "action",
      thought: "look it up",
      tool: "websearch",
      input: { query: "tides", max_results: 3 },
    });
    expect(parseAgentStep(JSON.stringify(final))).toEqual({
      kind: "final",
      thought: "done",
      finalAnswer: "the answer",
    });
    // A non-string final answer is kept as JSON text rather than dropped.
    expect(parseAgentStep('{"thought":"t","final_answer":{"a":1}}')).toMatchObject({
      finalAnswer: '{"a":1}',
    });
  });

  it.each([
    ["plain prose", "I think the answer is 42."],
    ["broken JSON", '{"thought": "x", "action": {"tool": "websearch"'],
    ["an array", "[1, 2, 3]"],
    ["no action and no final answer", '{"thought": "hmm"}'],
    ["action without a tool", '{"thought": "x", "action": {"input": {}}}'],
    ["empty", ""],
  ])("rejects %s", (_name, text) => {
    expect(parseAgentStep(text)).toBeNull();
  });
});
