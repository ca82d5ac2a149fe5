/**
 * Progress of a stack's traversal, read from the store: one line per resource name (of the
 * target template, then those being removed) with the state of its newest incarnation, and a
 * done/total count.
 *
 * A name of the target is done when its one remaining row was converged with the target
 * template (created, updated, or recorded as unchanged); a removed name is done when none of
 * its rows is left. So a replacement counts once its old incarnation is gone too.
 */
import { StackStateLostError } from "@converge/core";
import type { CompiledTemplate, ResourceRow, RuntimeStore, StackRecord } from "@converge/core";

/** One resource name in the live view. */
export interface ResourceLine {
  /** Logical name. */
  readonly name: string;
  /** Type of the newest incarnation (or of the template). */
  readonly type: string;
  /** `<ACTION>_<STATUS>` of the newest incarnation; `DELETE_COMPLETE` when none is left. */
  readonly state: string;
  /** Physical id of the newest incarnation. */
  readonly physicalId: string | null;
  /** Status reason of the newest incarnation. */
  readonly reason: string;
  /** Whether the name reached its target. */
  readonly done: boolean;
  /** Other incarnations still present (a replacement in progress). */
  readonly others: number;
  /** Whether the name is part of the target template. */
  readonly inTarget: boolean;
}

/** A progress reading. */
export interface Progress {
  /** The stack record; null once the stack is gone (a completed delete). */
  readonly stack: StackRecord | null;
  /** Lines in display order. */
  readonly lines: readonly ResourceLine[];
  /** Names done. */
  readonly done: number;
  /** Names in play. */
  readonly total: number;
}

const isActive = (row: ResourceRow): boolean => !(row.action === "DELETE" && row.status === "COMPLETE");

/** Reads the progress of one stack; remembers names it saw so removed ones stay listed. */
export class ProgressTracker {
  private readonly seen = new Map<string, ResourceLine>();
  private template: { id: string; value: CompiledTemplate | null } | null = null;
  constructor(
    private readonly store: RuntimeStore,
    private readonly stackId: string,
    /** The stack's name, for errors (learnt from the first read when not given). */
    private name?: string,
  ) {}

  /**
   * Read the stack, its target template and rows, and compute the lines.
   * @throws StackStateLostError when the stack is gone without a tombstone (its state was lost, not deleted)
   */
  async read(): Promise<Progress> {
    const stack = await this.store.loadStack(this.stackId);
    if (stack === null) {
      if ((await this.store.loadTombstone(this.stackId)) === null) throw new StackStateLostError({ name: this.name, id: this.stackId });
      return this.gone();
    }
    this.name = stack.name;
    if (this.template?.id !== stack.templateId) {
      this.template = { id: stack.templateId, value: await this.store.loadTemplate(stack.id, stack.templateId) };
    }
    const target = this.template.value?.resources ?? {};
    const rows = (await this.store.loadRows(stack.id)).filter(isActive);
    const byName = new Map<string, ResourceRow[]>();
    for (const row of rows) {
      const list = byName.get(row.name) ?? [];
      list.push(row);
      byName.set(row.name, list);
    }
    const order = [...Object.keys(target), ...[...this.seen.keys(), ...byName.keys()].filter((n) => !Object.hasOwn(target, n))];
    const lines: ResourceLine[] = [];
    for (const name of new Set(order)) {
      const mine = (byName.get(name) ?? []).sort((a, b) => Number(a.id) - Number(b.id) || a.id.localeCompare(b.id));
      const newest = mine[mine.length - 1];
      const inTarget = Object.hasOwn(target, name);
      const line: ResourceLine =
        newest === undefined
          ? {
              name,
              type: target[name]?.type ?? this.seen.get(name)?.type ?? "",
              state: inTarget ? "INIT_COMPLETE" : "DELETE_COMPLETE",
              physicalId: null,
              reason: inTarget ? "" : (this.seen.get(name)?.reason ?? ""),
              done: !inTarget,
              others: 0,
              inTarget,
            }
          : {
              name,
              type: newest.type,
              state: `${newest.action}_${newest.status}`,
              physicalId: newest.physicalId,
              reason: newest.statusReason,
              done: inTarget
                ? mine.length === 1 && newest.templateId === stack.templateId && newest.status === "COMPLETE" && newest.action !== "INIT"
                : false,
              others: mine.length - 1,
              inTarget,
            };
      this.seen.set(name, line);
      lines.push(line);
    }
    return { stack, lines, done: lines.filter((l) => l.done).length, total: lines.length };
  }

  private gone(): Progress {
    const lines = [...this.seen.values()].map((l) => ({ ...l, state: "DELETE_COMPLETE", done: true, others: 0, inTarget: false }));
    return { stack: null, lines, done: lines.length, total: lines.length };
  }
}
