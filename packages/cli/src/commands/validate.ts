/**
 * `converge validate <template>`: check a template against the loaded resource types.
 */
import { HELP_OPTION, TEMPLATE_OPTIONS, TYPES_OPTIONS } from "../args.js";
import type { Command } from "../command.js";
import { loadTemplate, templateParameters } from "../command.js";
import { commandTypes } from "../context.js";
import { EXIT } from "../exit-codes.js";

/** `converge validate`. */
export const validateCommand: Command = {
  spec: {
    name: "validate",
    summary: "Validate a template (syntax, types, properties, references, cycles, parameters)",
    usage: "validate <template> [-e ENV]... [--param NAME=VALUE]... [options]",
    description: "Everything apply checks before it writes anything. Exit status 0 when valid, 2 with the first problem (file, line and column) otherwise.",
    positionals: ["template"],
    options: { param: { type: "string", multiple: true, value: "NAME=VALUE", help: "A template parameter (repeatable)." }, ...TEMPLATE_OPTIONS, ...TYPES_OPTIONS, ...HELP_OPTION },
    examples: ["converge validate site.yaml --param env=prod"],
  },
  async run(ctx) {
    const [file] = ctx.args.positionals as [string];
    const { compiled } = await loadTemplate(ctx, file, await commandTypes(ctx), templateParameters(ctx));
    // Nested stacks' own nodes (and pauses between rolling batches) are not resources to count.
    const resources = Object.values(compiled.resources).filter((r) => !r.type.startsWith("Converge::")).length;
    const nested = Object.keys(compiled.nested ?? {}).length;
    const outputs = Object.keys(compiled.outputs).length;
    const stacks = nested === 0 ? "" : ` (${nested} nested stack${nested === 1 ? "" : "s"})`;
    ctx.print(`${ctx.palette.green("✔")} ${file} is valid: ${resources} resource${resources === 1 ? "" : "s"}${stacks}, ${outputs} output${outputs === 1 ? "" : "s"}`);
    return EXIT.OK;
  },
};
