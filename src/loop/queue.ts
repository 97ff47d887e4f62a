import type { Operation } from "./effect.js";
import { Fifo } from "./fifo.js";
import { keepShape, Wait } from "./wait.js";

/**
 * A FIFO queue between tasks. `put` waits while the queue is full, `get` waits while it is empty;
 * tasks waiting on either side are served in the order they began to wait. When an item is
 * there (or there is room) the operation completes without suspending at all.
 *
 * Nothing is lost to cancellation: a getter halted after an item was handed to it, but before
 * it ran, gives the item back to the front of the queue.
 *
 * `get()` and `put(item)` are lazy and re-runnable, like every operation: calling them only
 * describes the work; each `yield*` takes (or puts) one item then, and not before.
 *
 * @example
 * const tasks = new Queue<RpcTask>(1000);
 * yield* tasks.put(task);          // in the producer
 * const next = yield* tasks.get(); // in a worker
 */
export class Queue<T> {
  private readonly items = new Fifo<T>();
  // Waiters leave early by being marked gone; they are skipped when they reach the front.
  private readonly getters = new Fifo<GetWait<T>>();
  private readonly putters = new Fifo<PutWait<T>>();
  private getterCount = 0;
  /** @internal labels, made once: the resume path allocates as little as it can. */
  readonly getLabel: string;
  readonly putLabel: string;

  /** @param limit the most items it holds; `put` waits beyond that. Unbounded by default. */
  constructor(
    readonly limit = Infinity,
    name = "queue",
  ) {
    if (!(limit >= 1) || (limit !== Infinity && !Number.isInteger(limit))) {
      throw new RangeError(`Queue limit must be an integer >= 1 (or Infinity), got ${String(limit)}`);
    }
    this.getLabel = `${name}.get`;
    this.putLabel = `${name}.put`;
  }

  /** Items in the queue now (not counting waiting putters). */
  get size(): number {
    return this.items.length;
  }

  /** Tasks waiting in `get` now. */
  get waitingGetters(): number {
    return this.getterCount;
  }

  // get and put are the hottest operations of all: each call makes one `Wait` (wait.ts), which
  // is the operation, its iterator and the effect at once; it takes or offers only when run.

  /** Takes the oldest item, waiting while the queue is empty. */
  get(): Operation<T> {
    return new GetWait(this);
  }

  /** Adds an item at the back, waiting while the queue is full; with room, it completes without suspending. */
  put(item: T): Operation<void> {
    return new PutWait(this, item);
  }

  /** Adds an item if that needs no wait; returns whether it did. */
  offer(item: T): boolean {
    const getter = this.nextGetter();
    if (getter !== undefined) {
      getter.hand(item);
      return true;
    }
    if (this.items.length < this.limit) {
      this.items.push(item);
      return true;
    }
    return false;
  }

  /** Removes and returns the items (queued and waiting to be put) for which `predicate` holds. */
  removeWhere(predicate: (item: T) => boolean): T[] {
    const removed: T[] = [];
    for (const item of this.items.drain()) {
      if (predicate(item)) removed.push(item);
      else this.items.push(item);
    }
    for (const putter of this.putters.drain()) {
      if (putter.gone) continue;
      if (predicate(putter.item)) {
        removed.push(putter.item);
        putter.accept();
      } else {
        this.putters.push(putter);
      }
    }
    this.admitPutters();
    return removed;
  }

  /** @internal */
  addGetter(getter: GetWait<T>): void {
    this.getters.push(getter);
    this.getterCount++;
  }

  /** @internal a getter left (halted) before it was handed anything */
  dropGetter(getter: GetWait<T>): void {
    getter.gone = true;
    this.getterCount--;
  }

  /**
   * Puts an item at the front: the longest-waiting getter gets it at once, or it is the next one
   * out. It never waits, even when the queue is full: it is for an item that was in the queue
   * before (a retried task, an item a halted getter never received).
   */
  putFront(item: T): void {
    const getter = this.nextGetter();
    if (getter !== undefined) getter.hand(item);
    else this.items.unshift(item);
  }

  /** @internal */
  addPutter(putter: PutWait<T>): void {
    this.putters.push(putter);
  }

  private nextGetter(): GetWait<T> | undefined {
    for (let getter = this.getters.shift(); getter !== undefined; getter = this.getters.shift()) {
      if (!getter.gone) {
        this.getterCount--;
        return getter;
      }
    }
    return undefined;
  }

  /** @internal takes the oldest item now, if there is one (a getter's first step). */
  take(): T {
    const item = this.items.shift() as T;
    if (this.putters.length > 0) this.admitPutters();
    return item;
  }

  private admitPutters(): void {
    while (this.items.length < this.limit) {
      const putter = this.putters.shift();
      if (putter === undefined) return;
      if (putter.gone) continue;
      this.items.push(putter.item);
      putter.accept();
    }
  }
}

/** One run of `get`: takes an item at once if there is one, else waits in line for a `put`. */
class GetWait<T> extends Wait<T> {
  gone = false;
  private handedOver = false;
  private item: T | undefined;

  constructor(private readonly queue: Queue<T>) {
    super();
  }

  get label(): string {
    return this.queue.getLabel;
  }

  protected attempt(): boolean {
    if (this.queue.size === 0) return false;
    this.value = this.queue.take();
    return true;
  }

  start(): void {
    this.queue.addGetter(this);
  }

  hand(item: T): void {
    this.handedOver = true;
    this.item = item;
    this.task!.wake(this.token, item);
  }

  cancel(): void {
    if (this.handedOver) this.queue.putFront(this.item as T);
    else this.queue.dropGetter(this);
  }

  protected fresh(): GetWait<T> {
    return new GetWait(this.queue);
  }
}

/** One run of `put`: completes at once when there is room (or a getter waits), else waits for room. */
class PutWait<T> extends Wait<void> {
  gone = false;

  constructor(
    private readonly queue: Queue<T>,
    readonly item: T,
  ) {
    super();
  }

  get label(): string {
    return this.queue.putLabel;
  }

  protected attempt(): boolean {
    return this.queue.offer(this.item);
  }

  start(): void {
    this.queue.addPutter(this);
  }

  accept(): void {
    this.gone = true;
    this.task!.wake(this.token, undefined);
  }

  cancel(): void {
    this.gone = true; // if it was accepted already, the item is in the queue: nothing to undo
  }

  protected fresh(): PutWait<T> {
    return new PutWait(this.queue, this.item);
  }
}

// One object of each hot class, kept so that a full GC never drops their shapes (see keepShape).
keepShape(new GetWait(new Queue<unknown>()));
keepShape(new PutWait(new Queue<unknown>(), undefined));
