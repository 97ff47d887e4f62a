// A start-up check for programs that name hosts on their command line: a host that does not
// resolve is bad usage (exit 2, said at once), not a failure to find 30 s into the run.

import { lookup } from "node:dns";

/** A host that did not resolve, and the resolver's code (`ENOTFOUND`, `EAI_AGAIN` …). */
export interface UnresolvedHost {
  readonly host: string;
  readonly code: string;
}

/**
 * Looks every host up at once and calls `done` once: with the first of `hosts` (in their order)
 * that does not resolve, or with `undefined` when all do. IP addresses resolve to themselves.
 */
export function findUnresolvedHost(hosts: readonly string[], done: (unresolved: UnresolvedHost | undefined) => void): void {
  const outcomes: (UnresolvedHost | null | undefined)[] = hosts.map(() => undefined);
  let pending = hosts.length;
  if (pending === 0) return done(undefined);
  hosts.forEach((host, i) => {
    lookup(host, (error) => {
      outcomes[i] = error ? { host, code: error.code ?? error.message } : null;
      if (--pending === 0) done(outcomes.find((o): o is UnresolvedHost => o !== null && o !== undefined));
    });
  });
}
