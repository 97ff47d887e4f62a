/**
 * A front door's accept loop, shared by `--listen` and `--http`: each client goes to `serve` (which
 * hands its exchange to the producer's scope), a failed accept (too many open files, …) is said and
 * the loop goes on, and the listener is closed when the intake is halted at shutdown.
 */
import { SocketError, type Operation } from "../../loop/index.js";
import type { Emit } from "../dispatch/events.js";

/** What a door listens with: a TCP `Listener` or an `HttpListener`. */
export interface DoorListener<C> {
  readonly address: string;
  accept(): Operation<C>;
  close(): void;
}

export function* acceptEach<C>(listener: DoorListener<C>, intake: string, emit: Emit, serve: (client: C) => void): Operation<void> {
  try {
    for (;;) {
      let client: C;
      try {
        client = yield* listener.accept();
      } catch (error) {
        if (!(error instanceof SocketError) || error.code === "ECLOSED") throw error;
        emit({ event: "front_door_error", intake, address: listener.address, error: error.message });
        continue;
      }
      serve(client);
    }
  } finally {
    listener.close();
  }
}
