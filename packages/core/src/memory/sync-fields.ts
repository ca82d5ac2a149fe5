/**
 * The entries of one sync point in the memory store: most sync points hear from one sender
 * (a chain link's successor, a node with one requirement), so the first entry is kept inline
 * and a `Map` is made only for a second sender. A `Map` per sync point was ~170 B (the map and
 * its smallest hash table) per node of a traversal, live until the traversal completes: ~17
 * MiB of a 100k chain, which V8's heap growth multiplies into the peak.
 */
import type { SyncKey, SyncPayload } from "../model/types.js";

/** What the store reads of a sync point's entries (a `Map`'s, for a snapshot's points). */
export interface SyncFieldsView extends Iterable<readonly [SyncKey, SyncPayload]> {
  readonly size: number;
  has(sender: SyncKey): boolean;
  get(sender: SyncKey): SyncPayload | undefined;
  set(sender: SyncKey, payload: SyncPayload): unknown;
}

/** A sync point's entries: the first inline, the others in a `Map` made for the second. */
export class SyncFields implements SyncFieldsView {
  #first: SyncKey | undefined = undefined;
  #payload: SyncPayload = null;
  #more: Map<SyncKey, SyncPayload> | undefined = undefined;

  get size(): number {
    return this.#more !== undefined ? this.#more.size : this.#first === undefined ? 0 : 1;
  }

  has(sender: SyncKey): boolean {
    return this.#more !== undefined ? this.#more.has(sender) : this.#first === sender;
  }

  get(sender: SyncKey): SyncPayload | undefined {
    if (this.#more !== undefined) return this.#more.get(sender);
    return this.#first === sender ? this.#payload : undefined;
  }

  set(sender: SyncKey, payload: SyncPayload): this {
    if (this.#more !== undefined) this.#more.set(sender, payload);
    else if (this.#first === undefined || this.#first === sender) {
      this.#first = sender;
      this.#payload = payload;
    } else {
      this.#more = new Map([[this.#first, this.#payload]]);
      this.#more.set(sender, payload);
      this.#first = undefined;
      this.#payload = null;
    }
    return this;
  }

  [Symbol.iterator](): Iterator<readonly [SyncKey, SyncPayload]> {
    if (this.#more !== undefined) return this.#more.entries();
    const entries: Array<readonly [SyncKey, SyncPayload]> = this.#first === undefined ? [] : [[this.#first, this.#payload]];
    return entries.values();
  }
}
