/**
 * Command-line parsing on `node:util` parseArgs: each command declares its options once (with
 * their help text); parse errors become `InvalidOptionsError`s naming the option, and the
 * values are read through small typed accessors.
 */
import { parseArgs } from "node:util";
import { InvalidOptionsError, errorMessage } from "@converge/core";

/** One option of a command. */
export interface OptionSpec {
  /** Value kind. */
  readonly type: "string" | "boolean";
  /** May be repeated (values collected in order). @default false */
  readonly multiple?: boolean;
  /** One-letter alias. */
  readonly short?: string;
  /** Placeholder shown in help, e.g. `FILE`. */
  readonly value?: string;
  /** One line of help. */
  readonly help: string;
}

/** A command's declaration: name, usage and options (help is generated from it). */
export interface CommandSpec {
  /** Command name (`apply`). */
  readonly name: string;
  /** One line shown in `converge --help`. */
  readonly summary: string;
  /** Usage line without the leading `converge `, e.g. `apply <template> --stack NAME [options]`. */
  readonly usage: string;
  /** Longer description (paragraphs). */
  readonly description: string;
  /** Positional argument names; a trailing `?` marks an optional one. */
  readonly positionals: readonly string[];
  /** Options by long name (without `--`). */
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Example command lines. */
  readonly examples?: readonly string[];
}

/** Parsed arguments of one command. */
export interface ParsedArgs {
  /** Positional arguments in order. */
  readonly positionals: readonly string[];
  /** Option values by long name. */
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
}

/** Options every command accepts. */
export const HELP_OPTION: Readonly<Record<string, OptionSpec>> = {
  help: { type: "boolean", short: "h", help: "Show this help." },
};

/** Where stacks live: memory runtime with a state file, or Redis. */
export const RUNTIME_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  state: { type: "string", value: "FILE", help: "State file of the memory runtime (default: $CONVERGE_STATE or .converge/state.json)." },
  redis: { type: "string", value: "URL", help: "Use the Redis runtime at URL (default: $CONVERGE_REDIS_URL) instead of the memory runtime." },
  "redis-url-file": { type: "string", value: "FILE", help: "Like --redis, with the URL read from FILE (keeps its password off the command line)." },
  prefix: { type: "string", value: "PREFIX", help: "Redis key prefix (default: converge)." },
  queue: { type: "string", value: "NAME", help: "Redis queue name of the checks (default: the runtime's)." },
};

/** The Redis runtime's options alone (`converge worker`: workers take their checks from Redis only). */
export const REDIS_RUNTIME_OPTIONS: Readonly<Record<string, OptionSpec>> = Object.fromEntries(Object.entries(RUNTIME_OPTIONS).filter(([name]) => name !== "state"));

/** Which resource types are loaded. */
export const TYPES_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  types: { type: "string", multiple: true, value: "MODULE", help: "Also load the resource types a module exports (a path or package; repeatable)." },
  "no-default-types": { type: "boolean", help: "Do not load the @converge/plugins types." },
};

/** Where a template's environments and parameter values come from (with `--param`). */
export const TEMPLATE_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  environment: {
    type: "string",
    multiple: true,
    short: "e",
    value: "FILE",
    help: "An environment file (Heat's format: parameters, parameter_defaults, resource_registry; repeatable, later files win).",
  },
  "param-file": { type: "string", multiple: true, value: "FILE", help: "Parameter values from a YAML/JSON mapping (repeatable; --param wins over it)." },
};

/** Parse the arguments of `spec`'s command. @throws InvalidOptionsError naming the bad option. */
export function parseCommandArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const options: Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }> = {};
  for (const [name, option] of Object.entries(spec.options)) {
    options[name] = { type: option.type, ...(option.multiple === true ? { multiple: true } : {}), ...(option.short === undefined ? {} : { short: option.short }) };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw toOptionsError(spec, error);
  }
  if (parsed.values.help === true) return { positionals: parsed.positionals, values: parsed.values };
  const required = spec.positionals.filter((p) => !p.endsWith("?")).length;
  if (parsed.positionals.length < required) {
    const missing = spec.positionals[parsed.positionals.length] ?? "argument";
    throw new InvalidOptionsError(missing.replace(/\?$/, ""), `missing; usage: converge ${spec.usage}`);
  }
  if (parsed.positionals.length > spec.positionals.length) {
    const extra = parsed.positionals[spec.positionals.length] ?? "";
    throw new InvalidOptionsError(extra, `unexpected argument; usage: converge ${spec.usage}`);
  }
  return { positionals: parsed.positionals, values: parsed.values };
}

function toOptionsError(spec: CommandSpec, error: unknown): InvalidOptionsError {
  const code = (error as { code?: unknown }).code;
  const message = errorMessage(error);
  const option = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? "arguments";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    return new InvalidOptionsError(option, `unknown option of "converge ${spec.name}" (see converge ${spec.name} --help)`);
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const takes = /argument missing/.test(message) ? "needs a value" : "does not take a value";
    return new InvalidOptionsError(option, takes);
  }
  return new InvalidOptionsError(option, message);
}

/** A string option's value (the last one when repeated). */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  if (Array.isArray(value)) {
    const last = value[value.length - 1];
    return typeof last === "string" ? last : undefined;
  }
  return typeof value === "string" ? value : undefined;
}

/** A repeatable string option's values. */
export function listOption(args: ParsedArgs, name: string): string[] {
  const value = args.values[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string");
}

/** A boolean option. */
export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/**
 * `--param k=v` values as a record (a later `k` wins). The value is kept as text: the template
 * compiler coerces it to the parameter's declared type.
 * @throws InvalidOptionsError for an entry without `=` or with an empty name.
 */
export function parseParams(entries: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf("=");
    if (eq <= 0) throw new InvalidOptionsError("--param", `expected NAME=VALUE, got "${entry}"`);
    Object.defineProperty(out, entry.slice(0, eq), { value: entry.slice(eq + 1), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration: `500ms`, `30s`, `10m`, `1h`, or a bare number of seconds.
 * @throws InvalidOptionsError naming `option`.
 */
export function parseDuration(option: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const unit = UNITS[match?.[2] ?? "s"];
  if (match === null || unit === undefined) throw new InvalidOptionsError(option, `expected a duration like 30s, 10m, 1h or 500ms, got "${text}"`);
  const ms = Math.round(Number(match[1]) * unit);
  if (ms <= 0) throw new InvalidOptionsError(option, `must be more than 0, got "${text}"`);
  return ms;
}

/** A positive integer option. @throws InvalidOptionsError naming `option`. */
export function parsePositiveInt(option: string, text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw new InvalidOptionsError(option, `expected a positive integer, got "${text}"`);
  return Number(text);
}
