/**
 * An in-process `CliIo` for `runCli` tests: what the command writes is kept in `out` / `err`.
 */
import type { CliIo } from "@converge/cli";

/** A `CliIo` rooted at `cwd`, without colours, that records stdout and stderr. */
export function captureIo(cwd: string): CliIo & { out: string; err: string } {
  const captured = { out: "", err: "" };
  return Object.assign(captured, {
    stdout: { write: (t: string) => void (captured.out += t) },
    stderr: { write: (t: string) => void (captured.err += t) },
    env: { NO_COLOR: "1" },
    cwd,
    onInterrupt: () => () => undefined,
  });
}
