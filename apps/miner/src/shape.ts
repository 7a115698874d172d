// A small run-time shape checker for the config and the model file. TypeBox (~20 MB resident) stays out of the
// running miner; the TypeBox schemas in schemas.ts describe the same shapes for whoever imports them, and a
// test keeps the two in agreement.

export type Shape =
  | { kind: "string"; minLength?: number; optional?: true }
  | { kind: "int" | "number"; minimum?: number; maximum?: number; optional?: true }
  | { kind: "bool"; optional?: true }
  | { kind: "oneOf"; values: readonly (string | number)[]; optional?: true }
  | { kind: "array"; items: Shape; optional?: true }
  | { kind: "object"; props: Record<string, Shape>; optional?: true };

function describe(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return "a list";
  if (v === null) return "null";
  if (typeof v === "object") return "a mapping";
  return String(v);
}

/** Every problem with `value`, as "path what-is-wrong" lines (the path is "/"-joined, empty at the root). */
export function shapeErrors(shape: Shape, value: unknown, path = ""): string[] {
  const at = path === "" ? "value" : path;
  switch (shape.kind) {
    case "string":
      if (typeof value !== "string") return [`${at} must be a string, got ${describe(value)}`];
      if (shape.minLength !== undefined && value.length < shape.minLength) {
        return [`${at} must have at least ${shape.minLength} character${shape.minLength === 1 ? "" : "s"}`];
      }
      return [];
    case "int":
    case "number": {
      const what = shape.kind === "int" ? "an integer" : "a number";
      if (
        typeof value !== "number" ||
        !Number.isFinite(value) ||
        (shape.kind === "int" && !Number.isInteger(value))
      ) {
        return [`${at} must be ${what}, got ${describe(value)}`];
      }
      if (shape.minimum !== undefined && value < shape.minimum)
        return [`${at} must be >= ${shape.minimum}, got ${value}`];
      if (shape.maximum !== undefined && value > shape.maximum)
        return [`${at} must be <= ${shape.maximum}, got ${value}`];
      return [];
    }
    case "bool":
      return typeof value === "boolean" ? [] : [`${at} must be true or false, got ${describe(value)}`];
    case "oneOf":
      return shape.values.includes(value as string | number)
        ? []
        : [
            `${at} must be one of ${shape.values.map((v) => JSON.stringify(v)).join(", ")}, got ${describe(value)}`,
          ];
    case "array":
      if (!Array.isArray(value)) return [`${at} must be a list, got ${describe(value)}`];
      return value.flatMap((item, i) => shapeErrors(shape.items, item, `${path}/${i}`.replace(/^\//, "")));
    case "object": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return [`${at} must be a mapping, got ${describe(value)}`];
      }
      const obj = value as Record<string, unknown>;
      const errs: string[] = [];
      for (const [key, inner] of Object.entries(shape.props)) {
        const p = path === "" ? key : `${path}/${key}`;
        if (!(key in obj) || obj[key] === undefined) {
          if (!inner.optional) errs.push(`${p} is required`);
          continue;
        }
        errs.push(...shapeErrors(inner, obj[key], p));
      }
      return errs;
    }
  }
}
