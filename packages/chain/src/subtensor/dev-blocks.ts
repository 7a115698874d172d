// chopsticks' dev RPCs, over any JSON-RPC `send` (the client's WsProvider): whether the node builds blocks on
// request, and asking it to. A node in Instant mode builds a block only when an extrinsic arrives; real nodes do
// not serve these methods and build blocks on their own.

/** One JSON-RPC request: method and positional params → result. */
export type RpcSend = (method: string, params: unknown[]) => Promise<unknown>;

export const DEV_NEW_BLOCK = "dev_newBlock";

/** True when `rpc_methods` lists `dev_newBlock`. */
export async function servesDevBlocks(send: RpcSend): Promise<boolean> {
  const listed = (await send("rpc_methods", [])) as { methods?: unknown } | null;
  return Array.isArray(listed?.methods) && listed.methods.includes(DEV_NEW_BLOCK);
}

/** Builds `n` blocks in one request (chopsticks: `dev_newBlock {count}`). */
export async function devNewBlocks(send: RpcSend, n: number): Promise<void> {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`block count must be a whole number ≥ 0, got ${n}`);
  if (n > 0) await send(DEV_NEW_BLOCK, [{ count: n }]);
}
