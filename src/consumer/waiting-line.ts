// The clients waiting their turn at the blocking consumer, oldest first. A plain array would
// make `shift` O(n), and a flood of 4,000 connections O(n²); the consumer's own small line keeps
// it off the loop's internals (it is not a program on the loop).

/** A first-in first-out line: `push` at the back, `shift` from the front, amortised O(1). */
export class WaitingLine<T> {
  private items: (T | undefined)[] = [];
  /** Index of the oldest item; the slots before it are spent. */
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** The oldest item, removed; `undefined` when the line is empty. */
  shift(): T | undefined {
    if (this.head === this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined; // let it be collected
    // Drop the spent slots once they are half the array: each item is copied O(1) times on average.
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Removes every item and returns them, oldest first. */
  drain(): T[] {
    const all = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return all;
  }
}
