/**
 * What the CLI reads from and writes to its process: output streams, environment, working
 * directory and interrupt signals - one object, so commands can run in-process in tests.
 */

/** A text output stream (stdout or stderr). */
export interface OutputStream {
  /** Write text as is. */
  write(text: string): void;
  /** True when the stream is a terminal (live redraws and colour are used then). */
  readonly isTTY?: boolean;
  /** Terminal width in characters, when known. */
  readonly columns?: number;
  /** Terminal height in lines, when known. */
  readonly rows?: number;
}

/** Signals the CLI reacts to. */
export type InterruptSignal = "SIGINT" | "SIGTERM";

/** The process as the CLI sees it. */
export interface CliIo {
  /** Normal output. */
  readonly stdout: OutputStream;
  /** Errors and diagnostics. */
  readonly stderr: OutputStream;
  /** Environment variables. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Working directory: relative paths (templates, state file, `--types`) resolve from here. */
  readonly cwd: string;
  /** Call `handler` on SIGINT/SIGTERM; returns a function that stops listening. */
  onInterrupt(handler: (signal: InterruptSignal) => void): () => void;
}

/** The real process. A closed stdout pipe (`converge events … | head`) ends it quietly. */
export function processIo(): CliIo {
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    onInterrupt(handler) {
      const onInt = (): void => handler("SIGINT");
      const onTerm = (): void => handler("SIGTERM");
      process.on("SIGINT", onInt);
      process.on("SIGTERM", onTerm);
      return () => {
        process.off("SIGINT", onInt);
        process.off("SIGTERM", onTerm);
      };
    },
  };
}

/** Whether colour escapes should be written to `stream` (NO_COLOR / FORCE_COLOR honoured). */
export function useColor(stream: OutputStream, env: CliIo["env"]): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "" && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true && env.TERM !== "dumb";
}
