// What the three command lines share: --version, and "am I the program node runs?". A subpath export
// (@apex/protocol/cli-support) so that `apex-localnet --help` does not load the polkadot crypto behind the index.
import { readFileSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { APEX_TS_VERSION, versionKey } from "./constants.js";

/** One line: command, package version, the Apex version it plays and the weights version key it sets. */
export function versionLine(command: string, packageVersion: string, nodeVersion: string): string {
  return `${command} ${packageVersion} (Apex ${APEX_TS_VERSION}, weights version key ${versionKey()}, node ${nodeVersion})`;
}

/**
 * Version from the package.json one folder above the calling module: apps/<app>/package.json for the compiled
 * workspace (dist/cli.js), the installed package's own package.json for a packed CLI (dist/<bundle>.js).
 */
export function packageVersionNextTo(moduleUrl: string): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", moduleUrl), "utf8")) as {
    version?: unknown;
  };
  if (typeof pkg.version !== "string") throw new Error(`no version in the package.json above ${moduleUrl}`);
  return pkg.version;
}

/**
 * True when `moduleUrl` is the script node runs. Compares real paths: npm installs a CLI's bin as a symlink
 * (`<prefix>/bin/apex-miner` → `…/dist/cli.js`), and node keeps the symlink in process.argv[1] while
 * import.meta.url names the target.
 */
export function isMainModule(moduleUrl: string, argv1: string | undefined = process.argv[1]): boolean {
  if (!argv1) return false;
  try {
    return realpathSync(argv1) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}
