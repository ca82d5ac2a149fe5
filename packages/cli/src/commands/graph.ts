/**
 * `converge graph [<template>] [--stack NAME] [--format mermaid|dot|text]`: the dependency graph
 * of a template - or of a stack's current template - with nodes coloured by the stack's live
 * state, and nested stacks drawn as subgraphs around their resources.
 */
import { InvalidOptionsError, StackNotFoundError, templateDependencyGraph } from "@converge/core";
import type { CompiledTemplate } from "@converge/core";
import { HELP_OPTION, RUNTIME_OPTIONS, TEMPLATE_OPTIONS, TYPES_OPTIONS, stringOption } from "../args.js";
import type { Command } from "../command.js";
import { loadTemplate, templateParameters } from "../command.js";
import { commandTypes, withSession } from "../context.js";
import { EXIT } from "../exit-codes.js";
import type { GraphInput, GraphNodeInfo } from "../render/graph-render.js";
import { renderDot, renderMermaid, renderText } from "../render/graph-render.js";
import { ProgressTracker } from "../render/progress.js";

function graphOf(template: CompiledTemplate, title: string, states?: ReadonlyMap<string, string>, extra: readonly GraphNodeInfo[] = []): GraphInput {
  const graph = templateDependencyGraph(template);
  const nested = template.nested ?? {};
  const nodes: GraphNodeInfo[] = graph.nodes().map((name) => {
    const state = states?.get(name);
    const type = nested[name]?.type ?? template.resources[name]?.type ?? "";
    return { name, type, ...(states === undefined ? {} : { state: state ?? "INIT_COMPLETE" }) };
  });
  // Each nested stack is a subgraph around its resources (its own node included).
  const clusters = Object.entries(nested).map(([path, stack]) => ({ path, label: `${path}: ${stack.type}` }));
  return { title, nodes: [...nodes, ...extra], edges: graph.edges(), clusters };
}

/** `converge graph`. */
export const graphCommand: Command = {
  spec: {
    name: "graph",
    summary: "Print the dependency graph of a template (Mermaid, DOT or text), coloured by a stack's live state",
    usage: "graph [<template>] [--stack NAME] [--format mermaid|dot|text] [-e ENV]... [--param NAME=VALUE]... [options]",
    description: [
      "One node per resource (name and type), an arrow a --> b when a depends on b (explicitly with depends_on, or",
      "through get_resource / get_attr). With --stack, every node also shows the stack's live state of that resource and",
      "is coloured by it (green complete, amber in progress, red failed, grey not created yet); resources of the stack",
      "that the template drops are drawn dashed. Without a template file, --stack draws the stack's current template.",
      "Nested stacks (template resources, groups, chains) are subgraphs around their resources, indented in the text form.",
    ].join("\n"),
    positionals: ["template?"],
    options: {
      stack: { type: "string", value: "NAME", help: "Colour the nodes by this stack's live state." },
      format: { type: "string", value: "FORMAT", help: "mermaid (default), dot, or text (indented)." },
      param: { type: "string", multiple: true, value: "NAME=VALUE", help: "A template parameter (repeatable)." },
      ...TEMPLATE_OPTIONS,
      ...TYPES_OPTIONS,
      ...RUNTIME_OPTIONS,
      ...HELP_OPTION,
    },
    examples: ["converge graph site.yaml", "converge graph site.yaml --stack site --format dot | dot -Tsvg > site.svg", "converge graph --stack site"],
  },
  async run(ctx) {
    const file = ctx.args.positionals[0];
    const stackName = stringOption(ctx.args, "stack");
    const format = stringOption(ctx.args, "format") ?? "mermaid";
    if (format !== "mermaid" && format !== "dot" && format !== "text") throw new InvalidOptionsError("--format", `expected mermaid, dot or text, got "${format}"`);
    if (file === undefined && stackName === undefined) throw new InvalidOptionsError("template", `give a template file, --stack NAME, or both; usage: converge ${ctx.usage}`);
    const types = await commandTypes(ctx);
    const loaded = file === undefined ? undefined : await loadTemplate(ctx, file, types, templateParameters(ctx));
    let input: GraphInput;
    if (stackName === undefined) {
      input = graphOf(loaded?.compiled ?? { resources: {}, outputs: {}, attributeRefs: {} }, file ?? "template");
    } else {
      input = await withSession(
        ctx,
        "read",
        async ({ runtime }) => {
          const stackId = await runtime.store.findStackId(stackName);
          const stack = stackId === null ? null : await runtime.store.loadStack(stackId);
          if (stack === null) throw new StackNotFoundError(stackName);
          const template = loaded?.compiled ?? (await runtime.store.loadTemplate(stack.id, stack.templateId));
          if (template === null) throw new StackNotFoundError(stackName);
          const { lines } = await new ProgressTracker(runtime.store, stack.id).read();
          const states = new Map(lines.map((l) => [l.name, l.state]));
          const dropped = lines
            .filter((l) => !Object.hasOwn(template.resources, l.name) && l.state !== "DELETE_COMPLETE")
            .map((l) => ({ name: l.name, type: l.type, state: l.state, inTemplate: false }));
          return graphOf(template, stackName, states, dropped);
        },
        types,
      );
    }
    ctx.io.stdout.write(format === "dot" ? renderDot(input) : format === "text" ? renderText(input) : renderMermaid(input));
    return EXIT.OK;
  },
};
