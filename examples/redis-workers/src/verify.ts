/**
 * What the example checks at the end: the stack converged to v2 (and only v2), and its events
 * show v1's create superseded by v2's update.
 */

/** `converge show --json`. */
export interface ShownStack {
  readonly stack: { readonly state: string; readonly outputs: Readonly<Record<string, unknown>> };
  readonly resources: ReadonlyArray<{ readonly name: string; readonly state: string; readonly properties: Readonly<Record<string, unknown>> }>;
}

/** One line of `converge events --json`. */
export interface EventLine {
  readonly kind: "stack" | "resource";
  readonly traversalId: string;
  readonly resourceName?: string;
  readonly action: string;
  readonly status: string;
  readonly reason: string;
}

/** Problems found (empty when everything is right). */
export function verifyFinalStack(shown: ShownStack, events: readonly EventLine[]): string[] {
  const problems: string[] = [];
  const expect = (ok: boolean, what: string): void => {
    if (!ok) problems.push(what);
  };
  expect(shown.stack.state === "UPDATE_COMPLETE", `stack is ${shown.stack.state}, expected UPDATE_COMPLETE`);
  const byName = new Map(shown.resources.map((r) => [r.name, r]));
  const names = [...byName.keys()].sort();
  expect(JSON.stringify(names) === JSON.stringify(["app", "cache", "db", "network", "search"]), `resources are ${names.join(", ")}, expected app, cache, db, network, search`);
  expect(shown.resources.length === 5, `${shown.resources.length} resource rows, expected one per name`);
  for (const r of shown.resources) expect(/^(CREATE|UPDATE)_COMPLETE$/.test(r.state), `${r.name} is ${r.state}`);
  const value = (name: string): string => String(byName.get(name)?.properties.value ?? "");
  expect(value("db").startsWith("db-v2-"), `db has value ${value("db")}, expected db-v2-<network id>`);
  expect(value("cache") === "cache-v2" && byName.get("cache")?.properties.update_replace_value === "generation-2", "cache is not the v2 cache");
  expect(value("search") === "search-v2", `search has value ${value("search")}`);
  const app = `${value("db")},${value("cache")},${value("search")}`;
  expect(value("app") === app, `app has value ${value("app")}, expected ${app}`);
  expect(shown.stack.outputs.app === app, `output app is ${String(shown.stack.outputs.app)}, expected ${app}`);

  const stackEvents = events.filter((e) => e.kind === "stack");
  const create = stackEvents.find((e) => e.action === "CREATE" && e.status === "IN_PROGRESS");
  const update = stackEvents.find((e) => e.action === "UPDATE" && e.status === "IN_PROGRESS");
  expect(create !== undefined && update !== undefined && create.traversalId !== update.traversalId, "expected a CREATE traversal superseded by an UPDATE traversal");
  expect(!stackEvents.some((e) => e.action === "CREATE" && e.status === "COMPLETE"), "v1's create completed: it was not superseded");
  expect(stackEvents.some((e) => e.action === "UPDATE" && e.status === "COMPLETE" && e.traversalId === update?.traversalId), "v2's update did not complete");
  expect(events.some((e) => e.resourceName === "queue" && e.action === "DELETE" && e.status === "COMPLETE"), "queue (dropped by v2) was not removed");
  return problems;
}
