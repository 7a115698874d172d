// A hidden-input password prompt for a terminal. Returns undefined when input is not a TTY, so callers can
// fall back to BT_PW_ variables or --no-password instead of hanging.
import type { ReadStream } from "node:tty";

export function ttyPasswordPrompt(
  input: NodeJS.ReadStream | ReadStream,
  output: NodeJS.WriteStream,
): ((question: string) => Promise<string>) | undefined {
  if (!input.isTTY) return undefined;
  return (question) =>
    new Promise<string>((resolve, reject) => {
      output.write(question);
      let typed = "";
      input.setRawMode(true);
      input.resume();
      input.setEncoding("utf8");
      const done = (err?: Error) => {
        input.setRawMode(false);
        input.pause();
        input.off("data", onData);
        output.write("\n");
        if (err) reject(err);
        else resolve(typed);
      };
      const onData = (chunk: string) => {
        for (const ch of chunk) {
          if (ch === "\r" || ch === "\n") return done();
          if (ch === "\u0003") return done(new Error("cancelled"));
          if (ch === "\u007f" || ch === "\b") typed = typed.slice(0, -1);
          else typed += ch;
        }
      };
      input.on("data", onData);
    });
}
