import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { type Browser, type BrowserContext, chromium, type Page, type Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalStack, startLocalStack } from "#local/local-stack.ts";
import { formatShare } from "#web/format.ts";
import {
  BOARD_READY_AT,
  COLUMN_BOXES,
  canvasInk,
  chartsIn,
  DOM_READY_AT,
  FOCUS_OUTLINE,
  LOW_CONTRAST_TEXT,
  SETTLED,
  UNLABELLED_CONTROLS,
} from "./page-probes.ts";
import { startUserPoolStandIn, type UserPoolStandIn } from "./user-pool-stand-in.ts";

/**
 * The leadership page in a real browser (Debian's chromium, driven by playwright-core) against the
 * local stack this test starts with the sample data: signing in, the board's three lists as the API
 * gives them, approving and overriding from the page and finding both in the audit trail through the
 * API, a segment's detail and charts, the keyboard and contrast, a tablet's screen, answers that
 * arrive late (held back by the test), a decision button pressed twice, a kept token the API refuses,
 * and signing in and out through a stand-in for the user pool (authorization code with PKCE). It
 * measures the page's weight and its time to an interactive board, prints both and writes them with
 * screenshots to test-artifacts/.
 */

/** Debian's chromium; SEGFOCUS_CHROMIUM names another build of Chromium. */
const CHROMIUM = process.env.SEGFOCUS_CHROMIUM || "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `\n[browser tests] SKIPPED: ${CHROMIUM} does not exist, so the leadership page is not tested in a browser. Fix: install Debian's chromium: apt-get install -y chromium\n`,
  );
}

const ARTIFACTS = resolve("test-artifacts");
/** Small enough to start in seconds; in it the category board has segments to say yes and no to (every channel is repairable). */
const SAMPLE_ROWS = 20_000;
const SCHEME = "category";
const LAPTOP = { width: 1366, height: 900 };
const TABLET = { width: 820, height: 1180 };
/** Navigations to the board measured once signed in; their median is the figure. */
const NAVIGATIONS = 5;
const RATIONALE = "Retail chains renegotiate terms in Q1; reprice before walking away.";

