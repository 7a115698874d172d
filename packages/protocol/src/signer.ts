/** What signs for a hotkey or coldkey. A @polkadot/keyring sr25519 KeyringPair satisfies it. */
export interface Signer {
  /** SS58 address (format 42). */
  readonly address: string;
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}
