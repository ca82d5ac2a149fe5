/** The installed BullMQ's own Lua scripts, for tests of what this runtime patches in them. */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** The installed BullMQ's script `file` (e.g. `moveToActive-11`), as it defines it on a connection. */
export function bullScript(file: string): string {
  const module = require(`bullmq/dist/cjs/scripts/${file}.js`) as Record<string, { content: string }>;
  return (Object.values(module)[0] as { content: string }).content;
}
