/**
 * An unordered set of objects that know their own slot: O(1) add and remove by swapping with
 * the last entry, no allocation once the array has grown to the most entries it held.
 *
 * For the memory runtime's per-delivery bookkeeping (running deliveries, running attempts). A
 * long-lived `Set` or `Map` that an entry enters and leaves once per check reallocates its
 * hash table as it grows and shrinks, and V8 allocates the new table in old space when the
 * old one was there: ~400 B of old-space garbage per check, which only a major GC frees.
 */

/** An entry of a {@link SlotList}: its index there, -1 when it is in none. */
export interface Slotted {
  slot: number;
}

/** See the module comment. */
export class SlotList<T extends Slotted> implements Iterable<T> {
  private readonly items: T[] = [];

  /** Entries held. */
  get size(): number {
    return this.items.length;
  }

  /** Add `item` (not in any list). */
  add(item: T): void {
    item.slot = this.items.length;
    this.items.push(item);
  }

  /** Remove `item`; false when it was not in this list. */
  delete(item: T): boolean {
    const slot = item.slot;
    if (slot < 0 || this.items[slot] !== item) return false;
    const last = this.items.pop() as T;
    if (last !== item) {
      this.items[slot] = last;
      last.slot = slot;
    }
    item.slot = -1;
    return true;
  }

  /** Whether `item` is in this list. */
  has(item: T): boolean {
    return item.slot >= 0 && this.items[item.slot] === item;
  }

  /** The entries (in no particular order). */
  [Symbol.iterator](): Iterator<T> {
    return this.items[Symbol.iterator]();
  }

  /** A copy of the entries (in no particular order). */
  toArray(): T[] {
    return this.items.slice();
  }
}
