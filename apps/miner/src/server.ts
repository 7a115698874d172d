// Runs the miner: start-up checks, listen, announce the axon. The app itself is built by app.ts.
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import type { ChainClient, Metagraph, ServeAxonParams } from "@apex/chain";
import { axonParams, sameAxon } from "@apex/chain/rules";
import { type Clock, epistulaReady, fnv1a32, type Signer, systemClock } from "@apex/protocol";
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import { buildMinerApp } from "./app.js";
import type { MinerConfig } from "./config.js";
import { announceIpProblem, discoverExternalIp, type FetchLike } from "./external-ip.js";
import { llmStrategyDeps, openAIBackend } from "./llm-bridge.js";
import { MetagraphPolicy, trustedSetPolicy, type VerifyPolicy } from "./policy.js";
import { resolveDiscriminator, resolveGenerator, type StrategyDeps } from "./strategies/index.js";
import type { Discriminator, Generator } from "./strategies/types.js";

export interface StartMinerDeps {
  /** Required unless config.noChain. */
  chain?: ChainClient;
  hotkey: Signer;
  coldkeyAddress: string;
  clock?: Clock;
  logger?: FastifyBaseLogger;
  /** Overrides config.externalIp and discovery (the localnet passes 127.0.0.2 or similar). */
  externalIp?: string;
  /** For check-IP discovery (tests inject one). */
  fetch?: FetchLike;
  /** Server timeouts in ms (see MinerAppOptions.timeouts); the localnet outlasts its validators' idle sockets. */
  timeouts?: { connection?: number; request?: number; keepAlive?: number };
  /** Ready-made strategies instead of the configured names. */
  generator?: Generator;
  discriminator?: Discriminator;
  strategyDeps?: StrategyDeps;
}

export interface RunningMiner {
  url: string;
  port: number;
  app: FastifyInstance;
  netuid?: number;
  uid?: number;
  /** The clock of its Epistula freshness window, replay cache, rate limiter, strategy budgets and refreshes. */
  clock: Clock;
  /** What happened to the axon: served now, already up to date, or not applicable (--no-chain). */
  axon: "served" | "unchanged" | "none";
  close(): Promise<void>;
}

/** How to register, in the words of the tools a user has. */
export function registrationHint(config: MinerConfig, netuid: number): string {
  const net = config.network === "sim" || config.network === "local" ? config.network : config.network;
  return (
    `register it first: btcli subnets register --netuid ${netuid} --wallet.name ${config.coldkey} ` +
    `--wallet.hotkey ${config.hotkey} --subtensor.network ${net}` +
    (config.network === "sim"
      ? " (on a localnet: apex-localnet registers the miners it runs; see docs/miner.md)"
      : "")
  );
}

/** Netuid from config, else the first subnet on the chain where our hotkey is registered. */
export async function resolveNetuid(
  config: MinerConfig,
  chain: ChainClient,
  hotkey: string,
): Promise<number> {
  if (config.netuid !== undefined) return config.netuid;
  for (let n = 1; n < 128; n++) {
    if (!(await chain.subnetExists(n))) continue;
    const mg = await chain.metagraph(n);
    if (mg.neurons.some((x) => x.hotkey === hotkey)) return n;
  }
  throw new Error(
    `--netuid is required on network ${config.network}: hotkey ${hotkey} is not registered on any subnet of this chain`,
  );
}

/** The SDK's "already up to date" rule: skip serve_axon when the chain holds exactly these values. */
export function axonUnchanged(
  mg: Metagraph,
  hotkey: string,
  coldkey: string,
  params: ServeAxonParams,
): boolean {
  const n = mg.neurons.find((x) => x.hotkey === hotkey);
  if (!n) return false;
  return n.coldkey === coldkey && sameAxon(n.axon, params);
}

