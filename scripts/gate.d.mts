// Types for scripts/gate.mjs (imported by test/gate.test.ts).
export declare const MUST_RUN: string[];
export declare const OPT_IN: Record<string, string>;
export interface VitestJson {
  testResults?: Array<{
    name: string;
    assertionResults?: Array<{ status: string; title?: string; fullName?: string }>;
  }>;
}
export declare function skipViolations(
  json: VitestJson,
  opts: { cwd: string; narrowed?: boolean; mustRun?: string[]; optIn?: Record<string, string> },
): { violations: number; lines: string[] };
