/**
 * Where to patch BullMQ's own fetch scripts (`quiet-fetch.ts`, `fetch-claim.ts`): both change
 * one statement of the function that hands a fetched job over, `prepareJobForProcessing`, as
 * the installed BullMQ writes it. A statement found anywhere else, or more than once, is not
 * patched (another BullMQ version: its test fails, and the script runs as BullMQ wrote it).
 */

/** Where `statement` is in `lua`, when it is there exactly once and inside `prepareJobForProcessing`; else -1. */
export function handOverStatementAt(lua: string, statement: string): number {
  const at = lua.indexOf(statement);
  if (at < 0 || lua.indexOf(statement, at + 1) >= 0) return -1;
  const fn = lua.lastIndexOf("local function prepareJobForProcessing(", at);
  if (fn < 0 || lua.lastIndexOf("\nend\n", at) > fn) return -1;
  return at;
}

/** Where the function `prepareJobForProcessing` starts in `lua` (after {@link handOverStatementAt} found a statement in it). */
export function handOverFunctionAt(lua: string, statementAt: number): number {
  return lua.lastIndexOf("local function prepareJobForProcessing(", statementAt);
}
