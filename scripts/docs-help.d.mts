// Types for scripts/docs-help.mjs (imported by test/docs/help-blocks.test.ts).
export declare function fillHelpBlock(doc: string, name: string, help: string): string;
