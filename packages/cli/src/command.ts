/**
 * The shape of a command, and helpers the commands share: required options, stack
 * parameters, and a template file validated against the loaded types before anything runs.
 */
import { InvalidOptionsError, compileTemplate, createTypeRegistry } from "@converge/core";
import type { AnyResourceType, CompiledTemplate, StackOperationOptions } from "@converge/core";
import type { CommandSpec } from "./args.js";
import { flag, listOption, parseDuration, parseParams, stringOption } from "./args.js";
import type { CommandContext } from "./context.js";
import type { TemplateSource } from "./template-file.js";
import { readTemplateFile, withTemplateSource } from "./template-file.js";

/** A command: its declaration and what it does (resolving to the exit code). */
export interface Command {
  /** Declaration (options, usage, help). */
  readonly spec: CommandSpec;
  /** Run it. */
  run(ctx: CommandContext): Promise<number>;
}

/** A string option that must be given. @throws InvalidOptionsError */
export function requiredOption(ctx: CommandContext, name: string): string {
  const value = stringOption(ctx.args, name);
  if (value === undefined || value === "") throw new InvalidOptionsError(`--${name}`, `is required; usage: converge ${ctx.usage}`);
  return value;
}

/**
 * `--param`, `--timeout` and `--no-rollback` as stack operation options. Without `--timeout`
 * a create gets the engine's default (60 minutes) and an update keeps the stack's;
 * `--timeout none` turns it off.
 */
export function stackOptions(ctx: CommandContext): StackOperationOptions {
  const timeout = stringOption(ctx.args, "timeout");
  return {
    parameters: parseParams(listOption(ctx.args, "param")),
    disableRollback: flag(ctx.args, "no-rollback"),
    ...(timeout === undefined ? {} : { timeoutMs: timeout.trim() === "none" ? null : parseDuration("--timeout", timeout) }),
  };
}

/** A template file, parsed and compiled with the given types and parameters. */
export interface LoadedTemplate {
  /** The file. */
  readonly source: TemplateSource;
  /** Its compiled form. */
  readonly compiled: CompiledTemplate;
}

/**
 * Read, parse and validate a template file (before any state is touched).
 * @throws TemplateFileError located in the file, InvalidOptionsError for an unreadable file.
 */
export async function loadTemplate(ctx: CommandContext, file: string, types: readonly AnyResourceType[], parameters: Readonly<Record<string, unknown>>): Promise<LoadedTemplate> {
  const source = readTemplateFile(file, ctx.io.cwd);
  const registry = createTypeRegistry(types);
  const compiled = await withTemplateSource(source, () => compileTemplate(source.template, { types: registry, parameters }));
  return { source, compiled };
}