interface BoardItemAnswer {
  readonly id: string;
  readonly decision: string;
  readonly values: Record<string, string>;
}
interface AccuracyFiguresAnswer {
  readonly wape: number | null;
  readonly mase: number | null;
}
interface ForecastAccuracyAnswer {
  readonly summary: string;
  readonly accuracy: {
    readonly chosen: string;
    readonly methods: Record<string, { revenue: AccuracyFiguresAnswer; profit: AccuracyFiguresAnswer }>;
    readonly fittedBeats: Record<
      "trailingYearNaive" | "seasonalNaive",
      { segments: number; ofSegments: number; cutoffs: number; ofCutoffs: number }
    >;
  } | null;
}
interface SchemeAnswer {
  readonly id: string;
  readonly segmentCount: number;
}
/** Requests of the page the test holds back, to answer them when it chooses: late. */
interface HeldRequests {
  /** Resolves once as many requests as expected are held. */
  readonly arrived: Promise<void>;
  /** Lets them through to the API, and waits until the page has taken the answers. */
  release(): Promise<void>;
  /** Answers them with a 503 of the API, and waits until the page has taken it. */
  fail(): Promise<void>;
}
interface AuditEntry {
  readonly by: string;
  readonly action: string;
  readonly from: string;
  readonly to: string;
  readonly rationale?: string;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

describe.skipIf(!hasChromium)("the leadership page, in chromium, on the local stack", () => {
  let stack: LocalStack;
  let dataDir: string;
  let browser: Browser;
  let page: Page;
  const figures: Record<string, unknown> = {};
  /** The first card of each list as the API answers it, decided on by the tests below. */
  const decided: { approved?: BoardItemAnswer; overridden?: BoardItemAnswer } = {};

  async function api<T>(path: string): Promise<T> {
    const response = await fetch(`${stack.url}${path}`, {
      headers: { authorization: `Bearer ${stack.tokens.leader}` },
    });
    expect(response.status, path).toBe(200);
    return (await response.json()) as T;
  }

  async function boardReady(): Promise<void> {
    await page.locator('body[data-ready="true"]').waitFor();
  }

  async function showScheme(schemeId: string): Promise<void> {
    await page.getByLabel("Segment scheme").selectOption(schemeId);
    await boardReady();
  }

  /** The segment ids each column shows, in order. */
  async function columnIds(): Promise<Record<string, string[]>> {
    const shown: Record<string, string[]> = {};
    for (const list of ["yes", "fix", "no"]) {
      shown[list] = await page
        .locator(`.column[data-list="${list}"] .card`)
        .evaluateAll((cards) => cards.map((card) => card.getAttribute("data-segment-id") ?? ""));
    }
    return shown;
  }

  /** The first page of each list of a scheme's board, as the API answers it. */
  async function firstPages(schemeId: string): Promise<Record<string, string[]>> {
    const lists: Record<string, string[]> = {};
    for (const list of ["yes", "fix", "no"]) {
      const answer = await api<{ items: BoardItemAnswer[] }>(
        `/schemes/${schemeId}/decisions?list=${list}&limit=25`,
      );
      lists[list] = answer.items.map((item) => item.id);
    }
    return lists;
  }

  /** Holds back the page's next `count` requests that `matches` until the test releases them. */
  async function hold(count: number, matches: (url: URL, method: string) => boolean): Promise<HeldRequests> {
    const held: Route[] = [];
    let allArrived: () => void = () => {};
    const arrived = new Promise<void>((resolve) => {
      allArrived = resolve;
    });
    const handler = async (route: Route) => {
      if (held.length >= count || !matches(new URL(route.request().url()), route.request().method())) {
        await route.fallback();
        return;
      }
      held.push(route);
      if (held.length === count) allArrived();
    };
    await page.route("**/*", handler);
    const answer = async (send: (route: Route) => Promise<void>) => {
      const finished = held.map((route) =>
        page.waitForEvent("requestfinished", (request) => request === route.request()),
      );
      // Answered before the handler goes: without any route, the browser lets held requests through.
      await Promise.all(held.map(send));
      await page.unroute("**/*", handler);
      await Promise.all(finished);
      await page.evaluate(SETTLED);
    };
    return {
      arrived,
      release: () => answer((route) => route.continue()),
      fail: () =>
        answer((route) =>
          route.fulfill({
            status: 503,
            contentType: "application/json",
            body: JSON.stringify({ error: { code: "UNAVAILABLE", message: "the store timed out" } }),
          }),
        ),
    };
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "segfocus-browser-"));
    [stack, browser] = await Promise.all([
      startLocalStack({ port: 0, dataDir, sample: true, sampleRows: SAMPLE_ROWS }),
      chromium.launch({
        executablePath: CHROMIUM,
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-quic",
          "--no-first-run",
          "--disable-sync",
        ],
      }),
    ]);
    page = await browser.newPage({ viewport: LAPTOP });
    page.setDefaultTimeout(15_000);
    await mkdir(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    if (Object.keys(figures).length > 0) {
      await writeFile(join(ARTIFACTS, "page-figures.json"), `${JSON.stringify(figures, null, 2)}\n`);
    }
  });

  it("serves the page from the API, its sign-in pre-filled with the local leader token, and weighs it", async () => {
    const bodies = new Map<
      string,
      { type: string; bytes: Buffer; transferred: number; encoding: string | undefined }
    >();
    const pending: Promise<void>[] = [];
    page.on("response", (response) => {
      const type = response.request().resourceType();
      if (!["document", "script", "stylesheet"].includes(type)) return;
      pending.push(
        Promise.all([response.body(), response.request().sizes()]).then(([bytes, sizes]) => {
          bodies.set(new URL(response.url()).pathname, {
            type,
            bytes,
            transferred: sizes.responseBodySize,
            encoding: response.headers()["content-encoding"],
          });
        }),
      );
    });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });

    expect(stack.pageUrl).toBe(`${stack.url}/`);
    await page.goto(stack.pageUrl as string);
    const token = page.getByLabel("Access token");
    await expect.poll(() => token.inputValue()).toBe(stack.tokens.leader);
    expect(await page.locator("#token-hint").textContent()).toMatch(
      /pre-filled with the local leader token/i,
    );
    expect(await page.getByRole("button", { name: "Sign out" }).isVisible()).toBe(false);
    expect(await page.locator("#app").isVisible()).toBe(false);
    await Promise.all(pending);

    const files = [...bodies].map(([path, { type, bytes, transferred, encoding }]) => ({
      path,
      type,
      bytes: bytes.byteLength,
      gzipBytes: gzipSync(bytes).byteLength,
      transferredBytes: transferred,
      encoding: encoding ?? "identity",
    }));
    expect(files.map((file) => file.type).sort()).toEqual(["document", "script", "stylesheet"]);
    // The script and the stylesheet travel gzip-compressed, as the API sends them to a browser.
    for (const file of files.filter((candidate) => candidate.type !== "document")) {
      expect(file.encoding, file.path).toBe("gzip");
      expect(file.transferredBytes, file.path).toBeLessThan(file.bytes / 2);
    }
    expect(files.every((file) => file.path === "/" || file.path.startsWith("/assets/app-"))).toBe(true);
    figures.pageWeight = {
      files,
      bytes: files.reduce((sum, file) => sum + file.bytes, 0),
      gzipBytes: files.reduce((sum, file) => sum + file.gzipBytes, 0),
      transferredBytes: files.reduce((sum, file) => sum + file.transferredBytes, 0),
      note: "HTML + JS + CSS; gzipBytes by zlib in the test, transferredBytes as the browser received them (the API sends the script and stylesheet gzip-compressed, the page itself as is)",
    };
    figures.signInFormReadyMs = Math.round((await page.evaluate<number | null>(DOM_READY_AT)) ?? Number.NaN);
    expect(errors).toEqual([]);
  });

  it("signs in and shows the say-yes, fix and say-no columns as the API lists them", async () => {
    const clickedAt = await page.evaluate<number>("performance.now()");
    await page.getByRole("button", { name: "Sign in" }).click();
    await boardReady();
    figures.boardReadyAfterSignInMs = Math.round(
      ((await page.evaluate<number | null>(BOARD_READY_AT)) ?? Number.NaN) - clickedAt,
    );
    await page.getByLabel("Segment scheme").selectOption(SCHEME);
    await boardReady();
    expect(page.url()).toContain(`#scheme=${SCHEME}`);

    const shown: Record<string, string[]> = {};
    for (const list of ["yes", "fix", "no"] as const) {
      const answer = await api<{ items: BoardItemAnswer[] }>(
        `/schemes/${SCHEME}/decisions?list=${list}&limit=25`,
      );
      shown[list] = await page
        .locator(`.column[data-list="${list}"] .card`)
        .evaluateAll((cards) => cards.map((card) => card.getAttribute("data-segment-id") ?? ""));
      expect(shown[list], `the ${list} column`).toEqual(answer.items.map((item) => item.id));
      if (list === "yes") decided.approved = answer.items[0];
      if (list === "no") decided.overridden = answer.items[0];
    }
    expect(shown.yes?.length).toBeGreaterThan(0);
    expect(shown.no?.length).toBeGreaterThan(0);
    expect(await page.locator(".column h3").allTextContents()).toEqual([
      expect.stringMatching(/^Say yes/),
      expect.stringMatching(/^Fix/),
      expect.stringMatching(/^Say no/),
    ]);
    const first = page.locator(`.card[data-segment-id="${decided.approved?.id}"]`);
    await expect.poll(() => first.getAttribute("data-state")).toBe("recommended");
    expect(await first.textContent()).toMatch(/Focus.*Profit.*Margin/);
  });

  it("approves one recommendation and overrides another with a rationale, both in the audit trail", async () => {
    const approved = decided.approved as BoardItemAnswer;
    const overridden = decided.overridden as BoardItemAnswer;

    await page.getByRole("button", { name: `Approve ${approved.id}`, exact: true }).click();
    const approvedCard = page.locator(`.card[data-segment-id="${approved.id}"]`);
    await expect.poll(() => approvedCard.getAttribute("data-state")).toBe("approved");
    expect(await page.locator("#status").textContent()).toContain(`Approved ${approved.id}`);

    await page.getByRole("button", { name: `Override ${overridden.id}`, exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Override the recommendation" });
    await dialog.waitFor();
    await dialog.getByLabel("Decision instead").selectOption("fix");
    await dialog.getByLabel("Rationale").fill("too short");
    await dialog.getByRole("button", { name: "Override", exact: true }).click();
    expect(await dialog.getByRole("alert").textContent()).toContain("at least 10 characters");
    await dialog.getByLabel("Rationale").fill(RATIONALE);
    await dialog.getByRole("button", { name: "Override", exact: true }).click();
    const overriddenCard = page.locator(`.card[data-segment-id="${overridden.id}"]`);
    await expect.poll(() => overriddenCard.getAttribute("data-state")).toBe("overridden");
    expect(await overriddenCard.textContent()).toContain(RATIONALE);

    const approvals = await api<{ items: AuditEntry[] }>(
      `/schemes/${SCHEME}/segments/${encodeURIComponent(approved.id)}/decision-history`,
    );
    expect(approvals.items).toEqual([
      expect.objectContaining({
        by: "leader",
        action: "approve",
        from: approved.decision,
        to: approved.decision,
      }),
    ]);
    const overrides = await api<{ items: AuditEntry[] }>(
      `/schemes/${SCHEME}/segments/${encodeURIComponent(overridden.id)}/decision-history`,
    );
    expect(overrides.items).toEqual([
      expect.objectContaining({
        by: "leader",
        action: "override",
        from: overridden.decision,
        to: "fix",
        rationale: RATIONALE,
      }),
    ]);
  });

  it("records a decision once however quickly its button is pressed again, and frees the card's buttons when it fails", async () => {
    // Two cards of the board not decided on above.
    const lists = await Promise.all(
      ["yes", "fix", "no"].map((list) =>
        api<{ items: BoardItemAnswer[] }>(`/schemes/${SCHEME}/decisions?list=${list}&limit=25`),
      ),
    );
    const [approved, overridden] = lists
      .flatMap((list) => list.items)
      .filter((item) => item.id !== decided.approved?.id && item.id !== decided.overridden?.id);
    if (!approved || !overridden) throw new Error(`the ${SCHEME} board needs four segments`);
    const isDecision = (url: URL, method: string) => method === "POST" && url.pathname.endsWith("/decision");
    const posted: string[] = [];
    const countPosts = (request: { url(): string; method(): string }) => {
      if (isDecision(new URL(request.url()), request.method())) posted.push(request.url());
    };
    page.on("request", countPosts);
    const history = async (segmentId: string) =>
      (
        await api<{ items: AuditEntry[] }>(
          `/schemes/${SCHEME}/segments/${encodeURIComponent(segmentId)}/decision-history`,
        )
      ).items;

    // Held and then failed: the card's buttons are disabled while it is on its way, enabled after.
    const approve = page.getByRole("button", { name: `Approve ${approved.id}`, exact: true });
    const override = page.getByRole("button", { name: `Override ${approved.id}`, exact: true });
    const failing = await hold(1, isDecision);
    await approve.dblclick();
    await failing.arrived;
    expect(await approve.isDisabled()).toBe(true);
    expect(await override.isDisabled()).toBe(true);
    await failing.fail();
    expect(await approve.isEnabled()).toBe(true);
    expect(await override.isEnabled()).toBe(true);
    expect(await page.locator("#status").textContent()).toContain(`Could not approve ${approved.id}`);
    expect(posted).toHaveLength(1);

    await approve.dblclick();
    const approvedCard = page.locator(`.card[data-segment-id="${approved.id}"]`);
    await expect.poll(() => approvedCard.getAttribute("data-state")).toBe("approved");
    expect(posted).toHaveLength(2);
    expect((await history(approved.id)).map((entry) => entry.action)).toEqual(["approve"]);

    await page.getByRole("button", { name: `Override ${overridden.id}`, exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Override the recommendation" });
    await dialog.getByLabel("Decision instead").selectOption({ index: 0 });
    await dialog.getByLabel("Rationale").fill(RATIONALE);
    const submit = dialog.getByRole("button", { name: "Override", exact: true });
    const held = await hold(1, isDecision);
    await submit.dblclick();
    await held.arrived;
    expect(await submit.isDisabled()).toBe(true);
    await held.release();
    await dialog.waitFor({ state: "hidden" });
    const overriddenCard = page.locator(`.card[data-segment-id="${overridden.id}"]`);
    await expect.poll(() => overriddenCard.getAttribute("data-state")).toBe("overridden");
    expect(await page.locator("#override-submit").isEnabled(), "the dialog's Override, for the next").toBe(
      true,
    );
    expect(posted).toHaveLength(3);
    expect((await history(overridden.id)).map((entry) => entry.action)).toEqual(["override"]);
    page.off("request", countPosts);
  });

  it("draws the scheme's whale curve and profitability × growth matrix", async () => {
    await page.locator('body[data-charts-ready="true"]').waitFor();
    for (const id of ["whale-chart", "matrix-chart"]) {
      expect(await page.evaluate<number>(canvasInk(id)), id).toBeGreaterThan(1000);
    }
    expect(await page.locator("#whale-caption").textContent()).toMatch(/Profit peaks at .* lose money\./);
  });

  it("shows how well the scheme's projection forecast last year, with the API's own figures", async () => {
    const { accuracy, summary } = await api<ForecastAccuracyAnswer>(`/schemes/${SCHEME}/forecast-accuracy`);
    expect(accuracy, "the sample's 36 months leave cut-offs to backtest").not.toBeNull();
    const panel = page.locator('#accuracy-panel[data-accuracy="measured"]');
    await panel.waitFor();
    expect(await panel.locator(".accuracy-verdict").textContent()).toBe(summary);
    const rows = panel.locator("tbody tr");
    expect(await rows.evaluateAll((all) => all.map((row) => row.getAttribute("data-method")))).toEqual([
      "fitted",
      "trailing-year-naive",
      "seasonal-naive",
    ]);
    const fitted = accuracy?.methods.fitted;
    const ratio = (value: number | null | undefined) => (typeof value === "number" ? value.toFixed(2) : "–");
    expect(await rows.nth(0).locator("td").allTextContents()).toEqual([
      formatShare(fitted?.revenue.wape ?? null),
      ratio(fitted?.revenue.mase),
      formatShare(fitted?.profit.wape ?? null),
      ratio(fitted?.profit.mase),
      "–",
    ]);
    const beat = accuracy?.fittedBeats.trailingYearNaive;
    expect(await rows.nth(1).locator("td").last().textContent()).toBe(
      `${beat?.segments.toLocaleString("en-US")} of ${beat?.ofSegments.toLocaleString("en-US")} segments, ${beat?.cutoffs} of ${beat?.ofCutoffs} cut-offs`,
    );
    expect(await panel.locator('tr[data-chosen="true"]').getAttribute("data-method")).toBe(accuracy?.chosen);
    await panel.locator('tr[data-chosen="true"] .accuracy-chosen').waitFor();
  });

  it("opens a segment with its scores, reasons, charts and audit trail", async () => {
    const overridden = decided.overridden as BoardItemAnswer;
    await page.getByRole("button", { name: `Open ${overridden.id}`, exact: true }).click();
    const detail = page.locator('#detail-dialog[data-ready="true"]');
    await detail.waitFor();
    expect(await page.locator("#detail-title").textContent()).toBe(overridden.id);
    for (const heading of ["Why", "Metrics", "Projection", "Cost-to-serve", "Audit trail"]) {
      await detail.getByRole("heading", { name: heading, exact: true }).waitFor();
    }
    expect(await detail.locator(".score-table caption").allTextContents()).toEqual([
      expect.stringMatching(/^Profitability /),
      expect.stringMatching(/^Growth /),
      expect.stringMatching(/^Defensibility /),
    ]);
    for (const id of ["detail-history", "detail-projection", "detail-costs"]) {
      expect(await page.evaluate<number>(canvasInk(id)), id).toBeGreaterThan(1000);
    }
    const audit = await detail.locator("table.audit tbody tr").allTextContents();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toContain("leader");
    expect(audit[0]).toContain(RATIONALE);
    expect(audit[0]).toMatch(/Decline → Fix/);
    await page.screenshot({ path: join(ARTIFACTS, "segment-detail.png") });
    await page.keyboard.press("Escape");
    await page.locator("#detail-dialog:not([open])").waitFor({ state: "attached" });
  });

  it("can be worked from the keyboard, with every control labelled and text at 4.5:1 contrast or more", async () => {
    expect(await page.evaluate<string[]>(UNLABELLED_CONTROLS)).toEqual([]);
    const contrast = await page.evaluate<{ checked: number; failures: unknown[] }>(LOW_CONTRAST_TEXT);
    expect(contrast.checked).toBeGreaterThan(50);
    expect(contrast.failures).toEqual([]);

    await page.getByLabel("Segment scheme").focus();
    let reached: { tag: string; label: string; outline: string } | undefined;
    for (let presses = 0; presses < 40 && !reached; presses++) {
      await page.keyboard.press("Tab");
      const focused = await page.evaluate<{ tag: string; label: string; outline: string }>(FOCUS_OUTLINE);
      if (focused.tag === "button" && focused.label.startsWith("Approve ")) reached = focused;
    }
    expect(reached, "an Approve button is reached with Tab").toBeDefined();
    expect(reached?.outline).not.toBe("none");
  });

  it("reaches an interactive board within a navigation, and looks right on a laptop and a tablet", async () => {
    // Signed in: the token is in the tab's sessionStorage, so a navigation goes straight to the board.
    const runs: number[] = [];
    for (let run = 0; run < NAVIGATIONS; run++) {
      await page.reload();
      await boardReady();
      runs.push(Math.round((await page.evaluate<number | null>(BOARD_READY_AT)) ?? Number.NaN));
    }
    figures.boardReadyOnNavigationMs = { median: median(runs), runs };
    await page.locator('body[data-charts-ready="true"]').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, "board.png"), fullPage: true });
    const laptop = await page.evaluate<Array<{ x: number; y: number }>>(COLUMN_BOXES);
    expect(new Set(laptop.map((box) => box.y)).size, "side by side on a laptop").toBe(1);

    await page.setViewportSize(TABLET);
    const tablet = await page.evaluate<Array<{ x: number; y: number }>>(COLUMN_BOXES);
    expect(new Set(tablet.map((box) => box.x)).size, "stacked on a tablet").toBe(1);
    expect(tablet.map((box) => box.y)).toEqual([...tablet.map((box) => box.y)].sort((a, b) => a - b));
    await page.screenshot({ path: join(ARTIFACTS, "board-tablet.png") });

    figures.sampleRows = SAMPLE_ROWS;
    figures.measuredAt = new Date().toISOString();
    const weight = figures.pageWeight as { bytes: number; gzipBytes: number; transferredBytes: number };
    process.stdout.write(
      [
        "",
        "Leadership page figures (local stack, chromium headless):",
        `  page weight (HTML + JS + CSS)       ${weight.bytes.toLocaleString("en-US")} bytes, ${weight.gzipBytes.toLocaleString("en-US")} bytes gzip, ${weight.transferredBytes.toLocaleString("en-US")} bytes transferred`,
        `  sign-in form ready (DOMContentLoaded) ${figures.signInFormReadyMs} ms after navigation`,
        `  board interactive after sign-in     ${figures.boardReadyAfterSignInMs} ms after the click`,
        `  board interactive, signed in        ${median(runs)} ms after navigation (median of ${runs.join(", ")})`,
        `  written to ${join(ARTIFACTS, "page-figures.json")}, screenshots board.png and board-tablet.png`,
        "",
      ].join("\n"),
    );
    expect(median(runs)).toBeGreaterThan(0);
  });

  describe("answers that arrive late", () => {
    /** The scheme with the most segments: its lists run to several pages. */
    let big: SchemeAnswer;

    beforeAll(async () => {
      await page.setViewportSize(LAPTOP);
      const { schemes } = await api<{ schemes: SchemeAnswer[] }>("/schemes");
      big = [...schemes].sort((a, b) => b.segmentCount - a.segmentCount)[0] as SchemeAnswer;
      expect(big.id).not.toBe(SCHEME);
    });

    it("drops a page of Show more that answers after the scheme changed", async () => {
      await showScheme(big.id);
      const more = await hold(1, (url) => url.searchParams.has("cursor"));
      await page.locator("#columns button.more").first().click();
      await more.arrived;
      await showScheme(SCHEME);
      await more.release();
      expect(await columnIds()).toEqual(await firstPages(SCHEME));
    });

    it("does not report a board that failed after the scheme changed over the board now shown", async () => {
      const board = await hold(3, (url) => url.pathname === `/schemes/${big.id}/decisions`);
      await page.getByLabel("Segment scheme").selectOption(big.id);
      await board.arrived;
      await showScheme(SCHEME);
      await board.fail();
      expect(await page.locator("#status").textContent()).toBe("");
      expect(await columnIds()).toEqual(await firstPages(SCHEME));
    });

    it("marks an approval answered after the scheme changed on the board it was made on, not the next", async () => {
      const card = page.locator('#columns .card[data-state="recommended"]').first();
      const segmentId = (await card.getAttribute("data-segment-id")) as string;
      const decision = await hold(
        1,
        (url, method) => method === "POST" && url.pathname.endsWith("/decision"),
      );
      const shownBefore = await columnIds();
      const emptyBefore = await page.locator("#columns .empty").count();
      await page.getByRole("button", { name: `Approve ${segmentId}`, exact: true }).click();
      await decision.arrived;
      const board = await hold(3, (url) => url.pathname === `/schemes/${big.id}/decisions`);
      await page.getByLabel("Segment scheme").selectOption(big.id);
      await board.arrived;
      await decision.release();
      // The board still shown is the one the card was approved on; the next scheme's is not drawn yet.
      const approved = page.locator(`#columns .card[data-segment-id="${segmentId}"]`);
      expect(await approved.getAttribute("data-state")).toBe("approved");
      expect(await columnIds()).toEqual(shownBefore);
      expect(await page.locator("#columns .empty").count()).toBe(emptyBefore);
      await board.release();
      await boardReady();
      expect(await columnIds()).toEqual(await firstPages(big.id));
      const trail = await api<{ items: AuditEntry[] }>(
        `/schemes/${SCHEME}/segments/${encodeURIComponent(segmentId)}/decision-history`,
      );
      expect(trail.items).toEqual([expect.objectContaining({ action: "approve" })]);
      await showScheme(SCHEME);
    });

    it("shows the segment opened last whatever order the details answer in, and no chart outlives the dialog", async () => {
      // Two cards of the board, from whichever lists hold them.
      const lists = await Promise.all(
        ["yes", "fix", "no"].map((list) =>
          api<{ items: BoardItemAnswer[] }>(`/schemes/${SCHEME}/decisions?list=${list}&limit=2`),
        ),
      );
      const [first, second] = lists.flatMap((list) => list.items) as [BoardItemAnswer, BoardItemAnswer];
      const isFirst = (url: URL) =>
        url.pathname.startsWith(`/schemes/${SCHEME}/segments/${encodeURIComponent(first.id)}`);
      const dialog = page.locator("#detail-dialog");
      const lead = dialog.locator(".detail-lead");
      const valuesOf = (item: BoardItemAnswer) =>
        Object.entries(item.values)
          .map(([dimension, value]) => `${dimension}: ${value}`)
          .join(" · ");

      // The first segment answers only after the second was opened and drawn.
      const slow = await hold(4, isFirst);
      await page.getByRole("button", { name: `Open ${first.id}`, exact: true }).click();
      await slow.arrived;
      await page.keyboard.press("Escape");
      await page.getByRole("button", { name: `Open ${second.id}`, exact: true }).click();
      await page.locator('#detail-dialog[data-ready="true"]').waitFor();
      await slow.release();
      expect(await page.locator("#detail-title").textContent()).toBe(second.id);
      expect(await lead.textContent()).toContain(valuesOf(second));
      expect(await page.evaluate<number>(chartsIn("detail-body"))).toBe(3);
      await page.keyboard.press("Escape");
      await page.locator("#detail-dialog:not([open])").waitFor({ state: "attached" });
      expect(await page.evaluate<number>(chartsIn("detail-body"))).toBe(0);

      // A segment that answers after its dialog was closed draws nothing.
      const closed = await hold(4, isFirst);
      await page.getByRole("button", { name: `Open ${first.id}`, exact: true }).click();
      await closed.arrived;
      await page.keyboard.press("Escape");
      await page.locator("#detail-dialog:not([open])").waitFor({ state: "attached" });
      await closed.release();
      expect(await page.evaluate<number>(chartsIn("detail-body"))).toBe(0);
      expect(await lead.count()).toBe(0);
    });

    it("leaves nothing of a board that answers after signing out", async () => {
      const board = await hold(3, (url) => url.pathname === `/schemes/${big.id}/decisions`);
      await page.getByLabel("Segment scheme").selectOption(big.id);
      await board.arrived;
      await page.getByRole("button", { name: "Sign out" }).click();
      await board.release();
      expect(await page.locator("body").getAttribute("data-ready")).toBeNull();
      expect(await page.locator("#columns .card").count()).toBe(0);
      await page.getByRole("button", { name: "Sign in" }).click();
      await boardReady();
    });
  });

  it("signs out: the token leaves the tab and the sign-in form is back", async () => {
    await page.setViewportSize(LAPTOP);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Access token").waitFor();
    expect(await page.evaluate<string | null>('sessionStorage.getItem("segfocus.token")')).toBeNull();
    expect(await page.locator("#columns .card").count()).toBe(0);
    await page.reload();
    await page.getByLabel("Access token").waitFor();
    expect(await page.locator("body").getAttribute("data-ready")).toBeNull();
  });

  it("forgets a kept token that the API refuses, and says why on the sign-in form", async () => {
    const refusals = [
      { token: "not-a-token", reason: /^The token was refused: the API does not accept it\b/ },
      { token: stack.tokens.ingest, reason: /^The token was refused: .*planner.*leader/ },
    ];
    for (const { token, reason } of refusals) {
      await page.evaluate(`sessionStorage.setItem("segfocus.token", ${JSON.stringify(token)})`);
      await page.reload();
      await expect.poll(() => page.locator("#sign-in-error").textContent()).toMatch(reason);
      expect(await page.getByLabel("Access token").isVisible()).toBe(true);
      expect(await page.evaluate<string | null>('sessionStorage.getItem("segfocus.token")')).toBeNull();
    }
  });

  describe("signing in through the user pool", () => {
    /** The client id the stand-in pool knows the page by, as the stack's people's app client. */
    const CLIENT_ID = "people-client-0123";
    const SIGN_IN_ENV = ["SEGFOCUS_SIGN_IN_URL", "SEGFOCUS_SIGN_IN_CLIENT_ID"] as const;
    const savedEnv = new Map<string, string | undefined>();
    let pool: UserPoolStandIn;
    let context: BrowserContext;
    let tab: Page;
    /** What the page wrote to its console: no token may be there. */
    const consoleText: string[] = [];

    beforeAll(async () => {
      pool = await startUserPoolStandIn({
        pageUrl: stack.pageUrl as string,
        clientId: CLIENT_ID,
        accessToken: stack.tokens.leader,
      });
      for (const name of SIGN_IN_ENV) savedEnv.set(name, process.env[name]);
      // The API reads these per request, as the stack sets them in AWS.
      process.env.SEGFOCUS_SIGN_IN_URL = pool.origin;
      process.env.SEGFOCUS_SIGN_IN_CLIENT_ID = CLIENT_ID;
      context = await browser.newContext({ viewport: LAPTOP });
      tab = await context.newPage();
      tab.setDefaultTimeout(15_000);
      tab.on("console", (message) => consoleText.push(message.text()));
      tab.on("pageerror", (error) => consoleText.push(error.message));
    });

    afterAll(async () => {
      for (const [name, value] of savedEnv) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await context?.close();
      await pool?.close();
    });

    const poolButton = () => tab.getByRole("button", { name: "Sign in with your organisation account" });
    const keptToken = () => tab.evaluate<string | null>('sessionStorage.getItem("segfocus.token")');
    const signInError = (text: RegExp) => tab.locator("#sign-in-error", { hasText: text }).waitFor();

    it("offers the organisation's sign-in first, and the token field as the alternative", async () => {
      await tab.goto(stack.pageUrl as string);
      await poolButton().waitFor();
      expect(await tab.evaluate<string | undefined>("document.activeElement?.textContent")).toBe(
        "Sign in with your organisation account",
      );
      expect(
        await tab.getByRole("heading", { name: "Or sign in with an access token", exact: true }).isVisible(),
      ).toBe(true);
      expect(await tab.getByLabel("Access token").isVisible()).toBe(true);
      expect(await tab.getByRole("button", { name: "Sign in", exact: true }).isVisible()).toBe(true);
      expect(await tab.evaluate<string[]>(UNLABELLED_CONTROLS)).toEqual([]);
      const contrast = await tab.evaluate<{ checked: number; failures: unknown[] }>(LOW_CONTRAST_TEXT);
      expect(contrast.checked).toBeGreaterThan(5);
      expect(contrast.failures).toEqual([]);
      await tab.screenshot({ path: join(ARTIFACTS, "sign-in.png") });
    });

    it("refuses an answer whose state is not the one the tab sent, saying so, and signs nobody in", async () => {
      pool.tamperNextState = true;
      await poolButton().click();
      await signInError(/does not belong to a sign-in started in this tab/);
      expect(pool.served.authorize).toBe(1);
      expect(pool.served.token, "no code is exchanged").toBe(0);
      expect(new URL(tab.url()).search).toBe("");
      expect(await keptToken()).toBeNull();
      expect(await tab.locator("#app").isVisible()).toBe(false);
      expect(
        await tab.evaluate<string | null>('sessionStorage.getItem("segfocus.sign-in-pending")'),
      ).toBeNull();
    });

    it("signs nobody in when the pool will not exchange the code, and says what it answered", async () => {
      pool.refuseNextCode = true;
      await poolButton().click();
      await signInError(/the user pool refused the code \(invalid_grant\)/);
      expect(pool.served.token).toBe(1);
      expect(new URL(tab.url()).search).toBe("");
      expect(await keptToken()).toBeNull();
      expect(await tab.locator("#app").isVisible()).toBe(false);
    });

    it("signs in through the pool and lands on the board as the leader, with no code left in the address", async () => {
      await poolButton().click();
      await tab.locator('body[data-ready="true"]').waitFor();
      expect(pool.problems).toEqual([]);
      expect(pool.served).toMatchObject({ authorize: 3, token: 2, logout: 0 });
      const address = new URL(tab.url());
      expect(`${address.origin}${address.pathname}`).toBe(stack.pageUrl);
      expect(address.searchParams.has("code")).toBe(false);
      expect(address.searchParams.has("state")).toBe(false);
      expect(await keptToken()).toBe(stack.tokens.leader);
      expect(await tab.locator("#session-label").textContent()).toBe("Signed in");
      expect(await tab.locator("#columns .card").count()).toBeGreaterThan(0);
      expect(await tab.locator("body").textContent()).not.toContain(stack.tokens.leader);
      expect(consoleText.filter((text) => text.includes(stack.tokens.leader))).toEqual([]);
    });

    it("signs out through the pool's logout, which ends its session, and comes back to the sign-in form", async () => {
      await tab.getByRole("button", { name: "Sign out" }).click();
      await tab.waitForURL(stack.pageUrl as string);
      await poolButton().waitFor();
      expect(pool.served.logout).toBe(1);
      expect(pool.problems).toEqual([]);
      expect(await keptToken()).toBeNull();
      expect(
        await tab.evaluate<string | null>('sessionStorage.getItem("segfocus.signed-in-with")'),
      ).toBeNull();
      expect(await tab.locator("#app").isVisible()).toBe(false);
    });
  });
});
