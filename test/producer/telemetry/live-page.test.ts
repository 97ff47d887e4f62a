// The live page is one self-contained document: nothing fetched from elsewhere, its inline
// script and style allowed by hash and nothing else, every element its script fills present.
// (test/e2e/live-page.test.ts loads it in a real browser.)
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { renderLivePage } from "../../../src/producer/telemetry/live-page.js";

const { html, contentSecurityPolicy } = renderLivePage();
const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
const hash = (text: string): string => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

describe("the live page", () => {
  it("is one HTML document with one inline style and one inline script", () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html.match(/<style/g)).toHaveLength(1);
    expect(html).not.toMatch(/<script[^>]*\ssrc=|<link[^>]*rel="stylesheet"|@import/);
  });

  it("names no other host: every link and the stream are relative to the page", () => {
    expect(html).not.toMatch(/https?:\/\/|["'(]\/\//);
    expect(script).toContain('new EventSource("events")');
    expect([...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1])).toEqual(["data:,", "stats", "events", "stats", "metrics", "healthz"]);
  });

  it("is served with a policy that allows exactly its own script and style, and connections to its own origin", () => {
    const directives = Object.fromEntries(contentSecurityPolicy.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1).join(" ")]));
    expect(directives).toMatchObject({
      "default-src": "'none'",
      "script-src": hash(script),
      "style-src": hash(style),
      "connect-src": "'self'",
    });
  });

  it("has every element its script fills in", () => {
    const used = new Set([...script.matchAll(/\b(?:el|text|line)\("([a-z-]+)"/g)].map((m) => m[1]!));
    expect(used.size).toBeGreaterThan(10);
    for (const id of used) expect(html, id).toContain(`id="${id}"`);
  });

  it("has a script that parses, and sets network text only as text", () => {
    expect(() => new Function(script)).not.toThrow();
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
  });
});
