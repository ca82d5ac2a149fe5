/**
 * `@converge/cli`: the `converge` command line, also usable in-process (`runCli(argv, io)`).
 */
export { COMMANDS, cliVersion, reportError, runCli } from "./main.js";
export type { Command } from "./command.js";
export type { CommandSpec, OptionSpec, ParsedArgs } from "./args.js";
export type { CliIo, InputStream, InterruptSignal, OutputStream } from "./io.js";
export { processIo } from "./io.js";
export { EXIT, exitCodeOf } from "./exit-codes.js";
export { MissingPackageError, REDIS_PACKAGES } from "./redis-modules.js";
export type { LoadTypesOptions } from "./types-loader.js";
export { loadResourceTypes } from "./types-loader.js";
export { DEFAULT_STATE_FILE } from "./state/state-file.js";
export { StateLockedError } from "./state/state-lock.js";
export { TemplateFileError } from "./template-file.js";
