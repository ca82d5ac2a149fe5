/**
 * The memory runtime's queue of checks: FIFO with O(1) `push` and `shift` (an array and a
 * head index, compacted once the consumed prefix is at least half of it) - `Array.shift` is
 * O(n), which made a 100k-check traversal quadratic.
 */
export class FifoQueue<T> implements Iterable<T> {
  private items: T[] = [];
  private head = 0;

  /** Entries waiting. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** Append at the tail. */
  push(item: T): void {
    this.items.push(item);
  }

  /** Take the head, or undefined when empty. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head] as T;
    (this.items as Array<T | undefined>)[this.head] = undefined;
    this.head += 1;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** The entry at `index` from the head (undefined out of range). */
  at(index: number): T | undefined {
    return index >= 0 && index < this.length ? this.items[this.head + index] : undefined;
  }

  /** Remove and return the entry at `index` from the head (O(n): manual stepping only). */
  removeAt(index: number): T | undefined {
    if (index < 0 || index >= this.length) return undefined;
    return this.items.splice(this.head + index, 1)[0];
  }

  /** Entries head first. */
  *[Symbol.iterator](): Iterator<T> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i] as T;
  }

  /** A copy of the entries, head first. */
  toArray(): T[] {
    return this.items.slice(this.head);
  }
}
