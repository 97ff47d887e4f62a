import type { ProducerEvent } from "./events.js";

/** Told every event, in order, synchronously. */
export type ProducerListener = (event: ProducerEvent) => void;

/**
 * The producer's one stream of events. Dispatch emits into it and knows nothing of who listens;
 * the text and JSON logs, live stats, summary and report subscribe (src/producer/main.ts wires
 * them), and the JSON log is exactly its serialisation.
 */
export class ProducerEventStream {
  private listeners: ProducerListener[] = [];

  /** Adds a listener; returns the way to remove it. */
  subscribe(listener: ProducerListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Tells every listener, in the order they subscribed. Bound, so it can be passed on as is. */
  readonly emit = (event: ProducerEvent): void => {
    for (const listener of this.listeners) listener(event);
  };
}
