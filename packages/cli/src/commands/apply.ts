/**
 * `converge apply <template> --stack NAME`: create the stack, or update it when it exists, and
 * follow the traversal to its end.
 */
import { HELP_OPTION, RUNTIME_OPTIONS, TEMPLATE_OPTIONS, TYPES_OPTIONS, flag } from "../args.js";
import type { Command } from "../command.js";
import { loadTemplate, requiredOption, stackOptions } from "../command.js";
import { commandTypes } from "../context.js";
import { runOperation } from "../operation.js";
import { withTemplateTree } from "../tree/tree-locate.js";

/** Options shared by commands that start a traversal from a template. */
export const STACK_OPTIONS = {
  stack: { type: "string", value: "NAME", help: "The stack." },
  param: { type: "string", multiple: true, value: "NAME=VALUE", help: "A template parameter (repeatable). Parameters not given take their defaults." },
  ...TEMPLATE_OPTIONS,
} as const;

/** `converge apply`. */
export const applyCommand: Command = {
  spec: {
    name: "apply",
    summary: "Create or update a stack from a template and follow it to the end",
    usage: "apply <template> --stack NAME [-e ENV]... [--param NAME=VALUE]... [options]",
    description: [
      "Creates the stack when it does not exist, else updates it to the template (superseding an update in flight).",
      "The traversal is followed to its end: on a terminal a live view of every resource and a progress bar, otherwise one line per event.",
      "Exit status 0 when the stack ends CREATE_COMPLETE or UPDATE_COMPLETE, 1 when it failed (or rolled back) - the failing resources and reasons are printed - and 2 for a bad template or bad options.",
      "The parameters are exactly those given (like the template, they describe the whole desired state).",
      "Nested template files (type: x.yaml), get_file paths and the files of an environment's resource_registry are read relative to the file that names them.",
    ].join("\n"),
    positionals: ["template"],
    options: {
      ...STACK_OPTIONS,
      timeout: { type: "string", value: "DURATION", help: "Fail the traversal after this long (30s, 10m, 1h; a bare number is seconds)." },
      "no-rollback": { type: "boolean", help: "Do not roll back automatically when the traversal fails." },
      converge: { type: "boolean", help: "Read every resource first: put drifted ones back and re-create missing ones, even when the template did not change." },
      "no-wait": { type: "boolean", help: "Return once the traversal started." },
      ...TYPES_OPTIONS,
      ...RUNTIME_OPTIONS,
      ...HELP_OPTION,
    },
    examples: [
      "converge apply site.yaml --stack site --param env=prod",
      "converge apply site.yaml --stack site --timeout 10m --no-rollback",
      "converge apply site.yaml --stack site --converge",
      "converge apply site.yaml --stack site -e env/prod.yaml --param-file params.yaml",
    ],
  },
  async run(ctx) {
    const [file] = ctx.args.positionals as [string];
    const name = requiredOption(ctx, "stack");
    const options = stackOptions(ctx);
    const types = await commandTypes(ctx);
    const { tree, inputs } = await loadTemplate(ctx, file, types, options.parameters ?? {});
    const template = tree.source.template;
    return runOperation(
      ctx,
      {
        verb: "apply",
        stackName: name,
        noWait: flag(ctx.args, "no-wait"),
        async start(engine) {
          const exists = (await engine.listStacks()).includes(name);
          const create = { ...options, ...inputs };
          const update = { ...create, converge: flag(ctx.args, "converge") };
          return withTemplateTree(tree, () => (exists ? engine.updateStack(name, template, update) : engine.createStack(name, template, create)));
        },
        succeeded: ({ progress }) => progress.stack !== null && progress.stack.status === "COMPLETE" && (progress.stack.action === "CREATE" || progress.stack.action === "UPDATE"),
      },
      types,
    );
  },
};
