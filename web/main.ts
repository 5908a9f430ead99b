import "./styles.css";
import { ApiClient, ApiFailure, pathPart } from "./api-client.ts";
import type {
  BoardList,
  BoardPage,
  DecisionRequest,
  DecisionState,
  SchemeRecord,
  SchemesResponse,
  SegmentListPage,
  WhaleCurve,
} from "./api-types.ts";
import { type BoardCard, boardColumns, DECISION_LABELS, listTotals } from "./board.ts";
import { renderBoard } from "./board-view.ts";
import { destroyChartsIn, drawProfitGrowthMatrix, drawWhaleCurve } from "./charts.ts";
import { renderSegmentDetail, type SchemeContext } from "./detail-view.ts";
import { byId, figureItems } from "./dom.ts";
import { formatAmount, formatShare } from "./format.ts";

/**
 * The leadership page: sign in with a token, pick a scheme, read the say-yes / fix / say-no board,
 * approve or override, and open a segment for its numbers, charts and audit trail.
 */

const TOKEN_KEY = "segfocus.token";
/** Cards a column shows at first and adds with "Show more": a customer scheme has thousands. */
const BOARD_PAGE_SIZE = 25;
/** The matrix draws the largest segments by revenue; more bubbles only hide each other. */
const MATRIX_SEGMENTS = 300;
const LISTS: readonly BoardList[] = ["yes", "fix", "no"];

const elements = {
  signIn: byId("sign-in"),
  signInForm: byId<HTMLFormElement>("sign-in-form"),
  token: byId<HTMLInputElement>("token"),
  tokenHint: byId("token-hint"),
  signInError: byId("sign-in-error"),
  session: byId("session"),
  sessionLabel: byId("session-label"),
  signOut: byId<HTMLButtonElement>("sign-out"),
  app: byId("app"),
  scheme: byId<HTMLSelectElement>("scheme"),
  summary: byId("scheme-summary"),
  status: byId("status"),
  columns: byId("columns"),
  whaleChart: byId<HTMLCanvasElement>("whale-chart"),
  whaleCaption: byId("whale-caption"),
  matrixChart: byId<HTMLCanvasElement>("matrix-chart"),
  matrixCaption: byId("matrix-caption"),
  overrideDialog: byId<HTMLDialogElement>("override-dialog"),
  overrideForm: byId<HTMLFormElement>("override-form"),
  overrideContext: byId("override-context"),
  overrideDecision: byId<HTMLSelectElement>("override-decision"),
  overrideRationale: byId<HTMLTextAreaElement>("override-rationale"),
  overrideError: byId("override-error"),
  overrideCancel: byId<HTMLButtonElement>("override-cancel"),
  detailDialog: byId<HTMLDialogElement>("detail-dialog"),
  detailTitle: byId("detail-title"),
  detailBody: byId("detail-body"),
  detailClose: byId<HTMLButtonElement>("detail-close"),
};

interface Session {
  readonly api: ApiClient;
  schemes: readonly SchemeRecord[];
  schemeId: string;
  pages: Partial<Record<BoardList, BoardPage[]>>;
  /** The card being overridden while the dialog is open. */
  overriding?: BoardCard;
}

let session: Session | undefined;
/** Each load of a scheme gets a number, so that a slow answer for a scheme no longer shown is dropped. */
let loadNumber = 0;

function setStatus(message: string, tone: "info" | "error" = "info"): void {
  elements.status.textContent = message;
  elements.status.dataset.tone = tone;
}

function showSignIn(message = ""): void {
  session = undefined;
  delete document.body.dataset.ready;
  elements.app.hidden = true;
  elements.session.hidden = true;
  elements.signIn.hidden = false;
  elements.signInError.textContent = message;
  elements.token.focus();
}

function signOut(message = ""): void {
  sessionStorage.removeItem(TOKEN_KEY);
  destroyChartsIn(document);
  elements.columns.replaceChildren();
  if (elements.detailDialog.open) elements.detailDialog.close();
  if (elements.overrideDialog.open) elements.overrideDialog.close();
  elements.token.value = document.body.dataset.prefillToken ?? "";
  showSignIn(message);
}

