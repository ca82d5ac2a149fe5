/**
 * The shape of a command, and helpers the commands share: required options, stack
 * parameters, and a template file validated against the loaded types before anything runs.
 */
import { InvalidOptionsError, compileTemplate, createTypeRegistry } from "@converge/core";
import type { AnyResourceType, CompiledTemplate, StackOperationOptions } from "@converge/core";
import type { CommandSpec } from "./args.js";
import { flag, listOption, parseDuration, parseParams, stringOption } from "./args.js";
import type { CommandContext } from "./context.js";
import { readParamFiles } from "./param-file.js";
import type { TemplateSource } from "./template-file.js";
import type { EnvironmentDocument } from "./tree/environment-file.js";
import type { TemplateTree } from "./tree/template-tree.js";
import { readTemplateTree } from "./tree/template-tree.js";
import { withTemplateTree } from "./tree/tree-locate.js";

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

/** The parameter values of `--param-file` (merged in order) and `--param` (which wins). */
export function templateParameters(ctx: CommandContext): Record<string, unknown> {
  return { ...readParamFiles(listOption(ctx.args, "param-file"), ctx.io.cwd), ...parseParams(listOption(ctx.args, "param")) };
}

/**
 * `--param-file`, `--param`, `--timeout` and `--no-rollback` as stack operation options. Without
 * `--timeout` a create gets the engine's default (60 minutes) and an update keeps the stack's;
 * `--timeout none` turns it off.
 */
export function stackOptions(ctx: CommandContext): StackOperationOptions {
  const timeout = stringOption(ctx.args, "timeout");
  return {
    parameters: templateParameters(ctx),
    disableRollback: flag(ctx.args, "no-rollback"),
    ...(timeout === undefined ? {} : { timeoutMs: timeout.trim() === "none" ? null : parseDuration("--timeout", timeout) }),
  };
}

/**
 * What the engine gets besides the template: the environments and the files of the tree -
 * always both, empty when there are none, so an update describes the whole desired state (the
 * engine keeps a stack's previous environment and files only when they are not given).
 */
export interface TreeInputs {
  /** The `-e` environments in order. */
  readonly environment: readonly EnvironmentDocument[];
  /** Every file the tree names. */
  readonly files: Readonly<Record<string, string>>;
}

/** A template file with its tree, parsed and compiled with the given types and parameters. */
export interface LoadedTemplate {
  /** The root file (its template with the tree's file names). */
  readonly source: TemplateSource;
  /** The files it names and the environments. */
  readonly tree: TemplateTree;
  /** `{ environment, files }` for the engine. */
  readonly inputs: TreeInputs;
  /** Its compiled form. */
  readonly compiled: CompiledTemplate;
}

/**
 * Read the template file, every file it names and the `-e` environments, and validate the
 * template (before any state is touched).
 * @throws TemplateFileError located in the file at fault, InvalidOptionsError for a file
 *   given on the command line that cannot be read.
 */
export async function loadTemplate(ctx: CommandContext, file: string, types: readonly AnyResourceType[], parameters: Readonly<Record<string, unknown>>): Promise<LoadedTemplate> {
  const tree = readTemplateTree(file, ctx.io.cwd, listOption(ctx.args, "environment"));
  const inputs: TreeInputs = { environment: tree.environments, files: tree.files };
  const registry = createTypeRegistry(types);
  const compiled = await withTemplateTree(tree, () => compileTemplate(tree.source.template, { types: registry, parameters, ...inputs }));
  return { source: tree.source, tree, inputs, compiled };
}
