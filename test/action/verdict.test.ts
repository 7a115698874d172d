// The action's verdict (action/verdict.mjs): pass only when every outside miner earned, and with strict only when
// the report lists no anomalies. Reports here are shaped like apex-localnet's (neurons[], anomalies[]).
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module without types, run by the action with node
import { renderVerdict, verdict } from "../../action/verdict.mjs";

const neuron = (uid: number, role: string, incentive: number) => ({
  uid,
  hotkey: `hk${uid}`,
  role,
  incentive,
});
const report = (incentives: number[], anomalies?: unknown[]) => ({
  neurons: [
    neuron(0, "owner", 0),
    neuron(1, "miner", 0.5),
    ...incentives.map((x, i) => neuron(2 + i, "external", x)),
  ],
  ...(anomalies === undefined ? {} : { anomalies }),
});

describe("action verdict", () => {
  it("passes when the outside miner earned incentive", () => {
    const v = verdict(report([0.12], []));
    expect(v).toMatchObject({ pass: true, reasons: [] });
    expect(renderVerdict(v)).toContain("incentive 0.120000");
  });

  it("fails when an outside miner earned nothing, or when there is none", () => {
    expect(verdict(report([0.3, 0])).reasons).toEqual(["outside miner uid 3 (hk3) earned no incentive"]);
    expect(verdict(report([])).pass).toBe(false);
    expect(verdict({}).pass).toBe(false);
  });

  it("strict fails on anomalies, and on a report that cannot say", () => {
    const anomalies = [{ uid: 1, hotkey: "hk1", strategy: "dummy/random", reason: "timeout", count: 3 }];
    expect(verdict(report([0.2], anomalies)).pass).toBe(true); // not strict: reported, not judged
    const v = verdict(report([0.2], anomalies), { strict: true });
    expect(v.pass).toBe(false);
    expect(v.reasons).toEqual(["strict: 3 anomalies in the run (uid 1 timeout×3)"]);
    expect(verdict(report([0.2], []), { strict: true }).pass).toBe(true);
    expect(verdict(report([0.2]), { strict: true }).reasons[0]).toMatch(/no `anomalies` list/);
  });
});