/** What the user is told when a call fails; a token no longer accepted ends the session. */
function report(error: unknown, doing: string): void {
  if (error instanceof ApiFailure && error.status === 401) {
    signOut("Your token is no longer accepted: sign in again.");
    return;
  }
  const message = error instanceof ApiFailure ? error.message : (error as Error).message;
  setStatus(`Could not ${doing}: ${message}`, "error");
}

async function enter(token: string): Promise<void> {
  const api = new ApiClient(token);
  let schemes: readonly SchemeRecord[];
  try {
    schemes = (await api.get<SchemesResponse>("schemes")).schemes;
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 401) {
      showSignIn("This token is not accepted. Check it and try again.");
    } else if (error instanceof ApiFailure && error.status === 403) {
      showSignIn("This token's role cannot read the board: sign in as a planner or a leader.");
    } else {
      showSignIn(`The API could not be read: ${(error as Error).message}`);
    }
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  elements.signIn.hidden = true;
  elements.app.hidden = false;
  elements.session.hidden = false;
  elements.sessionLabel.textContent = "Signed in";
  if (schemes.length === 0) {
    session = { api, schemes, schemeId: "", pages: {} };
    setStatus("No scores yet: push a batch of invoice lines, then reload this page.");
    document.body.dataset.ready = "true";
    return;
  }
  const wanted = new URLSearchParams(location.hash.slice(1)).get("scheme");
  const schemeId = schemes.some((scheme) => scheme.id === wanted)
    ? (wanted as string)
    : (schemes[0] as SchemeRecord).id;
  session = { api, schemes, schemeId, pages: {} };
  elements.scheme.replaceChildren(
    ...schemes.map((scheme) => new Option(`${scheme.id} (${scheme.segmentCount} segments)`, scheme.id)),
  );
  elements.scheme.value = schemeId;
  await loadScheme(schemeId);
}

async function loadScheme(schemeId: string): Promise<void> {
  if (!session) return;
  const current = session;
  const load = ++loadNumber;
  current.schemeId = schemeId;
  current.pages = {};
  document.body.dataset.ready = "false";
  document.body.dataset.chartsReady = "false";
  setStatus(`Loading the board of ${schemeId}…`);
  const scheme = current.schemes.find((candidate) => candidate.id === schemeId);
  if (scheme) renderSummary(scheme);
  try {
    const pages = await Promise.all(
      LISTS.map((list) =>
        current.api.get<BoardPage>(
          `schemes/${pathPart(schemeId)}/decisions?list=${list}&limit=${BOARD_PAGE_SIZE}`,
        ),
      ),
    );
    if (load !== loadNumber) return;
    current.pages = Object.fromEntries(pages.map((page) => [page.list, [page]]));
    drawBoard();
    setStatus("");
    document.body.dataset.ready = "true";
    if (!performance.getEntriesByName("board-ready").length) performance.mark("board-ready");
  } catch (error) {
    report(error, "load the board");
    return;
  }
  await loadSchemeCharts(current, schemeId, load);
}

function renderSummary(scheme: SchemeRecord): void {
  const count = (...decisions: Array<keyof typeof scheme.decisions>) =>
    decisions.reduce((sum, decision) => sum + (scheme.decisions[decision] ?? 0), 0);
  elements.summary.replaceChildren(
    ...figureItems([
      ["Revenue", formatAmount(scheme.totals.revenue)],
      ["Profit", formatAmount(scheme.totals.profit)],
      ["Margin", formatShare(scheme.totals.margin)],
      ["Segments", String(scheme.segmentCount)],
      ["Say yes", String(count("choose", "develop"))],
      ["Fix", String(count("fix"))],
      ["Say no", String(count("decline"))],
      ["Too little data", String(count("insufficient_data"))],
    ]),
  );
  elements.summary.setAttribute(
    "aria-label",
    `Totals of the ${scheme.id} scheme, latest month ${scheme.latestMonth}`,
  );
}

