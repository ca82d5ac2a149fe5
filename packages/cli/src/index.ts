/**
 * `@converge/cli`: the `converge` command line, also usable in-process (`runCli(argv, io)`).
 */
export { COMMANDS, cliVersion, reportError, runCli } from "./main.js";
export type { Command } from "./command.js";
export type { CommandSpec, OptionSpec, ParsedArgs } from "./args.js";
export { parseCommandArgs, parseDuration, parseParams } from "./args.js";
export type { CliIo, InputStream, InterruptSignal, OutputStream } from "./io.js";
export { processIo } from "./io.js";
export { EXIT, exitCodeOf } from "./exit-codes.js";
export { loadResourceTypes, typesOfModule } from "./types-loader.js";
export { MissingPackageError, REDIS_PACKAGES } from "./redis-modules.js";
export type { LoadTypesOptions } from "./types-loader.js";
export { DEFAULT_STATE_FILE, readStateFile, resolveStatePath, writeStateText } from "./state/state-file.js";
export { StateLockedError, acquireStateLock } from "./state/state-lock.js";
export { STATE_JOURNAL_FORMAT, STATE_JOURNAL_VERSION, journalPath, readJournal, readState } from "./state/journal-file.js";
export type { JournalContent, JournalHeader, StateRead } from "./state/journal-file.js";
export { STACK_EXPORT_FORMAT, STACK_EXPORT_VERSION, exportStack, importStack, parseStackExport } from "./state/stack-export.js";
export type { StackExport } from "./state/stack-export.js";
export { parseTemplateText } from "./template-text.js";
export type { LockOwner, StateLock } from "./state/state-lock.js";
export { TemplateFileError, readTemplateFile } from "./template-file.js";
export type { TemplateSource } from "./template-file.js";
export { readTemplateTree } from "./tree/template-tree.js";
export type { TemplateTree, TreeFile } from "./tree/template-tree.js";
export type { EnvironmentDocument } from "./tree/environment-file.js";
export { renderDot, renderMermaid, renderText } from "./render/graph-render.js";
export type { GraphInput, GraphNodeInfo } from "./render/graph-render.js";
export type { GraphCluster } from "./render/graph-clusters.js";
export { renderFrame } from "./render/live-view.js";
export { ProgressTracker } from "./render/progress.js";
export type { Progress, ResourceLine } from "./render/progress.js";
