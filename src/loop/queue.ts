import { DONE, success, type Effect, type Operation, type Resume, type Teardown } from "./effect.js";
import { Fifo } from "./fifo.js";

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
  /** `get()` has nothing to remember between runs: one shared operation serves every call. */
  private readonly getOp: Operation<T> = { [Symbol.iterator]: () => new GetWait(this) };
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

  // get and put are the hottest operations of all: each run is one plain object, both the
  // iterator of the `yield*` and the effect it may wait on, rather than a generator chain.

  /** Takes the oldest item, waiting while the queue is empty. */
  get(): Operation<T> {
    return this.getOp;
  }

  /** Adds an item at the back, waiting while the queue is full. */
  put(item: T): Operation<void> {
    return new QueuePut(this, item);
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

/** The iterator results of a run that completes without waiting, and of one that suspends. */
const PUT_DONE: IteratorResult<Effect<unknown>, void> = Object.freeze({ done: true, value: undefined });

/**
 * One run of `get`: the iterator of its `yield*` and, when the queue is empty, the effect it
 * waits on. Made per run, so it is a class with methods rather than an object of named closures
 * (which also spares tsx's per-closure `__name` calls).
 */
class GetWait<T> implements Iterator<Effect<unknown>, T, unknown>, Effect<T> {
  gone = false;
  private started = false;
  private resume: Resume<T> | undefined;
  /** Set when a `put` handed this getter an item it has not received yet. */
  private handedOver = false;
  private item: T | undefined;

  constructor(private readonly queue: Queue<T>) {}

  get label(): string {
    return this.queue.getLabel;
  }

  next(value?: unknown): IteratorResult<Effect<unknown>, T> {
    if (this.started) return { done: true, value: value as T };
    this.started = true;
    // An item is there: take it now, without suspending.
    if (this.queue.size > 0) return { done: true, value: this.queue.take() };
    return { done: false, value: this };
  }

  throw(error: unknown): IteratorResult<Effect<unknown>, T> {
    throw error;
  }

  return(value?: unknown): IteratorResult<Effect<unknown>, T> {
    return { done: true, value: value as T };
  }

  enter(resume: Resume<T>): Teardown {
    this.resume = resume;
    this.queue.addGetter(this);
    return () => this.cancel();
  }

  hand(item: T): void {
    this.handedOver = true;
    this.item = item;
    this.resume!(success(item));
  }

  private cancel(): void {
    if (this.handedOver) this.queue.putFront(this.item as T);
    else this.queue.dropGetter(this);
  }
}

/** `queue.put(item)`: the operation; each run is a fresh `PutWait`. */
class QueuePut<T> implements Operation<void> {
  constructor(
    private readonly queue: Queue<T>,
    private readonly item: T,
  ) {}

  [Symbol.iterator](): Iterator<Effect<unknown>, void, unknown> {
    return new PutWait(this.queue, this.item);
  }
}

/** One run of `put`: completes at once when there is room (or a getter), else waits for room. */
class PutWait<T> implements Iterator<Effect<unknown>, void, unknown>, Effect<void> {
  gone = false;
  private started = false;
  private resume: Resume<void> | undefined;

  constructor(
    private readonly queue: Queue<T>,
    readonly item: T,
  ) {}

  get label(): string {
    return this.queue.putLabel;
  }

  next(): IteratorResult<Effect<unknown>, void> {
    if (this.started) return PUT_DONE;
    this.started = true;
    if (this.queue.offer(this.item)) return PUT_DONE;
    return { done: false, value: this };
  }

  throw(error: unknown): IteratorResult<Effect<unknown>, void> {
    throw error;
  }

  return(): IteratorResult<Effect<unknown>, void> {
    return PUT_DONE;
  }

  enter(resume: Resume<void>): Teardown {
    this.resume = resume;
    this.queue.addPutter(this);
    return () => this.cancel();
  }

  accept(): void {
    this.gone = true;
    this.resume!(DONE);
  }

  private cancel(): void {
    this.gone = true; // if it was accepted already, the item is in the queue: nothing to undo
  }
}
