/**
 * `converge preview <template> --stack NAME`: what an apply would do to each resource, without
 * doing it.
 */
import { StackNotFoundError } from "@converge/core";
import type { PreviewAction } from "@converge/core";
import { HELP_OPTION, RUNTIME_OPTIONS, TYPES_OPTIONS, flag } from "../args.js";
import type { Command } from "../command.js";
import { loadTemplate, requiredOption, stackOptions } from "../command.js";
import { commandTypes, withSession } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { previewCreate } from "../plan.js";
import { planTable } from "../render/plan-table.js";
import { withTemplateTree } from "../tree/tree-locate.js";
import { STACK_OPTIONS } from "./apply.js";

const ORDER: readonly PreviewAction[] = ["create", "import", "update", "replace", "delete", "no_change", "unknown"];

/** `converge preview`. */
export const previewCommand: Command = {
  spec: {
    name: "preview",
    summary: "Show what applying a template would do to each resource",
    usage: "preview <template> --stack NAME [-e ENV]... [--param NAME=VALUE]... [--json] [options]",
    description: [
      "One line per resource: create, import (external_id), update (in place), replace, delete, no_change, or unknown (depends on values known",
      "only during the update), with the properties that change and why. Nothing is changed. A stack that does not exist",
      "yet previews as all creates.",
    ].join("\n"),
    positionals: ["template"],
    options: {
      ...STACK_OPTIONS,
      json: { type: "boolean", help: "Print the preview as JSON." },
      converge: { type: "boolean", help: "Preview `apply --converge`: read every resource first (drifted ones update, missing ones are replaced)." },
      ...TYPES_OPTIONS,
      ...RUNTIME_OPTIONS,
      ...HELP_OPTION,
    },
    examples: ["converge preview site.yaml --stack site --param env=prod"],
  },
  async run(ctx) {
    const [file] = ctx.args.positionals as [string];
    const name = requiredOption(ctx, "stack");
    const { parameters } = stackOptions(ctx);
    const types = await commandTypes(ctx);
    const { tree, inputs, compiled } = await loadTemplate(ctx, file, types, parameters ?? {});
    const entries = await withSession(
      ctx,
      "read",
      async ({ engine }) => {
        try {
          const options = { parameters: parameters ?? {}, converge: flag(ctx.args, "converge"), ...inputs };
          return [...(await withTemplateTree(tree, () => engine.previewUpdate(name, tree.source.template, options))).resources];
        } catch (error) {
          if (error instanceof StackNotFoundError) return previewCreate(compiled);
          throw error;
        }
      },
      types,
    );
    if (flag(ctx.args, "json")) {
      ctx.print(JSON.stringify({ stackName: name, resources: entries }, null, 2));
      return EXIT.OK;
    }
    const p = ctx.palette;
    if (entries.length === 0) ctx.print(p.dim("no resources"));
    else for (const line of planTable(entries, p)) ctx.print(line);
    // "import" is counted only when there is one (external_id is rare).
    const counts = ORDER.filter((action) => action !== "import" || entries.some((e) => e.action === "import")).map((action) => `${entries.filter((e) => e.action === action).length} ${action.replace("_", " ")}`);
    ctx.print(p.dim(`${name}: ${counts.join(", ")}`));
    return EXIT.OK;
  },
};
