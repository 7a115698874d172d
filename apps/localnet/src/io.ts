// What the apex-localnet commands write to and read from: the process in cli.ts, a recorder in tests.
export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
  isTTY?: boolean;
}
