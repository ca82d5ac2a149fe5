/**
 * Confirming a plan before `apply` or `delete` changes anything, as `terraform apply` does:
 *
 * - nothing changes: "No changes." and no traversal (unless `--force`);
 * - `--yes`: go on;
 * - a terminal on stdin (and no `--json`): print the question, go on only on `y` / `yes`;
 * - otherwise (CI, a pipe, `--json`): go on only when the plan destroys nothing - a plan with
 *   a delete or a replacement (or a stack delete) is refused with exit status 3.
 *
 * Non-interactive creates and in-place updates go on without `--yes` (unlike Terraform, which
 * refuses every unconfirmed apply): they lose nothing, and scripts and CI apply templates
 * that way; what cannot be undone needs the explicit `--yes`.
 */
import { flag } from "./args.js";
import type { CommandContext } from "./context.js";
import { EXIT } from "./exit-codes.js";
import type { Outcome } from "./render/json-lines.js";
import type { Plan } from "./plan.js";

/** Why an operation stops before it starts. */
export interface Stop {
  /** `no_changes` or `not_confirmed`. */
  readonly outcome: Extract<Outcome, "no_changes" | "not_confirmed">;
  /** Exit status. */
  readonly code: number;
  /** What to tell the user. */
  readonly message: string;
}

/** What a plan destroys, in words ("2 to delete, 1 to replace"). */
function destroys(plan: Plan): string {
  const parts = [...(plan.counts.delete > 0 ? [`${plan.counts.delete} to delete`] : []), ...(plan.counts.replace > 0 ? [`${plan.counts.replace} to replace`] : [])];
  return parts.length === 0 ? "it deletes the stack" : `it has ${parts.join(", ")}`;
}

/**
 * Decide whether the operation goes on: null to go on, else why it stops. Asks on a terminal.
 * @param verb `apply` or `delete`.
 */
export async function confirmPlan(ctx: CommandContext, plan: Plan, verb: string): Promise<Stop | null> {
  if (!plan.changes && !flag(ctx.args, "force")) {
    return { outcome: "no_changes", code: EXIT.OK, message: `No changes. Stack ${plan.stackName} already matches the template.` };
  }
  if (flag(ctx.args, "yes")) return null;
  const stdin = ctx.io.stdin;
  if (flag(ctx.args, "json") || stdin === undefined || stdin.isTTY !== true) {
    if (!plan.destructive) return null;
    return {
      outcome: "not_confirmed",
      code: EXIT.NOT_CONFIRMED,
      message: `refusing to ${verb} stack ${plan.stackName} without confirmation: ${destroys(plan)}, and there is no terminal to ask; pass --yes to ${verb} anyway`,
    };
  }
  ctx.io.stdout.write(`\n${ctx.palette.bold(`Do you want to ${verb} stack ${plan.stackName} as planned?`)} Only 'y' or 'yes' goes on. [y/N] `);
  const answer = await stdin.readLine(ctx.signal);
  if (answer !== null && /^\s*y(es)?\s*$/i.test(answer)) return null;
  if (answer === null) ctx.io.stdout.write("\n");
  return { outcome: "not_confirmed", code: ctx.signal.aborted ? EXIT.INTERRUPTED : EXIT.NOT_CONFIRMED, message: `${verb} cancelled: nothing was changed` };
}
