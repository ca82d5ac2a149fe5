/**
 * The runtime-neutral data model (DESIGN.md section 2): stacks, resource rows, traversal
 * graphs, sync-point payloads, check messages and events. Every value here is plain JSON so
 * that any runtime can store it.
 */
import { ProtocolError } from "../errors.js";

/** What a stack's current or last traversal does. */
export type StackAction = "CREATE" | "UPDATE" | "DELETE" | "ROLLBACK" | "CHECK";

/** Lifecycle status of a stack action or a resource action. */
export type Status = "IN_PROGRESS" | "COMPLETE" | "FAILED";

/**
 * What the last check (or converge) saw of a row's resource: `IN_SYNC`, `DRIFTED` (see
 * `driftedProperties`), `MISSING`, or `UNCHECKED` (its type has no `read`).
 */
export type CheckStatus = "IN_SYNC" | "DRIFTED" | "MISSING" | "UNCHECKED";

/** What was last done to a resource row. INIT means "made, never created". */
export type RowAction = "INIT" | "CREATE" | "UPDATE" | "DELETE";

/** Options fixed when a traversal starts. */
export interface StackOptions {
  /** Do not roll back automatically when the traversal fails. */
  readonly disableRollback: boolean;
  /** Stack timeout in milliseconds for each traversal, or null for none. */
  readonly timeoutMs: number | null;
  /** Parameter values the template was compiled with. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Continuous reconciliation policy, or absent/null for none (older records: none). */
  readonly reconcile?: ReconcilePolicy | null;
  /** The environments the template was compiled with, in merge order (absent: none). */
  readonly environment?: readonly unknown[];
  /** The files the template was compiled with (absent: none). */
  readonly files?: Readonly<Record<string, unknown>>;
}

/** A stack's continuous reconciliation policy (stored form). */
export interface ReconcilePolicy {
  /** Interval between checks, ms. */
  readonly everyMs: number;
  /** `report`: a CHECK traversal (drift reported as events); `repair`: a converging update. */
  readonly mode: "report" | "repair";
}

/** A stack record. */
export interface StackRecord {
  /** Unique id, never reused. */
  readonly id: string;
  /** User-facing unique name. */
  readonly name: string;
  /** Id of the traversal that is (or was last) converging the stack. */
  readonly currentTraversal: string;
  /** Target template of the current or last traversal. */
  readonly templateId: string;
  /** The last template that completed successfully (rollback target), or null. */
  readonly prevTemplateId: string | null;
  /** Action of the current or last traversal. */
  readonly action: StackAction;
  /** Status of that action. */
  readonly status: Status;
  /** Human explanation of the status. */
  readonly statusReason: string;
  /** Options of the current traversal. */
  readonly options: StackOptions;
  /** Epoch ms after which the current traversal times out, or null. */
  readonly deadline: number | null;
  /** Epoch ms of creation. */
  readonly createdAt: number;
  /** Epoch ms of the last status change. */
  readonly updatedAt: number;
  /**
   * Whether the current traversal (an update) reads reality first and repairs drift
   * (`updateStack(..., { converge: true })`). Absent on older records: false.
   */
  readonly converge?: boolean;
  /**
   * Due time of the last reconciliation run that started a traversal (set by that start's
   * CAS), so a run delivered twice starts at most one. Absent: none yet.
   */
  readonly reconciledDue?: number;
}

/** Lock of a resource row: holder engine id (null = unlocked). */
export interface RowLock {
  /** Engine id holding the lock, or null. */
  readonly holder: string | null;
}

