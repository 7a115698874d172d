#!/usr/bin/env node
// `npm run -s pnpm -- <args>`: pnpm at the version package.json's packageManager names, through npx (no global
// install, no corepack). That field is the one place the pnpm version is written.
import { pnpm } from "./setup.mjs";

const r = pnpm(process.argv.slice(2));
process.exit(r.status ?? 1);
