/**
 * `converge apply <template> --stack NAME`: create the stack, or update it when it exists, and
 * follow the traversal to its end.
 */
import { HELP_OPTION, RUNTIME_OPTIONS, TEMPLATE_OPTIONS, TYPES_OPTIONS, flag } from "../args.js";
import type { Command } from "../command.js";
import { loadTemplate, requiredOption, stackOptions } from "../command.js";
import { commandTypes } from "../context.js";
import { runOperation } from "../operation.js";
import { applyPlan } from "../plan.js";
import { withTemplateTree } from "../tree/tree-locate.js";

/** `--json` of the operation commands. */
export const JSON_OPTION = {
  json: { type: "boolean", help: "Print NDJSON on stdout: the plan, one object per event, then a result object (see the README)." },
} as const;

/** `--yes` of the commands that confirm their plan. */
export const YES_OPTION = {
  yes: { type: "boolean", short: "y", help: "Do not ask for confirmation (needed for a plan that deletes or replaces when there is no terminal)." },
} as const;

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
      "First the plan: what happens to each resource and a summary (\"1 to create, 1 to update, 0 to replace, 0 to delete\"). On a terminal",
      "it asks for confirmation (--yes skips it). Without a terminal (CI, a pipe, --json) a plan that only creates and updates goes on, and",
      "one that deletes or replaces a resource is refused unless --yes is given. When nothing would change it prints \"No changes.\" and",
      "starts nothing (--force runs the update anyway).",
      "The traversal is followed to its end: on a terminal a live view of every resource and a progress bar, otherwise one line per event,",
      "the time each resource took, and a heartbeat every 10 s for resources still at work.",
      "Exit status 0 when the stack ends CREATE_COMPLETE or UPDATE_COMPLETE (or nothing changed), 1 when it failed (or rolled back) - the failing",
      "resources and reasons are printed - 2 for a bad template or bad options, 3 when the plan was not confirmed (nothing was changed).",
      "The parameters are exactly those given (like the template, they describe the whole desired state).",
      "Nested template files (type: x.yaml), get_file paths and the files of an environment's resource_registry are read relative to the file that names them.",
    ].join("\n"),
    positionals: ["template"],
    options: {
      ...STACK_OPTIONS,
      timeout: { type: "string", value: "DURATION", help: "Fail the traversal after this long (30s, 10m, 1h; a bare number is seconds; none for no limit). Default: 60m for a new stack, the stack's own for an update." },
      "no-rollback": { type: "boolean", help: "Do not roll back automatically when the traversal fails." },
      converge: { type: "boolean", help: "Read every resource first: put drifted ones back and re-create missing ones, even when the template did not change." },
      "no-wait": { type: "boolean", help: "Return once the traversal started." },
      ...YES_OPTION,
      force: { type: "boolean", help: "Run the update even when the plan shows no changes." },
      ...JSON_OPTION,
      ...TYPES_OPTIONS,
      ...RUNTIME_OPTIONS,
      ...HELP_OPTION,
    },
    examples: [
      "converge apply site.yaml --stack site --param env=prod",
      "converge apply site.yaml --stack site --timeout 10m --no-rollback",
      "converge apply site.yaml --stack site --converge",
      "converge apply site.yaml --stack site --yes --json > apply.ndjson",
      "converge apply site.yaml --stack site -e env/prod.yaml --param-file params.yaml",
    ],
  },
  async run(ctx) {
    const [file] = ctx.args.positionals as [string];
    const name = requiredOption(ctx, "stack");
    const options = stackOptions(ctx);
    const types = await commandTypes(ctx);
    const { tree, inputs, compiled } = await loadTemplate(ctx, file, types, options.parameters ?? {});
    const template = tree.source.template;
    const create = { ...options, ...inputs };
    const update = { ...create, converge: flag(ctx.args, "converge") };
    return runOperation(
      ctx,
      {
        verb: "apply",
        stackName: name,
        noWait: flag(ctx.args, "no-wait"),
        plan: (session) => applyPlan(session, name, tree, compiled, update),
        async start(engine) {
          const exists = (await engine.listStacks()).includes(name);
          return withTemplateTree(tree, () => (exists ? engine.updateStack(name, template, update) : engine.createStack(name, template, create)));
        },
        succeeded: ({ progress }) => progress.stack !== null && progress.stack.status === "COMPLETE" && (progress.stack.action === "CREATE" || progress.stack.action === "UPDATE"),
      },
      types,
    );
  },
};
