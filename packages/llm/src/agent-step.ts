// Lenient parsing of one research-agent step: whole text, then a fenced block, then first "{" … last "}".

export type AgentStep =
  | { kind: "action"; thought: string; tool: string; input: Record<string, unknown> }
  | { kind: "final"; thought: string; finalAnswer: string };

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function candidates(text: string): string[] {
  const out = [text.trim()];
  const fence = /```(?:json|JSON)?\s*\n?([\s\S]*?)```/.exec(text);
  if (fence?.[1]) out.push(fence[1].trim());
  const first = text.indexOf("{");
  const last = text.lastIndexOf("}");
  if (first >= 0 && last > first) out.push(text.slice(first, last + 1));
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function toStep(v: unknown): AgentStep | null {
  if (!isObject(v)) return null;
  const thought = typeof v.thought === "string" ? v.thought : "";
  if ("final_answer" in v && v.final_answer !== undefined && v.final_answer !== null) {
    const fa = v.final_answer;
    return { kind: "final", thought, finalAnswer: typeof fa === "string" ? fa : JSON.stringify(fa) };
  }
  const action = v.action;
  if (!isObject(action) || typeof action.tool !== "string" || action.tool.length === 0) return null;
  const input = isObject(action.input) ? action.input : {};
  return { kind: "action", thought, tool: action.tool, input };
}

/** The step a model's reply describes, or null when none of the three readings gives a valid step. */
export function parseAgentStep(text: string): AgentStep | null {
  for (const c of candidates(text)) {
    const step = toStep(tryJson(c));
    if (step) return step;
  }
  return null;
}
