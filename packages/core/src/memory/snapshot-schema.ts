/**
 * Zod schemas of a memory-runtime snapshot (version 1): the shape of every record the memory
 * store keeps. They are used to validate only - the restored values are the snapshot's own
 * JSON (so resource names like `__proto__`, which a zod record would drop, survive).
 */
import { z } from "zod";
import { checkMessageSchema } from "../model/check-message.js";
import { STACK_NODE, isNodeKey } from "../model/types.js";

const id = z.string().min(1).max(200);
const epochMs = z.number().finite();
const count = z.number().int().nonnegative();
const status = z.enum(["IN_PROGRESS", "COMPLETE", "FAILED"]);
const stackAction = z.enum(["CREATE", "UPDATE", "DELETE", "ROLLBACK", "CHECK"]);
const rowAction = z.enum(["INIT", "CREATE", "UPDATE", "DELETE"]);
const jsonObject = z.record(z.string(), z.unknown());
const nodeKey = z.string().regex(/^[UC]:.+$/, 'expected a node key like "U:1" or "C:1"');

/** A stack record. */
export const stackRecordSchema = z.object({
  id,
  name: z.string().min(1),
  currentTraversal: id,
  templateId: id,
  prevTemplateId: id.nullable(),
  action: stackAction,
  status,
  statusReason: z.string(),
  options: z.object({
    disableRollback: z.boolean(),
    timeoutMs: z.number().nonnegative().nullable(),
    parameters: jsonObject,
    reconcile: z.object({ everyMs: z.number().int().positive(), mode: z.enum(["report", "repair"]) }).nullable().optional(),
    environment: z.array(z.unknown()).optional(),
    files: z.record(z.string(), z.union([z.string(), jsonObject])).optional(),
  }),
  deadline: epochMs.nullable(),
  createdAt: epochMs,
  updatedAt: epochMs,
  converge: z.boolean().optional(),
  reconciledDue: epochMs.optional(),
});

/** A resource row. */
export const resourceRowSchema = z.object({
  id,
  name: z.string(),
  type: z.string(),
  templateId: id,
  physicalId: z.string().nullable(),
  properties: jsonObject,
  attributes: jsonObject,
  action: rowAction,
  status,
  statusReason: z.string(),
  requires: z.array(id),
  replaces: id.nullable(),
  replacedBy: id.nullable(),
  createdTraversal: id,
  deletionPolicy: z.enum(["delete", "retain"]),
  lockHolder: z.string().min(1).nullable(),
  version: z.number().int().positive(),
  updatedAt: epochMs,
  // Absent in snapshots of older versions: read as never checked.
  checkStatus: z.enum(["IN_SYNC", "DRIFTED", "MISSING", "UNCHECKED"]).nullable().optional(),
  driftedProperties: z.array(z.string()).optional(),
  checkedAt: epochMs.nullable().optional(),
});

/** A compiled template. */
export const compiledTemplateSchema = z.object({
  description: z.string().optional(),
  resources: z.record(
    z.string(),
    z.object({
      type: z.string().min(1),
      properties: jsonObject,
      dependsOn: z.array(z.string()),
      deletionPolicy: z.enum(["delete", "retain"]),
      externalId: z.string().min(1).optional(),
    }),
  ),
  outputs: z.record(z.string(), z.object({ value: z.unknown(), description: z.string().optional() })),
  attributeRefs: z.record(z.string(), z.array(z.string())),
  hiddenParameters: z.array(z.string()).optional(),
  secrets: z.string().optional(),
  forget: z.array(z.string()).optional(),
  parameters: jsonObject.optional(),
  immutableParameters: z.array(z.string()).optional(),
  nested: z
    .record(
      z.string(),
      z.object({
        type: z.string(),
        kind: z.enum(["template", "stack", "group", "chain"]),
        stackId: z.string(),
        parameters: jsonObject,
        outputs: z.record(z.string(), z.object({ value: z.unknown(), description: z.string().optional() })),
        members: z.array(z.string()),
      }),
    )
    .optional(),
});

/** A traversal graph. */
export const traversalGraphSchema = z.object({
  traversalId: id,
  templateId: id,
  nodes: z.record(nodeKey, z.object({ requires: z.array(nodeKey), requiredBy: z.array(nodeKey) })),
  roots: z.array(nodeKey),
  leaves: z.array(nodeKey),
});

/** A sync-point payload: update data or null. */
export const syncPayloadSchema = z
  .object({ rowId: id, name: z.string(), refId: z.string().nullable(), attributes: jsonObject })
  .nullable();

/** A sync point's key or sender: a node key (`U:<rowId>`, `C:<rowId>`) or the stack's completion point. */
const syncKey = z.string().refine((key) => key === STACK_NODE || isNodeKey(key), { message: `not a sync point key (expected U:<rowId>, C:<rowId> or ${STACK_NODE})` });

/** One sync point: sender → payload, and how many counted senders arrived. */
export const syncPointSchema = z.object({ fields: z.record(syncKey, syncPayloadSchema), count: count });

/** One stack with everything it owns. */
export const stackSnapshotSchema = z.object({
  stack: stackRecordSchema,
  templates: z.record(id, compiledTemplateSchema),
  rows: z.array(resourceRowSchema),
  rowCounter: count,
  graph: traversalGraphSchema.nullable(),
  syncs: z.record(syncKey, syncPointSchema),
});

/** A stack event. */
export const stackEventSchema = z.object({
  seq: z.string().regex(/^[1-9][0-9]*$/, "expected a positive integer string"),
  time: epochMs,
  kind: z.enum(["stack", "resource"]),
  stackName: z.string(),
  traversalId: z.string(),
  resourceName: z.string().optional(),
  rowId: z.string().optional(),
  physicalId: z.string().nullable().optional(),
  action: z.union([stackAction, rowAction]),
  status,
  reason: z.string(),
});

/** Every event stream. */
export const eventLogSnapshotSchema = z.object({
  seq: count,
  streams: z.record(z.string().min(1), z.array(stackEventSchema)),
  retired: z.array(z.string().min(1)),
});

/** The whole snapshot, after its format and version were recognised. */
export const memorySnapshotSchema = z.object({
  format: z.string(),
  version: z.number(),
  savedAt: epochMs,
  stacks: z.array(stackSnapshotSchema),
  events: eventLogSnapshotSchema,
  queue: z.array(z.object({ message: checkMessageSchema, attempts: count })),
  timers: z.array(z.object({ message: checkMessageSchema, at: epochMs })),
  tombstones: z.array(z.object({ stackId: id, name: z.string(), traversalId: id, deletedAt: epochMs })).optional(),
  stateId: id.optional(),
});
