// One socket write per flush of amqplib's frame multiplexer: the frames of a flush leave together,
// nothing is held past the flush, `flushSoon` flushes at the end of the turn, and an amqplib
// without the expected internals is left alone.
import { Writable } from "node:stream";
import type { Connection as AmqplibConnection } from "amqplib/callback_api";
import { describe, expect, it } from "vitest";
import { batchFrameWrites } from "../../src/amqp/write-batching.js";

/** A socket that records each write the way the kernel would see it: one entry per system call. */
class RecordingSocket extends Writable {
  readonly calls: string[][] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.calls.push([chunk.toString()]);
    done();
  }
  override _writev(chunks: { chunk: Buffer }[], done: (error?: Error | null) => void): void {
    this.calls.push(chunks.map(({ chunk }) => chunk.toString()));
    done();
  }
}

/** The shape of amqplib 2.3's callback connection: `.connection.muxer` and `.connection.stream`. */
function fakeConnection(frames: string[][]): { raw: AmqplibConnection; socket: RecordingSocket; flush: () => void } {
  const socket = new RecordingSocket();
  const muxer = {
    // As amqplib's Mux: every frame queued since the last flush, one `write` each.
    _readIncoming(): void {
      for (const frame of frames.shift() ?? []) socket.write(frame);
    },
  };
  const raw = { connection: { muxer, stream: socket } } as unknown as AmqplibConnection;
  return { raw, socket, flush: () => muxer._readIncoming() };
}

describe("batchFrameWrites", () => {
  it("sends the frames of one flush in one write, and each flush at its end", () => {
    const { raw, socket, flush } = fakeConnection([["ack 1", "publish 2", "ack 3"], ["publish 4"]]);
    expect(batchFrameWrites(raw).batched).toBe(true);
    flush();
    expect(socket.calls).toEqual([["ack 1", "publish 2", "ack 3"]]); // written before flush returned
    flush();
    expect(socket.calls).toEqual([["ack 1", "publish 2", "ack 3"], ["publish 4"]]);
    expect(socket.writableCorked).toBe(0);
  });

  it("flushSoon writes this turn's frames at its end, once however often it is asked", async () => {
    const frames = [["ack 1", "publish 2"]];
    const { raw, socket } = fakeConnection(frames);
    const flusher = batchFrameWrites(raw);
    flusher.flushSoon();
    flusher.flushSoon();
    expect(socket.calls).toEqual([]); // not within the step that wrote
    await new Promise<void>((resolve) => process.nextTick(resolve));
    expect(socket.calls).toEqual([["ack 1", "publish 2"]]);
    expect(frames).toEqual([]); // one flush, not two
  });

  it("uncorks even when a flush throws", () => {
    const socket = new RecordingSocket();
    const muxer = {
      _readIncoming(): void {
        socket.write("half");
        throw new Error("boom");
      },
    };
    const raw = { connection: { muxer, stream: socket } } as unknown as AmqplibConnection;
    batchFrameWrites(raw);
    expect(() => muxer._readIncoming()).toThrow("boom");
    expect(socket.writableCorked).toBe(0);
    expect(socket.calls).toEqual([["half"]]);
  });

  it("changes nothing when amqplib's internals are not the expected ones", () => {
    expect(batchFrameWrites({} as unknown as AmqplibConnection).batched).toBe(false);
    expect(batchFrameWrites({ connection: { muxer: {}, stream: new RecordingSocket() } } as unknown as AmqplibConnection).batched).toBe(false);
    const muxer = { _readIncoming: (): void => {} };
    const original = muxer._readIncoming;
    const flusher = batchFrameWrites({ connection: { muxer, stream: {} } } as unknown as AmqplibConnection);
    expect(flusher.batched).toBe(false);
    expect(muxer._readIncoming).toBe(original);
    expect(() => flusher.flushSoon()).not.toThrow(); // does nothing
  });
});
