// Pre-signs Epistula headers off the main thread: one sr25519 signature per request (unique uuid), with the
// three secret signatures, which depend only on the timestamp and the receiver, signed once per batch.
import { parentPort, workerData } from "node:worker_threads";
import { epistulaReady, signEpistula } from "@apex/protocol";
import { devKeypair } from "@apex/wallet";

interface Job {
  uri: string;
  signedFor: string;
  body: string;
  count: number;
  nowMs: number;
}

const job = workerData as Job;
await epistulaReady();
const signer = await devKeypair(job.uri);
const secrets = signEpistula(signer, job.body, { signedFor: job.signedFor, nowMs: job.nowMs });
const out: Array<Record<string, string>> = [];
for (let i = 0; i < job.count; i++) {
  const h = signEpistula(signer, job.body, {
    signedFor: job.signedFor,
    nowMs: job.nowMs,
    secretSignatures: false,
  });
  for (const [k, v] of Object.entries(secrets)) if (/secret/i.test(k)) h[k] = v;
  out.push(h);
}
parentPort!.postMessage(out);
