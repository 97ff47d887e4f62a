// The live page (GET / of --http, and --dashboard), as a person sees it: loaded in a real headless
// chromium while real consumers serve a real producer's payload, its DOM read once the figures
// move, and a screenshot kept (reports/live-page.png). Without chromium the browser tests are
// skipped and reported so (test/helpers/browser.ts).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, describeWithBrowser } from "../helpers/browser.js";
import { send } from "../helpers/http.js";
import { freePort, repoRoot, startConsumer, stopAll, waitUntil } from "../helpers/processes.js";
import { startProducer, type RunningProducer } from "../helpers/producer.js";

let browser: Browser | undefined;
afterEach(async () => {
  await browser?.close();
  browser = undefined;
  await stopAll();
});

/**
 * Two consumers that each hold a task 100 ms (20 tasks/s between them) and a payload that makes
 * 50 a second: the rates are non-zero within a second and the queue grows.
 */
async function producerUnderLoad(door: "--http" | "--dashboard", extra: readonly string[] = []): Promise<{ producer: RunningProducer; url: string; targets: string[] }> {
  const consumers = await Promise.all([startConsumer(), startConsumer()]);
  const port = await freePort();
  const targets = consumers.map((c) => `127.0.0.1:${c.port}`);
  const producer = startProducer([door, String(port), ...(door === "--http" ? ["--payload"] : []), "--sleep-ms", "100", "--interval", "0.02", "--stats-every", "0", ...extra, ...targets]);
  await waitUntil(() => producer.eventsNamed("live_page").length > 0, "the live page to open", 20_000);
  const { url } = producer.eventsNamed("live_page")[0]!;
  expect(url).toBe(`http://127.0.0.1:${port}/`);
  return { producer, url: url as string, targets };
}

/** Opens `url` in headless chromium; what the page asked for and any script error are kept. */
async function openPage(executablePath: string, url: string): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1100, height: 860 } });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on("request", (request) => requests.push(request.url()));
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  await page.goto(url);
  return { page, requests, errors };
}

/**
 * Waits, polling every 100 ms for at most 20 s, until `condition` (a JavaScript expression,
 * evaluated in the page: these tests are typed without the DOM's types) is true. Polled from
 * here with `page.evaluate`, not with `page.waitForFunction`: that evaluates its predicate with
 * `eval` inside the page, which the page's Content-Security-Policy rightly forbids (it passed only
 * when the condition held at the first look).
 */
async function until(page: Page, condition: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await page.evaluate(condition))) {
    if (Date.now() > deadline) throw new Error(`the page did not show, within 20 s: ${condition}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The expression for the number an element of the page shows. */
function value(id: string): string {
  return `Number(document.getElementById(${JSON.stringify(id)}).textContent)`;
}

/** The number in an element's text (`12.5` of "12.5"), read from the DOM. */
async function figure(page: Page, id: string): Promise<number> {
  const text = (await page.locator(`#${id}`).textContent()) ?? "";
  expect(text, `#${id}`).toMatch(/^\d+(\.\d+)?$/);
  return Number(text);
}

describeWithBrowser("the live page in a real browser", (executablePath) => {
  it("shows non-zero made and completed rates, the queue and each consumer after a few seconds of load", async () => {
    const { url, targets } = await producerUnderLoad("--http");
    const { page, requests, errors } = await openPage(executablePath, url);

    // Bounded poll in the page: the figures move, and the chart has a few seconds of them.
    await until(page, `${value("produced-rate")} > 0 && ${value("completed-rate")} > 0 && ${value("queue-depth")} > 0 &&
      (document.getElementById("made-line").getAttribute("points") || "").split(" ").length >= 4`);

    expect(await figure(page, "produced-rate")).toBeGreaterThan(10);
    expect(await figure(page, "completed-rate")).toBeGreaterThan(5);
    expect(await figure(page, "queue-depth")).toBeGreaterThan(0);
    expect(await figure(page, "in-flight")).toBeLessThanOrEqual(2);
    expect(await figure(page, "produced-total")).toBeGreaterThan(await figure(page, "succeeded-total"));
    expect(await page.locator("#status").textContent()).toBe("live");

    const rows = page.locator("#targets tr");
    expect(await rows.count()).toBe(2);
    for (const [i, target] of targets.entries()) {
      const cells = await rows.nth(i).locator("td").allTextContents();
      expect(cells[0]).toBe(target);
      expect(cells[1]).toBe("up");
      expect(cells[2]).toMatch(/^\d+ %$/);
      expect(cells[4]).toMatch(/^\d+(\.\d+)? ms$/); // p50: each call holds its consumer 100 ms
    }
    expect(await page.locator("#failures").textContent()).toBe("none so far");

    mkdirSync(join(repoRoot, "reports"), { recursive: true });
    const screenshot = join(repoRoot, "reports", "live-page.png");
    await page.screenshot({ path: screenshot, fullPage: true });

    // Nothing but the page and its stream, from the producer itself; no script error.
    expect(new Set(requests)).toEqual(new Set([url, `${url}events`]));
    expect(errors).toEqual([]);
  });

  it("lets the producer stop at once with the page open, and the page says it stopped", async () => {
    const { producer, url } = await producerUnderLoad("--http");
    const { page } = await openPage(executablePath, url);
    await until(page, `${value("produced-rate")} > 0`);

    const asked = Date.now();
    await producer.stop("SIGTERM", 15_000);
    expect(producer.eventsNamed("summary")).toHaveLength(1); // a graceful stop, not the SIGKILL fallback
    expect(Date.now() - asked).toBeLessThan(10_000);
    await until(page, `document.getElementById("status").textContent.startsWith("stopped")`);
  });

  it("is served by --dashboard too, for a producer with no --http", async () => {
    const { url } = await producerUnderLoad("--dashboard");
    const { page, errors } = await openPage(executablePath, url);
    await until(page, `${value("completed-rate")} > 0`);
    expect(await page.locator("#targets tr").count()).toBe(2);
    expect(errors).toEqual([]);
  });
});

describe("--dashboard", () => {
  it("takes no requests, serves the status pages, and does not keep a --tasks run going", async () => {
    const consumer = await startConsumer();
    const port = await freePort();
    const producer = startProducer(["--dashboard", String(port), "--tasks", "40", "--interval", "0.05", "--sleep-ms", "20", String(consumer.port)]);
    await waitUntil(() => producer.eventsNamed("live_page").length > 0, "the dashboard to open", 20_000);
    expect(producer.eventsNamed("live_page")[0]).toMatchObject({ door: "dashboard", url: `http://127.0.0.1:${port}/` });
    expect(producer.eventsNamed("front_door")).toEqual([]);

    expect(await send(port, "POST", "/rpc", "system ping")).toMatchObject({ status: 404, body: expect.stringMatching(/takes no requests/) });
    expect((await send(port, "GET", "/healthz")).status).toBe(200);
    expect((await send(port, "GET", "/")).headers["content-type"]).toBe("text/html; charset=utf-8");
    expect((await send(port, "GET", "/metrics")).body).toMatch(/^# HELP rpc_tasks_total/);

    const exit = await producer.exited(20_000);
    expect(exit.code).toBe(0);
    expect(producer.eventsNamed("summary")[0]).toMatchObject({ produced: 40, succeeded: 40 });
    expect(producer.eventsNamed("task_queued").every((e) => e.source === "payload")).toBe(true);
  });
});
