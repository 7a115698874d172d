// docs/validator.md's config reference is checked against the schema (the one table): every key the schema has is
// in the doc, and every default the doc writes as a plain value is the schema's. A default changed in one place
// and not the other fails here.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultValidatorConfig, ValidatorConfigSchema } from "../src/config.js";

const DOC = readFileSync(join(import.meta.dirname, "../../../docs/validator.md"), "utf8");

interface Row {
  section: string;
  keys: string[];
  defaults: string[];
}

/** The rows of the "| Section | Key | Default | Notes |" table. */
function configRows(doc: string): Row[] {
  const start = doc.indexOf("| Section");
  const lines = doc.slice(start).split("\n");
  const rows: Row[] = [];
  for (const line of lines.slice(2)) {
    if (!line.startsWith("|")) break;
    const [section = "", key = "", def = ""] = line
      .split("|")
      .slice(1)
      .map((c) => c.trim());
    rows.push({
      section: section === "(top level)" ? "" : section,
      keys: key.split(/,|\//).map((k) => k.trim()),
      defaults: def.split(/, (?![^(]*\))/).map((d) => d.trim()),
    });
  }
  return rows;
}

/** A doc cell as a value when it is a plain literal (`text`, a number, true/false, [], —); else undefined. */
function literal(cell: string): { value: unknown } | undefined {
  if (cell === "—") return { value: undefined };
  if (cell === "[]") return { value: [] };
  if (cell === "true" || cell === "false") return { value: cell === "true" };
  if (/^-?\d+(\.\d+)?$/.test(cell)) return { value: Number(cell) };
  const code = /^`([^`]*)`$/.exec(cell);
  if (code) return { value: code[1] };
  return undefined;
}

const defaults = defaultValidatorConfig() as unknown as Record<string, Record<string, unknown> | unknown>;
const valueAt = (section: string, key: string): unknown =>
  section === "" ? defaults[key] : (defaults[section] as Record<string, unknown>)[key];

describe("docs/validator.md config reference", () => {
  const rows = configRows(DOC);

  it("has a row for every key of every section of the schema", () => {
    expect(rows.length).toBeGreaterThan(30);
    const documented = new Set(rows.flatMap((r) => r.keys.map((k) => `${r.section}.${k}`)));
    const missing: string[] = [];
    for (const [section, node] of Object.entries(ValidatorConfigSchema.properties)) {
      const props = (node as { properties?: Record<string, unknown> }).properties;
      if (!props) {
        if (!documented.has(`.${section}`)) missing.push(section);
        continue;
      }
      for (const key of Object.keys(props))
        if (!documented.has(`${section}.${key}`)) missing.push(`${section}.${key}`);
    }
    expect(missing).toEqual([]);
  });

  it("writes the schema's default wherever it writes a plain value", () => {
    let checked = 0;
    const wrong: string[] = [];
    for (const row of rows) {
      if (row.keys.length !== row.defaults.length) {
        // One default for several keys ("coldkey / hotkey": `default`): each key has it.
        if (row.defaults.length !== 1) continue;
      }
      row.keys.forEach((key, i) => {
        const cell = row.defaults.length === 1 ? row.defaults[0] : row.defaults[i];
        const lit = cell === undefined ? undefined : literal(cell);
        if (!lit) return;
        checked++;
        const actual = valueAt(row.section, key);
        if (JSON.stringify(actual) !== JSON.stringify(lit.value))
          wrong.push(`${row.section}.${key}: doc says ${cell}, schema has ${JSON.stringify(actual)}`);
      });
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(40);
  });
});
