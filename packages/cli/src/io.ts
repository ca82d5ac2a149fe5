/**
 * What the CLI reads from and writes to its process: output streams, environment, working
 * directory and interrupt signals - one object, so commands can run in-process in tests.
 */
import { createInterface } from "node:readline";

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

/** Standard input as the CLI uses it: one line at a time, for confirmations. */
export interface InputStream {
  /** True when the input is a terminal (a person can answer a question). */
  readonly isTTY?: boolean;
  /**
   * Read one line (without its end); null at the end of the input or when `signal` aborts.
   * The question is written by the caller.
   */
  readLine(signal?: AbortSignal): Promise<string | null>;
}

/** Signals the CLI reacts to. */
export type InterruptSignal = "SIGINT" | "SIGTERM";

/** The process as the CLI sees it. */
export interface CliIo {
  /** Normal output. */
  readonly stdout: OutputStream;
  /** Errors and diagnostics. */
  readonly stderr: OutputStream;
  /** Standard input (absent: no input, nothing can be confirmed interactively). */
  readonly stdin?: InputStream;
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
    stdin: processStdin(),
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

/** The process's standard input, read a line at a time (only when asked: it is not touched otherwise). */
function processStdin(): InputStream {
  return {
    isTTY: process.stdin.isTTY,
    readLine(signal) {
      return new Promise((resolve) => {
        const lines = createInterface({ input: process.stdin, terminal: false });
        let answered = false;
        const done = (line: string | null): void => {
          if (answered) return;
          answered = true;
          signal?.removeEventListener("abort", onAbort);
          lines.close();
          process.stdin.pause();
          resolve(line);
        };
        const onAbort = (): void => done(null);
        if (signal?.aborted === true) return done(null);
        signal?.addEventListener("abort", onAbort, { once: true });
        lines.once("line", (line) => done(line));
        lines.once("close", () => done(null));
      });
    },
  };
}

/** Whether colour escapes should be written to `stream` (NO_COLOR / FORCE_COLOR honoured). */
export function useColor(stream: OutputStream, env: CliIo["env"]): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "" && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true && env.TERM !== "dumb";
}
