// Attack 8 (security.md §7): --miner-cmd's command line can carry inline secrets; the dashboard and reports show
// the program's name only.
import { describe, expect, it } from "vitest";
import { programName } from "../src/run.js";

describe("--miner-cmd is published as its program name only", () => {
  it("drops folders, arguments and VAR=value assignments", () => {
    expect(programName("OPENAI_API_KEY=sk-secret python3 /home/me/miner.py --key sk-2")).toBe("python3");
    expect(programName("  /usr/local/bin/my-miner --token abc ")).toBe("my-miner");
    expect(programName("A=1 B=2 ./run.sh")).toBe("run.sh");
    expect(programName("KEY=only")).toBe("(command)");
  });
});
