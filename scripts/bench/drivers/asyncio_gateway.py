"""Gateway "python" of the gateway benchmark (scripts/bench/gateway.ts): the same design as
native-gateway.ts with Python's asyncio (stdlib only): asyncio.start_server accepts line-protocol
clients, each request (to "\\n" or EOF, bounded in size and time) goes into one bounded
asyncio.Queue (full: answered `ERROR unavailable` at once), one worker per consumer makes the call
on a fresh connection (open_connection, write, read to EOF, bounded by a timeout), and the reply
goes back to the client unchanged. No retries, no logging.

    python3 scripts/bench/drivers/asyncio_gateway.py --listen 127.0.0.1:8000 --targets 127.0.0.1:9000,127.0.0.1:9001

Prints `listening on HOST:PORT` once it accepts; SIGTERM/SIGINT stop it.
"""

import argparse
import asyncio
import signal


def address(text):
    host, _, port = text.rpartition(":")
    return host, int(port)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--listen", default="127.0.0.1:0")
    parser.add_argument("--targets", required=True, help="HOST:PORT[,HOST:PORT...]")
    parser.add_argument("--queue-limit", type=int, default=1000)
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--read-timeout", type=float, default=2.0)
    parser.add_argument("--max-request-bytes", type=int, default=64 * 1024)
    return parser.parse_args()


async def call(host, port, line, timeout):
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(host, port)
            try:
                writer.write(line)
                data = await reader.read()  # to EOF
            finally:
                writer.close()
    except Exception as error:  # noqa: BLE001 - every failure becomes the client's answer
        return f"ERROR unavailable: {type(error).__name__}: {error}\n".encode()
    return data or f"ERROR unavailable: {host}:{port} closed without a reply\n".encode()


async def worker(queue, host, port, timeout):
    while True:
        line, future = await queue.get()
        reply = await call(host, port, line, timeout)
        if not future.done():
            future.set_result(reply)


async def main():
    args = parse_args()
    queue = asyncio.Queue(maxsize=args.queue_limit)

    async def serve(reader, writer):
        try:
            try:
                async with asyncio.timeout(args.read_timeout):
                    line = await reader.readuntil(b"\n")
            except asyncio.IncompleteReadError as partial:
                line = partial.partial  # half-close without a newline
            except asyncio.LimitOverrunError:
                writer.write(b"ERROR too_large: request too long\n")
                return
            except TimeoutError:
                writer.write(b"ERROR timeout: no complete request\n")
                return
            if not line:
                return
            future = asyncio.get_running_loop().create_future()
            try:
                queue.put_nowait((line if line.endswith(b"\n") else line + b"\n", future))
            except asyncio.QueueFull:
                writer.write(f"ERROR unavailable: queue full ({args.queue_limit} tasks waiting)\n".encode())
                return
            writer.write(await future)
        except ConnectionError:
            pass
        finally:
            writer.close()

    for target in args.targets.split(","):
        host, port = address(target)
        asyncio.get_running_loop().create_task(worker(queue, host, port, args.timeout))
    host, port = address(args.listen)
    server = await asyncio.start_server(serve, host, port, limit=args.max_request_bytes, backlog=511)
    bound = server.sockets[0].getsockname()
    print(f"listening on {bound[0]}:{bound[1]}", flush=True)
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