function drawBoard(): void {
  if (!session) return;
  const scheme = session.schemes.find((candidate) => candidate.id === session?.schemeId);
  renderBoard(elements.columns, boardColumns(session.pages, listTotals(scheme?.decisions ?? {})), {
    approve: (card) => void approve(card),
    override: openOverride,
    open: (segmentId) => void openDetail(segmentId),
    more: (list, cursor) => void loadMore(list, cursor),
  });
}

async function loadMore(list: BoardList, cursor: string): Promise<void> {
  if (!session) return;
  const current = session;
  try {
    const page = await current.api.get<BoardPage>(
      `schemes/${pathPart(current.schemeId)}/decisions?list=${list}&limit=${BOARD_PAGE_SIZE}&cursor=${encodeURIComponent(cursor)}`,
    );
    current.pages[list] = [...(current.pages[list] ?? []), page];
    drawBoard();
    byId(`column-${list}`).closest("section")?.querySelector<HTMLButtonElement>("button.more")?.focus();
  } catch (error) {
    report(error, "load more of the list");
  }
}

async function loadSchemeCharts(current: Session, schemeId: string, load: number): Promise<void> {
  try {
    const [curve, largest] = await Promise.all([
      current.api.get<WhaleCurve>(`schemes/${pathPart(schemeId)}/whale-curve`),
      current.api.get<SegmentListPage>(
        `schemes/${pathPart(schemeId)}/segments?sort=revenue&order=desc&limit=${MATRIX_SEGMENTS}`,
      ),
    ]);
    if (load !== loadNumber) return;
    drawWhaleCurve(elements.whaleChart, curve);
    const { headline } = curve;
    elements.whaleCaption.textContent =
      headline.peakShare === null
        ? `The scheme's ${headline.segmentCount} segments make no profit in total.`
        : `Profit peaks at ${formatShare(headline.peakShare)} of the total with the most profitable ${formatShare(headline.peakAt)} of segments; ${headline.lossSegments} of ${headline.segmentCount} segments (${formatShare(headline.lossSegmentShare)}) lose money.`;
    drawProfitGrowthMatrix(elements.matrixChart, largest.items, (segmentId) => void openDetail(segmentId));
    const shown =
      largest.total > largest.items.length
        ? `The ${largest.items.length} largest of ${largest.total} segments by revenue`
        : `All ${largest.total} segments`;
    elements.matrixCaption.textContent = `${shown}: bubble area is revenue, colour the recommendation. Select a bubble to open its segment.`;
    document.body.dataset.chartsReady = "true";
  } catch (error) {
    report(error, "draw the scheme's charts");
  }
}

/** Puts where a decision now stands on the board's copy of the segment, wherever it is listed. */
function applyState(segmentId: string, state: DecisionState): void {
  if (!session) return;
  for (const pages of Object.values(session.pages)) {
    for (const page of pages ?? []) {
      for (const item of page.items) {
        if (item.id !== segmentId) continue;
        item.state = {
          status: state.status,
          decision: state.decision,
          needsReview: state.needsReview,
          by: state.by,
          at: state.at,
          ...(state.rationale !== undefined && { rationale: state.rationale }),
        };
      }
    }
  }
  drawBoard();
}

async function decide(card: BoardCard, request: DecisionRequest): Promise<DecisionState> {
  if (!session) throw new Error("not signed in");
  const state = await session.api.post<DecisionState>(
    `schemes/${pathPart(session.schemeId)}/segments/${pathPart(card.segmentId)}/decision`,
    request,
  );
  applyState(card.segmentId, state);
  return state;
}

function focusCardButton(segmentId: string, label: string): void {
  const card = elements.columns.querySelector(`[data-segment-id="${CSS.escape(segmentId)}"]`);
  const target =
    card?.querySelector<HTMLButtonElement>(`button[aria-label="${label} ${CSS.escape(segmentId)}"]`) ??
    card?.querySelector<HTMLButtonElement>("button");
  target?.focus();
}

async function approve(card: BoardCard): Promise<void> {
  setStatus(`Approving ${card.segmentId}…`);
  try {
    const state = await decide(card, { action: "approve" });
    setStatus(`Approved ${card.segmentId}: ${DECISION_LABELS[state.decision].toLowerCase()}.`);
    focusCardButton(card.segmentId, "Override");
  } catch (error) {
    report(error, `approve ${card.segmentId}`);
  }
}