export async function startMiner(config: MinerConfig, deps: StartMinerDeps): Promise<RunningMiner> {
  // A miner process on its own runs on the system clock; a localnet injects its run clock.
  const clock = deps.clock ?? systemClock;
  const log = deps.logger;
  await epistulaReady();
  const { llmBaseUrl, llmModel } = config;
  const strategyDeps: StrategyDeps = {
    readFile: (p) => readFileSync(p, "utf8"),
    ...llmStrategyDeps(),
    llmBackend:
      llmBaseUrl && llmModel
        ? () =>
            openAIBackend({
              baseUrl: llmBaseUrl,
              model: llmModel,
              apiKey: config.llmApiKey,
              timeoutMs: config.budgetMs,
            })
        : undefined,
    // --log-texts stamps with the run's clock; the LLM judge's fallbacks are logged.
    now: () => clock.now(),
    onJudgeFallback: (reason) => log?.debug({ reason }, "llm discriminator fell back to the learned model"),
    ...deps.strategyDeps,
  };
  // Random strategies are seeded from --seed, else from our hotkey: reproducible runs, different per miner.
  const strategyConfig = { ...config, seed: config.seed ?? fnv1a32(deps.hotkey.address) };
  const generator = deps.generator ?? (await resolveGenerator(strategyConfig, strategyDeps));
  // The offline generator's WordNet glossary (~28 MB) loads on its first request, not here: a miner that only
  // discriminates never pays for it, and the first generator request (15 s budget) absorbs the ~0.3 s load.
  const discriminator = deps.discriminator ?? (await resolveDiscriminator(strategyConfig, strategyDeps));
  const ourHotkey = deps.hotkey.address;

  let netuid: number | undefined;
  let uid: number | undefined;
  let announceIp: string | undefined;
  let metagraphPolicy: MetagraphPolicy | undefined;
  const chain = config.noChain ? undefined : deps.chain;
  if (!config.noChain) {
    if (!chain) throw new Error("startMiner: a chain client is required (or run with --no-chain)");
    netuid = await resolveNetuid(config, chain, ourHotkey);
    if (!(await chain.subnetExists(netuid))) {
      throw new Error(`subnet ${netuid} does not exist on ${chain.network}; check --netuid and --network`);
    }
    const mg = await chain.metagraph(netuid);
    const me = mg.neurons.find((n) => n.hotkey === ourHotkey);
    if (!me) {
      throw new Error(
        `hotkey ${config.coldkey}/${config.hotkey} (${ourHotkey}) is not registered on subnet ${netuid} of ` +
          `${chain.network}; ${registrationHint(config, netuid)}`,
      );
    }
    uid = me.uid;
    announceIp = deps.externalIp ?? config.externalIp;
    // A SimChain is a local chain: announce the loopback address the chain accepts unless told otherwise.
    if (!announceIp && config.network === "sim") announceIp = "127.0.0.2";
    if (!announceIp && config.serveAxon) {
      announceIp = await discoverExternalIp({
        services: config.checkIpServices,
        timeoutMs: config.checkIpTimeoutMs,
        fetch: deps.fetch,
        clock,
      });
    }
    const problem = announceIp === undefined ? undefined : announceIpProblem(announceIp);
    if (problem) throw new Error(problem);
    if (config.verify) {
      metagraphPolicy = new MetagraphPolicy({
        chain,
        netuid,
        minStake: config.minValidatorStake,
        stakeMeasure: config.stakeMeasure,
        clock,
        onError: (e) => log?.warn({ err: e.message }, "metagraph refresh failed; keeping the cached one"),
      });
      await metagraphPolicy.start();
    }
  }

  let verify: VerifyPolicy | "off";
  if (!config.verify) {
    verify = "off";
    log?.warn(
      "Epistula verification is OFF (--no-verify): anyone who can reach this port can query the miner",
    );
  } else if (metagraphPolicy) {
    const trusted = trustedSetPolicy(config.trustedValidators);
    const mp = metagraphPolicy;
    verify = {
      description:
        config.trustedValidators.length > 0 ? `${mp.description} + ${trusted.description}` : mp.description,
      isAllowed: (h) => trusted.isAllowed(h) || mp.isAllowed(h),
      close: () => mp.close(),
    };
  } else {
    verify = trustedSetPolicy(config.trustedValidators);
  }

  const app = buildMinerApp({
    hotkey: ourHotkey,
    verify,
    generator,
    discriminator,
    budgetMs: config.budgetMs,
    clock,
    logger: log,
    rateLimit: { perMinute: config.rateLimitPerMinute, burst: config.rateLimitBurst },
    ipRateLimitPerMinute: config.ipRateLimitPerMinute,
    processMetrics: false,
    timeouts: deps.timeouts,
  });
  const closeAll = async () => {
    if (verify !== "off") verify.close?.();
    await app.close();
  };
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await closeAll();
    throw new Error(`cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`);
  }
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const host = config.host === "0.0.0.0" ? "127.0.0.1" : config.host === "::" ? "::1" : config.host;
  const url = `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;

  let axon: RunningMiner["axon"] = "none";
  if (chain && netuid !== undefined && announceIp && config.serveAxon) {
    const params = axonParams(netuid, announceIp, config.axonPort ?? port);
    try {
      const mg = await chain.metagraph(netuid);
      // With a dev key (no wallet) the coldkey is not known here; the chain's record is the reference then.
      const coldkey = deps.coldkeyAddress || mg.neurons.find((n) => n.hotkey === ourHotkey)?.coldkey || "";
      if (axonUnchanged(mg, ourHotkey, coldkey, params)) {
        axon = "unchanged";
        log?.info(
          { ip: params.ip, port: params.port, netuid },
          "axon already up to date on chain; not re-serving",
        );
      } else {
        await chain.serveAxon(deps.hotkey, params);
        axon = "served";
        log?.info({ ip: params.ip, port: params.port, netuid }, "axon served");
      }
    } catch (err) {
      // Served moments ago (by us or by a localnet): the chain keeps that axon; carry on.
      if ((err as { chainError?: string }).chainError === "ServingRateLimitExceeded") {
        log?.warn(
          { netuid },
          "serve_axon rate-limited: the axon was served recently; keeping the chain's record",
        );
      } else {
        await closeAll();
        throw new Error(`serve_axon failed: ${(err as Error).message}`);
      }
    }
  }
  log?.info(
    { url, generator: generator.name, discriminator: discriminator.name, netuid, uid },
    "miner listening",
  );
  return { url, port, app, clock, netuid, uid, axon, close: closeAll };
}
