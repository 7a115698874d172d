import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it, onTestFinished } from "vitest";
import { isMainModule, packageVersionNextTo, versionLine } from "../src/cli-support.js";
import { APEX_TS_VERSION, versionKey } from "../src/constants.js";

describe("versionLine / packageVersionNextTo", () => {
  it("names the command, its package version, the Apex version and the version key", () => {
    const line = versionLine("apex-miner", "1.2.3", "v24.0.0");
    expect(line).toBe(
      `apex-miner 1.2.3 (Apex ${APEX_TS_VERSION}, weights version key ${versionKey()}, node v24.0.0)`,
    );
  });

  it("reads the package.json one folder above the module (dist/ → package root)", () => {
    const root = mkdtempSync(join(tmpdir(), "apex-version-"));
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    mkdirSync(join(root, "dist"));
    writeFileSync(join(root, "package.json"), JSON.stringify({ name: "x", version: "9.8.7" }));
    expect(packageVersionNextTo(pathToFileURL(join(root, "dist", "cli.js")).href)).toBe("9.8.7");
    writeFileSync(join(root, "package.json"), JSON.stringify({ name: "x" }));
    expect(() => packageVersionNextTo(pathToFileURL(join(root, "dist", "cli.js")).href)).toThrow(
      /no version/,
    );
  });
});

describe("isMainModule", () => {
  it("sees through the symlink npm makes for a bin", () => {
    const root = mkdtempSync(join(tmpdir(), "apex-main-"));
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    const target = join(root, "cli.js");
    writeFileSync(target, "");
    const link = join(root, "apex-cli");
    symlinkSync(target, link);
    expect(isMainModule(pathToFileURL(target).href, link)).toBe(true);
    expect(isMainModule(pathToFileURL(target).href, target)).toBe(true);
    expect(isMainModule(pathToFileURL(join(root, "other.js")).href, link)).toBe(false);
    expect(isMainModule(pathToFileURL(target).href, undefined)).toBe(false);
  });
});