/** One physical incarnation of a logical resource. */
export interface ResourceRow {
  /** Unique within the stack, never reused. */
  readonly id: string;
  /** Logical resource name. */
  readonly name: string;
  /** Resource type name. */
  readonly type: string;
  /** Template this row was last converged with. */
  readonly templateId: string;
  /** Physical id once known. */
  readonly physicalId: string | null;
  /** Resolved properties of the last successful create/update. */
  readonly properties: Readonly<Record<string, unknown>>;
  /** Cached attribute values (those the templates reference). */
  readonly attributes: Readonly<Record<string, unknown>>;
  /** Last action. */
  readonly action: RowAction;
  /** Status of the last action. */
  readonly status: Status;
  /** Explanation of the status. */
  readonly statusReason: string;
  /** Row ids this row depended on at its last convergence. */
  readonly requires: readonly string[];
  /** Row id this row replaces, or null. */
  readonly replaces: string | null;
  /** Row id that replaces this row, or null. */
  readonly replacedBy: string | null;
  /** Traversal that made this row. */
  readonly createdTraversal: string;
  /** Deletion policy at the last convergence. */
  readonly deletionPolicy: "delete" | "retain";
  /** Lock holder (engine id) or null. */
  readonly lockHolder: string | null;
  /** Bumped by every write: the compare-and-set token. */
  readonly version: number;
  /** Epoch ms of the last write (tie-break of the best-existing rule). */
  readonly updatedAt: number;
  /** What the last check saw, or null when never checked (older rows read as null). */
  readonly checkStatus: CheckStatus | null;
  /** Properties that differed at the last check (when `DRIFTED`; else empty). */
  readonly driftedProperties: readonly string[];
  /** Epoch ms of the last check, or null. */
  readonly checkedAt: number | null;
}

/**
 * Every field of a {@link ResourceRow}, in one fixed order: the order a runtime may store a
 * row's values in (the Redis runtime packs them so) and the shape the memory store builds.
 */
export const RESOURCE_ROW_FIELDS = [
  "id",
  "name",
  "type",
  "templateId",
  "physicalId",
  "properties",
  "attributes",
  "action",
  "status",
  "statusReason",
  "requires",
  "replaces",
  "replacedBy",
  "createdTraversal",
  "deletionPolicy",
  "lockHolder",
  "version",
  "updatedAt",
  "checkStatus",
  "driftedProperties",
  "checkedAt",
] as const satisfies ReadonlyArray<keyof ResourceRow>;

/** The check fields of a row that was never checked (what rows without them read as). */
export const NEVER_CHECKED = { checkStatus: null, driftedProperties: [], checkedAt: null } as const satisfies Pick<
  ResourceRow,
  "checkStatus" | "driftedProperties" | "checkedAt"
>;

/** Fields of a row that protocol writes may change. */
export type RowPatch = Partial<
  Omit<ResourceRow, "id" | "name" | "createdTraversal" | "version" | "lockHolder">
>;

/** Direction of a graph node: `U` = update (create/update the row), `C` = cleanup. */
export type Direction = "U" | "C";

/**
 * A graph node key: `${direction}:${rowId}` - made by {@link nodeKey}, split by
 * {@link parseNodeKey}, never by hand.
 */
export type NodeKey = `${Direction}:${string}`;

/** Key (and sender) of the stack's completion point. */
export const STACK_NODE = "$stack";

/** A sync point's key: a graph node, or the stack's completion point. */
export type SyncKey = NodeKey | typeof STACK_NODE;

/** One node of a stored traversal graph. */
export interface GraphNode {
  /** Nodes that must report before this one runs. */
  readonly requires: readonly NodeKey[];
  /** Nodes that wait for this one. */
  readonly requiredBy: readonly NodeKey[];
}

/** The traversal graph, stored once per traversal (DESIGN.md section 3 step 4). */
export interface TraversalGraph {
  /** Traversal id. */
  readonly traversalId: string;
  /** Target template id. */
  readonly templateId: string;
  /** Nodes by key. */
  readonly nodes: Readonly<Record<NodeKey, GraphNode>>;
  /** Nodes nothing depends on: the stack completes when all of them have reported. */
  readonly roots: readonly NodeKey[];
  /** Nodes with no requirement: enqueued when the traversal starts (cleanups first). */
  readonly leaves: readonly NodeKey[];
}

