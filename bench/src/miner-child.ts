// A miner in its own process for the serving benchmark:
// `node miner-child.js on|off <trusted ss58> [<generator> <discriminator>]` (default: the miner's defaults).
import { readFileSync } from "node:fs";
import { loadMinerConfig, startMiner } from "@apex/miner";
import { devKeypair } from "@apex/wallet";

const [verify, trusted, generator, discriminator] = process.argv.slice(2);
const uri = "//apex//bench//miner";
const args = ["--no-chain", "--hotkey-uri", uri, "--host", "127.0.0.1", "--port", "0"];
// No per-signer or per-address rate limit: one bench signer sends hundreds of requests a second.
args.push("--rate-limit", "0", "--ip-rate-limit", "0", "--log-level", "silent");
if (generator) args.push("--generator", generator);
if (discriminator) args.push("--discriminator", discriminator);
if (verify === "off") args.push("--no-verify");
else args.push("--trusted-validators", trusted ?? "");
const config = loadMinerConfig(args, {}, (p) => readFileSync(p, "utf8"));
const hotkey = await devKeypair(uri);
const miner = await startMiner(config, { hotkey, coldkeyAddress: "" });
const shutdown = () => void miner.close().finally(() => process.exit(0));
process.on("SIGTERM", shutdown);
process.on("disconnect", shutdown);
process.send!({
  port: miner.port,
  hotkey: hotkey.address,
  generator: config.generator,
  discriminator: config.discriminator,
});
