// Types for scripts/check-deps.mjs (imported by test/house-rules/check-deps.test.ts).
export declare const CONFIG_MODULES: string[];
export declare function stripComments(text: string): string;
export declare function importsOf(code: string): string[];
export declare function checkHouseRules(root: string): string[];