/** Data an update node sends its successors: who it is and what they may read from it. */
export interface NodePayload {
  /** Row id that completed the node (the replacement's own id when replaced). */
  readonly rowId: string;
  /** Logical name. */
  readonly name: string;
  /** Reference id (`get_resource`): the physical id. */
  readonly refId: string | null;
  /** Attribute values referenced anywhere in the target template. */
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** Payload of a sync-point entry: update data, or `null` for cleanup/"done" reports. */
export type SyncPayload = NodePayload | null;

/** A check message: ids only, constant size whatever the graph (W-F). */
export type CheckMessage =
  | {
      /** Check node (rowId, direction) of a traversal. */
      readonly kind: "node";
      readonly stackId: string;
      readonly traversalId: string;
      readonly rowId: string;
      readonly direction: Direction;
    }
  | {
      /** Fire the stack timeout of a traversal. */
      readonly kind: "timeout";
      readonly stackId: string;
      readonly traversalId: string;
    }
  | {
      /** Every root reported: sweep, purge and mark the stack complete. */
      readonly kind: "complete";
      readonly stackId: string;
      readonly traversalId: string;
    }
  | {
      /** Look for a stalled traversal and resume or fail it. */
      readonly kind: "watchdog";
      readonly stackId: string;
      readonly traversalId: string;
    }
  | {
      /** Continuous reconciliation of a stack, due at `due` (`traversalId` = `reconcile@<due>`). */
      readonly kind: "reconcile";
      readonly stackId: string;
      readonly traversalId: string;
      readonly due: number;
    };

/** An event of a stack's append-only stream. */
export interface StackEvent {
  /** Position in the stream (assigned by the runtime, increasing). */
  readonly seq: string;
  /** Epoch ms. */
  readonly time: number;
  /** Stack or resource event. */
  readonly kind: "stack" | "resource";
  /** Stack name. */
  readonly stackName: string;
  /** Traversal during which it happened. */
  readonly traversalId: string;
  /** Resource name (resource events). */
  readonly resourceName?: string;
  /** Row id (resource events). */
  readonly rowId?: string;
  /** Physical id (resource events), when known. */
  readonly physicalId?: string | null;
  /** Action. */
  readonly action: StackAction | RowAction;
  /** Status. */
  readonly status: Status;
  /** Explanation. */
  readonly reason: string;
  /**
   * The nested stack a resource event's resource belongs to (`app` for `app/db`); absent for
   * a top-level resource. Set by the engine's `events`, never stored.
   */
  readonly nestedStack?: string;
}

/** An event before the runtime assigns its sequence number. */
export type NewStackEvent = Omit<StackEvent, "seq">;

/** Build the key of a node. */
export function nodeKey(direction: Direction, rowId: string): NodeKey {
  return `${direction}:${rowId}`;
}

/**
 * Split a node key into direction and row id.
 * @throws ProtocolError when `key` is not a node key (stored data that breaks the invariant).
 */
export function parseNodeKey(key: string): { direction: Direction; rowId: string } {
  const direction = key.slice(0, 1);
  if ((direction !== "U" && direction !== "C") || key[1] !== ":") {
    throw new ProtocolError(`not a node key: ${JSON.stringify(key)} (expected U:<rowId> or C:<rowId>)`);
  }
  return { direction, rowId: key.slice(2) };
}

/** Whether `key` is a node key (`U:<rowId>` or `C:<rowId>`), e.g. of data read back from a store. */
export function isNodeKey(key: string): key is NodeKey {
  return (key.startsWith("U:") || key.startsWith("C:"));
}

/**
 * `key` (read back from a store) as a sync point's key.
 * @throws ProtocolError when it is neither a node key nor `STACK_NODE`.
 */
export function toSyncKey(key: string): SyncKey {
  if (key === STACK_NODE || isNodeKey(key)) return key;
  throw new ProtocolError(`not a sync point key: ${JSON.stringify(key)} (expected U:<rowId>, C:<rowId> or ${STACK_NODE})`);
}

/** The nodes of a graph with their keys (`Object.entries` types keys as plain strings). */
export function graphNodes(graph: Pick<TraversalGraph, "nodes">): [NodeKey, GraphNode][] {
  return Object.entries(graph.nodes) as [NodeKey, GraphNode][];
}

/** Whether `key` is a cleanup node's key. */
export function isCleanupKey(key: SyncKey): boolean {
  return key.startsWith("C:");
}

/** Whether `key` is an update node's key. */
export function isUpdateKey(key: SyncKey): boolean {
  return key.startsWith("U:");
}
