/** Where the consumers are: `PORT` (meaning 127.0.0.1:PORT) or `HOST:PORT`, and whether each is up. */

export class TargetError extends Error {
  override readonly name = "TargetError";
}

export interface TargetAddress {
  readonly host: string;
  readonly port: number;
  /** `host:port`, as logged (`[::1]:9000` for an IPv6 host). */
  readonly name: string;
}

/** Parses one target argument. @throws TargetError with a message that says what is allowed. */
export function parseTarget(text: string): TargetAddress {
  const match = /^(?:(\[[0-9a-fA-F:.]+\]|[^:\s[\]]+):)?(\d+)$/.exec(text);
  if (!match) {
    throw new TargetError(`bad target "${text}": expected PORT or HOST:PORT, like 9000 or 127.0.0.1:9000`);
  }
  const port = Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TargetError(`bad target "${text}": the port must be a number from 1 to 65535`);
  }
  const bracketed = match[1] ?? "127.0.0.1";
  const host = bracketed.startsWith("[") ? bracketed.slice(1, -1) : bracketed;
  return { host, port, name: `${bracketed}:${port}` };
}

/** Parses every target; the same target twice is refused (it would get two workers). */
export function parseTargets(texts: readonly string[]): TargetAddress[] {
  if (texts.length === 0) throw new TargetError("no target given: name at least one consumer, like 9000 or 127.0.0.1:9000");
  const targets = texts.map(parseTarget);
  const seen = new Set<string>();
  for (const target of targets) {
    if (seen.has(target.name)) throw new TargetError(`target ${target.name} is given twice`);
    seen.add(target.name);
  }
  return targets;
}
