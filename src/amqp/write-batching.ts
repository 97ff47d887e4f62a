/**
 * One socket write per flush of amqplib's frame multiplexer, instead of one per frame.
 *
 * Why we reach into amqplib: its `Mux` (lib/mux.js, amqplib 2.3.x) collects the frames that the
 * channels wrote during a turn and, in one `setImmediate` callback (`_readIncoming`), hands them
 * to the socket one `socket.write` each. With `noDelay` (which we set: small frames must not wait
 * for Nagle) each write is a system call and a TCP segment that wakes the broker's reader. A
 * producer at a few hundred tasks a second often has several frames in one flush (one task's ack
 * after its confirm, another's answer, a third's nack), and on a virtual machine every write that
 * wakes another process is expensive. Corking the socket for the span of that one synchronous
 * call sends them in a single `writev`; uncorking at its end, in the same call, adds no delay:
 * nothing is held past the flush amqplib would have done anyway. amqplib offers no option for it.
 *
 * Fail safe: if amqplib's internals are not what this expects (another version), nothing is
 * changed and amqplib writes as it always did; the only loss is the saving.
 */
import type { Connection as AmqplibConnection } from "amqplib/callback_api";

/** The two internals used: the connection's `Mux` and the socket (a `net.Socket`, a Duplex). */
interface MuxInternals {
  _readIncoming: (this: unknown) => void;
}
interface CorkableStream {
  cork(): void;
  uncork(): void;
}

/**
 * Makes each flush of `raw`'s frame multiplexer one socket write. Returns false (and changes
 * nothing) when amqplib's internals are not the expected ones.
 */
export function batchFrameWrites(raw: AmqplibConnection): boolean {
  // The callback API's connection wraps the protocol connection as `.connection`; that one has
  // `muxer` (the Mux) and `stream` (the socket). Typed loosely on purpose: these are not API.
  const inner = (raw as unknown as { connection?: { muxer?: Partial<MuxInternals>; stream?: Partial<CorkableStream> } }).connection;
  const muxer = inner?.muxer;
  const stream = inner?.stream;
  if (muxer === undefined || stream === undefined) return false;
  const flush = muxer._readIncoming;
  if (typeof flush !== "function" || typeof stream.cork !== "function" || typeof stream.uncork !== "function") return false;
  const socket = stream as CorkableStream;
  muxer._readIncoming = function corkedFlush(this: unknown): void {
    socket.cork();
    try {
      flush.call(this);
    } finally {
      socket.uncork(); // same call: the frames leave now, in one writev
    }
  };
  return true;
}