function openOverride(card: BoardCard): void {
  if (!session) return;
  session.overriding = card;
  elements.overrideContext.textContent = `${card.segmentId} (${card.values}) is recommended: ${card.decisionLabel.toLowerCase()}.`;
  elements.overrideDecision.replaceChildren(
    ...card.overrideChoices.map((decision) => new Option(DECISION_LABELS[decision], decision)),
  );
  elements.overrideRationale.value = "";
  elements.overrideError.textContent = "";
  elements.overrideDialog.showModal();
  elements.overrideDecision.focus();
}

async function submitOverride(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const card = session?.overriding;
  if (!card) return;
  const rationale = elements.overrideRationale.value.trim();
  if (rationale.length < 10) {
    elements.overrideError.textContent =
      "Give a rationale of at least 10 characters: it is kept in the audit trail.";
    elements.overrideRationale.focus();
    return;
  }
  const decision = elements.overrideDecision.value as BoardCard["overrideChoices"][number];
  try {
    const state = await decide(card, { action: "override", decision, rationale });
    elements.overrideDialog.close();
    setStatus(
      `Overrode ${card.segmentId}: ${DECISION_LABELS[state.decision].toLowerCase()} instead of ${card.decisionLabel.toLowerCase()}.`,
    );
    focusCardButton(card.segmentId, "Override");
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 401) {
      report(error, "override");
      return;
    }
    const detail =
      error instanceof ApiFailure && Array.isArray(error.details)
        ? (error.details as Array<{ message?: string }>).map((issue) => issue.message).join("; ")
        : "";
    elements.overrideError.textContent = `${(error as Error).message}${detail ? `: ${detail}` : ""}`;
  }
}

async function openDetail(segmentId: string): Promise<void> {
  if (!session) return;
  const scheme = session.schemes.find((candidate) => candidate.id === session?.schemeId);
  const costPools = (scheme?.costPools ?? {}) as { components?: SchemeContext["costComponents"] };
  elements.detailDialog.dataset.ready = "false";
  if (!elements.detailDialog.open) elements.detailDialog.showModal();
  elements.detailClose.focus();
  try {
    await renderSegmentDetail(
      session.api,
      { schemeId: session.schemeId, costComponents: costPools.components ?? [] },
      segmentId,
      elements.detailTitle,
      elements.detailBody,
    );
    elements.detailDialog.dataset.ready = "true";
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 401) {
      report(error, "open the segment");
      return;
    }
    elements.detailBody.textContent = `Could not open ${segmentId}: ${(error as Error).message}`;
  }
}

function start(): void {
  const prefill = document.body.dataset.prefillToken;
  if (prefill) {
    elements.token.value = prefill;
    elements.tokenHint.textContent =
      "Pre-filled with the local leader token: this page is served by the local stack (segfocus start).";
  }
  elements.signInForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const token = elements.token.value.trim();
    if (token === "") {
      elements.signInError.textContent = "Enter an access token.";
      elements.token.focus();
      return;
    }
    elements.signInError.textContent = "";
    void enter(token);
  });
  elements.signOut.addEventListener("click", () => signOut());
  elements.scheme.addEventListener("change", () => {
    const schemeId = elements.scheme.value;
    history.replaceState(null, "", `#scheme=${encodeURIComponent(schemeId)}`);
    void loadScheme(schemeId);
  });
  elements.overrideForm.addEventListener("submit", (event) => void submitOverride(event));
  elements.overrideCancel.addEventListener("click", () => elements.overrideDialog.close());
  elements.overrideDialog.addEventListener("close", () => {
    if (session?.overriding) focusCardButton(session.overriding.segmentId, "Override");
    if (session) session.overriding = undefined;
  });
  elements.detailClose.addEventListener("click", () => elements.detailDialog.close());
  elements.detailDialog.addEventListener("close", () => destroyChartsIn(elements.detailBody));
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) void enter(token);
  else showSignIn();
}

start();
