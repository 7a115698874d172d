// Every wallet failure names the file and what is wrong with it. Messages never carry secret material.

export type WalletErrorCode =
  | "wallet_not_found"
  | "keyfile_not_found"
  | "unreadable"
  | "bad_json"
  | "password_required"
  | "wrong_password"
  | "unsupported_encryption"
  | "unsupported_key"
  | "bad_mnemonic"
  | "inconsistent_keyfile"
  | "exists";

export class WalletError extends Error {
  override readonly name = "WalletError";
  constructor(
    readonly code: WalletErrorCode,
    message: string,
    /** The file or folder the error is about. */
    readonly path?: string,
  ) {
    super(message);
  }
}
