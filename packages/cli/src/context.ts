/**
 * What every command gets: its parsed arguments, the process I/O, an abort signal fired by
 * Ctrl-C, colour palettes, and helpers to pick the runtime, load resource types and open a
 * session from the shared options.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { AnyResourceType, Logger } from "@converge/core";
import { InvalidOptionsError, errorMessage } from "@converge/core";
import type { CommandSpec, ParsedArgs } from "./args.js";
import { flag, listOption, stringOption } from "./args.js";
import type { CliIo } from "./io.js";
import { useColor } from "./io.js";
import type { Palette } from "./render/format.js";
import { palette } from "./render/format.js";
import { redactUrl } from "./redact-url.js";
import { openSession } from "./session.js";
import type { RuntimeChoice, Session, SessionAccess } from "./session-types.js";
import { resolveStatePath } from "./state/state-file.js";
import { loadResourceTypes } from "./types-loader.js";

/** The context of one command run. */
export interface CommandContext {
  /** Command name. */
  readonly command: string;
  /** Usage line of the command (without `converge `). */
  readonly usage: string;
  /** The command line (for the state lock). */
  readonly commandLine: string;
  /** Parsed arguments. */
  readonly args: ParsedArgs;
  /** Process I/O. */
  readonly io: CliIo;
  /** Aborted on the first SIGINT/SIGTERM. */
  readonly signal: AbortSignal;
  /** Colours of stdout. */
  readonly palette: Palette;
  /** Colours of stderr. */
  readonly errPalette: Palette;
  /** Print a line to stdout. */
  print(text?: string): void;
  /** Print a line to stderr. */
  warn(text: string): void;
  /** Route protocol warnings (e.g. above a live view instead of through it). */
  setNoticeSink(sink: ((text: string) => void) | null): void;
  /** The engine logger: warnings and errors go to the notice sink. */
  readonly logger: Logger;
}

/** Build a context. */
export function createContext(io: CliIo, spec: CommandSpec, argv: readonly string[], args: ParsedArgs, signal: AbortSignal): CommandContext {
  const command = spec.name;
  const errPalette = palette(useColor(io.stderr, io.env));
  let sink: ((text: string) => void) | null = null;
  const notice = (text: string): void => (sink ?? ((t: string) => io.stderr.write(`${t}\n`)))(text);
  const fields = (f?: Record<string, unknown>): string => (f === undefined || Object.keys(f).length === 0 ? "" : ` ${JSON.stringify(f)}`);
  return {
    command,
    usage: spec.usage,
    commandLine: ["converge", command, ...argv].join(" "),
    args,
    io,
    signal,
    palette: palette(useColor(io.stdout, io.env)),
    errPalette,
    print: (text = "") => io.stdout.write(`${text}\n`),
    warn: (text) => io.stderr.write(`${text}\n`),
    setNoticeSink(next) {
      sink = next;
    },
    logger: {
      debug: () => undefined,
      info: () => undefined,
      warn: (m, f) => notice(errPalette.yellow(`warning: ${m}${fields(f)}`)),
      error: (m, f) => notice(errPalette.red(`error: ${m}${fields(f)}`)),
    },
  };
}

/**
 * The Redis URL of `--redis`, `--redis-url-file` (its first line: keeps the password off the
 * command line, where `ps` shows it) or `$CONVERGE_REDIS_URL`; undefined for none.
 */
function redisUrl(ctx: CommandContext): string | undefined {
  const given = stringOption(ctx.args, "redis");
  const file = stringOption(ctx.args, "redis-url-file");
  if (given !== undefined && file !== undefined) throw new InvalidOptionsError("--redis-url-file", "cannot be used with --redis: pass the URL one way");
  if (file === undefined) return given ?? (ctx.io.env.CONVERGE_REDIS_URL === "" ? undefined : ctx.io.env.CONVERGE_REDIS_URL);
  let text: string;
  try {
    text = readFileSync(resolve(ctx.io.cwd, file), "utf8");
  } catch (error) {
    throw new InvalidOptionsError("--redis-url-file", `cannot read "${file}": ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`);
  }
  const url = text.split(/\r?\n/).find((line) => line.trim() !== "")?.trim();
  if (url === undefined) throw new InvalidOptionsError("--redis-url-file", `"${file}" holds no URL`);
  return url;
}

/** The runtime chosen by `--redis` / `--redis-url-file` / `$CONVERGE_REDIS_URL`, else the memory state file. */
export function runtimeChoice(ctx: CommandContext): RuntimeChoice {
  const url = redisUrl(ctx);
  const state = stringOption(ctx.args, "state");
  if (url !== undefined) {
    if (state !== undefined) throw new InvalidOptionsError("--state", "is for the memory runtime; it cannot be used with --redis");
    if (!/^rediss?:\/\//.test(url)) throw new InvalidOptionsError("--redis", `expected a redis:// or rediss:// URL, got "${redactUrl(url)}"`);
    return { kind: "redis", url, prefix: stringOption(ctx.args, "prefix"), queue: stringOption(ctx.args, "queue") };
  }
  for (const option of ["prefix", "queue"]) {
    if (stringOption(ctx.args, option) !== undefined) throw new InvalidOptionsError(`--${option}`, "is for the Redis runtime; pass --redis URL too");
  }
  return { kind: "memory", statePath: resolveStatePath(state, ctx.io.env, ctx.io.cwd) };
}

/** The resource types of `--types` (plus the defaults unless `--no-default-types`). */
export function commandTypes(ctx: CommandContext): Promise<AnyResourceType[]> {
  return loadResourceTypes({ modules: listOption(ctx.args, "types"), defaults: !flag(ctx.args, "no-default-types"), cwd: ctx.io.cwd });
}

/** Open a session for the command. */
export async function openCommandSession(ctx: CommandContext, access: SessionAccess, types?: readonly AnyResourceType[]): Promise<Session> {
  const runtime = runtimeChoice(ctx);
  return openSession({ runtime, access, types: types ?? (await commandTypes(ctx)), logger: ctx.logger, command: ctx.commandLine });
}

/** Run `body` with a session, closing it afterwards (abandoning it when interrupted). */
export async function withSession<T>(ctx: CommandContext, access: SessionAccess, body: (session: Session) => Promise<T>, types?: readonly AnyResourceType[]): Promise<T> {
  const session = await openCommandSession(ctx, access, types);
  try {
    return await body(session);
  } finally {
    // Interrupted: save and unlock now, without waiting for plugin calls in flight.
    if (ctx.signal.aborted) await session.abandon();
    else await session.close();
  }
}
