/**
 * A first-in first-out ring buffer: O(1) push and shift without ever moving the items.
 * (`Array.prototype.shift` is O(n), and resetting an array's length is not free either;
 * the ready queue and `Queue` both sit on the loop's hottest path.)
 */
export class Fifo<T> {
  private slots: (T | undefined)[] = new Array(16);
  private head = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.count === this.slots.length) this.grow();
    this.slots[(this.head + this.count) & (this.slots.length - 1)] = item;
    this.count++;
  }

  /** Puts an item back at the front (what a cancelled getter had already been handed). */
  unshift(item: T): void {
    if (this.count === this.slots.length) this.grow();
    this.head = (this.head - 1) & (this.slots.length - 1);
    this.slots[this.head] = item;
    this.count++;
  }

  /** The oldest item, without removing it. */
  peek(): T | undefined {
    return this.count === 0 ? undefined : this.slots[this.head];
  }

  /** The item `index` places from the front (0 is the oldest), without removing it. */
  at(index: number): T | undefined {
    return index < 0 || index >= this.count ? undefined : this.slots[(this.head + index) & (this.slots.length - 1)];
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.slots[this.head];
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) & (this.slots.length - 1);
    this.count--;
    return item;
  }

  /** Removes every item and returns them, oldest first. */
  drain(): T[] {
    const all: T[] = [];
    while (this.count > 0) all.push(this.shift() as T);
    return all;
  }

  private grow(): void {
    // Capacity stays a power of two, so `& (length - 1)` wraps an index.
    const bigger: (T | undefined)[] = new Array(this.slots.length * 2);
    for (let i = 0; i < this.count; i++) bigger[i] = this.slots[(this.head + i) & (this.slots.length - 1)];
    this.slots = bigger;
    this.head = 0;
  }
}
