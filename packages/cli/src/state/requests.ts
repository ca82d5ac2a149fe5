/**
 * Requests to the process that holds a state file's lock, from another `converge` process
 * (`converge cancel` in a second terminal while `apply` runs on the memory runtime): files in
 * `<state>.requests/`. The sender writes `<id>.request.json` (atomically: temporary file, then
 * rename); the owner polls the folder, claims a request by renaming it to `<id>.taken` (so it
 * runs once), carries it out with its engine and answers in `<id>.response.json`, which the
 * sender reads and removes. A sender that gets no answer while the owner lives gives up after
 * a while; one whose owner let go of the lock withdraws its request and does the work itself.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ConvergeError, ErrorCode } from "@converge/core";
import { writeStateText } from "./state-file.js";
import { isStateLocked } from "./state-lock.js";

/** What another process can ask the owner of a state file to do. */
export interface StateRequest {
  /** Cancel the create, update or rollback of `stack` in progress. */
  readonly op: "cancel";
  /** Stack name. */
  readonly stack: string;
  /** Roll back after cancelling. */
  readonly rollback: boolean;
}

/** The owner's answer. */
export type StateResponse =
  | { readonly ok: true; readonly state: string; readonly traversalId: string }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string };

/** The owner carried a request out and it failed: its error, as the owner reported it. */
export class StateOwnerError extends ConvergeError {
  /** The class's name, fixed so minified builds keep it (its `name` and `instanceof` brand). */
  static override readonly errorName: string = "StateOwnerError";
  constructor(code: ErrorCode, message: string) {
    super(code, message);
  }
}

/** The folder of a state file's requests. */
export function requestsDir(statePath: string): string {
  return `${statePath}.requests`;
}

/** How a request ended for its sender. */
export type RequestOutcome =
  | { readonly kind: "answered"; readonly response: StateResponse }
  /** The owner let go of the lock before taking the request (withdrawn: do it yourself). */
  | { readonly kind: "owner-gone" };

/** Options of {@link sendRequest}. */
export interface SendOptions {
  /** Give up when the owner lives but has not answered after this long, ms. @default 15000 */
  readonly timeoutMs?: number;
  /** Stops waiting (the request is withdrawn if not yet taken). */
  readonly signal?: AbortSignal;
}

/**
 * Ask the owner of `statePath`'s lock to carry out `request`, and wait for its answer.
 * @throws StateOwnerError (code RUNTIME) when a live owner does not answer in time.
 */
export async function sendRequest(statePath: string, request: StateRequest, options: SendOptions = {}): Promise<RequestOutcome> {
  const dir = requestsDir(statePath);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const id = `${Date.now().toString(36)}-${process.pid}-${randomBytes(4).toString("hex")}`;
  const file = join(dir, `${id}.request.json`);
  const answer = join(dir, `${id}.response.json`);
  writeStateText(file, `${JSON.stringify({ format: "converge.state-request", version: 1, id, pid: process.pid, ...request })}\n`);
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  try {
    for (;;) {
      const response = readJson(answer);
      if (response !== undefined) {
        rmSync(answer, { force: true });
        return { kind: "answered", response: response as StateResponse };
      }
      const pending = existsSync(file);
      if (!isStateLocked(statePath)) {
        if (pending) return { kind: "owner-gone" };
        const late = readJson(answer); // answered just before it let go
        if (late !== undefined) continue;
        throw new StateOwnerError(ErrorCode.RUNTIME, `the process that held the lock of state file ${statePath} took the ${request.op} request but ended before answering; see \`converge show ${request.stack}\``);
      }
      if (options.signal?.aborted === true) throw options.signal.reason;
      if (pending && Date.now() > deadline) {
        throw new StateOwnerError(
          ErrorCode.RUNTIME,
          `the process that holds the lock of state file ${statePath} did not take the ${request.op} request within ${Math.round((options.timeoutMs ?? 15_000) / 1000)} s (an older converge that does not listen?); try again once it is done`,
        );
      }
      await sleep(100, undefined, { signal: options.signal }).catch(() => undefined);
    }
  } finally {
    rmSync(file, { force: true });
  }
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The owner's side: poll `<state>.requests/` every `intervalMs` and carry each request out
 * with `handle`. Returns a function that stops polling.
 */
export function listenForRequests(statePath: string, handle: (request: StateRequest) => Promise<StateResponse>, intervalMs = 200): () => void {
  const dir = requestsDir(statePath);
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const poll = async (): Promise<void> => {
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((name) => name.endsWith(".request.json"));
    } catch {
      // no folder yet: no requests
    }
    for (const name of names) {
      const id = name.slice(0, -".request.json".length);
      const taken = join(dir, `${id}.taken`);
      try {
        renameSync(join(dir, name), taken);
      } catch {
        continue; // withdrawn, or taken by someone else
      }
      const request = readJson(taken) as Partial<StateRequest> | undefined;
      rmSync(taken, { force: true });
      const response: StateResponse =
        request?.op === "cancel" && typeof request.stack === "string"
          ? await handle({ op: "cancel", stack: request.stack, rollback: request.rollback !== false }).catch((error: unknown) => failure(error))
          : { ok: false, code: ErrorCode.INVALID_OPTIONS, message: `unknown request ${JSON.stringify(request?.op)}` };
      writeStateText(join(dir, `${id}.response.json`), `${JSON.stringify(response)}\n`);
    }
  };
  const tick = (): void => {
    if (stopped) return;
    void poll()
      .catch(() => undefined)
      .finally(() => {
        if (stopped) return;
        timer = setTimeout(tick, intervalMs);
        timer.unref();
      });
  };
  timer = setTimeout(tick, intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    if (timer !== null) clearTimeout(timer);
  };
}

function failure(error: unknown): StateResponse {
  if (error instanceof ConvergeError) return { ok: false, code: error.code, message: error.message };
  return { ok: false, code: ErrorCode.RUNTIME, message: error instanceof Error ? error.message : String(error) };
}
