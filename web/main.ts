import "./styles.css";
import { ApiFailure, pathPart } from "./api-client.ts";
import type {
  BoardList,
  BoardPage,
  DecisionRequest,
  DecisionState,
  SchemeRecord,
  SegmentListPage,
  WhaleCurve,
} from "./api-types.ts";
import { type BoardCard, boardColumns, DECISION_LABELS, listTotals } from "./board.ts";
import { renderBoard } from "./board-view.ts";
import { destroyChartsIn, drawProfitGrowthMatrix, drawWhaleCurve } from "./charts.ts";
import {
  loadSegmentDetail,
  renderDetailLoading,
  renderSegmentDetail,
  type SchemeContext,
} from "./detail-view.ts";
import { byId, figureItems } from "./dom.ts";
import { formatAmount, formatShare } from "./format.ts";
import { hostedSignInOf } from "./hosted-sign-in.ts";
import { LatestRequest, type RequestTag } from "./latest-request.ts";
import { PageSession, type Session, type ShownBoard, schemeOf } from "./page-session.ts";
import { StatusLine } from "./status-line.ts";

/**
 * The leadership page: sign in (through the user pool where the API offers it, or with a token),
 * pick a scheme, read the say-yes / fix / say-no board, approve or override, and open a segment for
 * its numbers, charts and audit trail.
 */

/** Cards a column shows at first and adds with "Show more": a customer scheme has thousands. */
const BOARD_PAGE_SIZE = 25;
/** The matrix draws the largest segments by revenue; more bubbles only hide each other. */
const MATRIX_SEGMENTS = 300;
const LISTS: readonly BoardList[] = ["yes", "fix", "no"];

const elements = {
  scheme: byId<HTMLSelectElement>("scheme"),
  summary: byId("scheme-summary"),
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
  overrideSubmit: byId<HTMLButtonElement>("override-submit"),
  detailDialog: byId<HTMLDialogElement>("detail-dialog"),
  detailTitle: byId("detail-title"),
  detailBody: byId("detail-body"),
  detailClose: byId<HTMLButtonElement>("detail-close"),
};

/**
 * Requests whose answers arrive in any order, of which only the latest is drawn: the board of the
 * scheme picked (tagged with the scheme), the segment opened in the detail.
 */
const boardLoads = new LatestRequest<string>();
const detailRequests = new LatestRequest<string>();

const status = new StatusLine(byId("status"));
const pageSession = new PageSession(
  {
    signIn: byId("sign-in"),
    hostedSignIn: byId("hosted-sign-in"),
    hostedSignInStart: byId<HTMLButtonElement>("hosted-sign-in-start"),
    hostedSignInStatus: byId("hosted-sign-in-status"),
    signInForm: byId<HTMLFormElement>("sign-in-form"),
    token: byId<HTMLInputElement>("token"),
    tokenHint: byId("token-hint"),
    signInError: byId("sign-in-error"),
    session: byId("session"),
    sessionLabel: byId("session-label"),
    signOut: byId<HTMLButtonElement>("sign-out"),
    app: byId("app"),
  },
  hostedSignInOf(document.body.dataset),
  status,
  {
    began: showSchemes,
    ended: () => {
      boardLoads.cancel();
      detailRequests.cancel();
    },
    signedOut: () => {
      destroyChartsIn(document);
      elements.columns.replaceChildren();
      if (elements.detailDialog.open) elements.detailDialog.close();
      if (elements.overrideDialog.open) elements.overrideDialog.close();
    },
  },
);

/** Shows a session's schemes: the one the address names, else the first, and loads its board. */
async function showSchemes(session: Session): Promise<void> {
  const { schemes } = session;
  if (schemes.length === 0) {
    status.show("No scores yet: push a batch of invoice lines, then reload this page.");
    document.body.dataset.ready = "true";
    return;
  }
  const wanted = new URLSearchParams(location.hash.slice(1)).get("scheme");
  const schemeId = schemes.some((scheme) => scheme.id === wanted)
    ? (wanted as string)
    : (schemes[0] as SchemeRecord).id;
  elements.scheme.replaceChildren(
    ...schemes.map((scheme) => new Option(`${scheme.id} (${scheme.segmentCount} segments)`, scheme.id)),
  );
  elements.scheme.value = schemeId;
  await loadScheme(schemeId);
}

/**
 * Loads the board of a scheme and then its charts. The board shown stays until the new one answers;
 * the answers of a load that is no longer the latest (another scheme picked since, or signed out)
 * are dropped, failures included.
 */
async function loadScheme(schemeId: string): Promise<void> {
  if (!pageSession.current) return;
  const current = pageSession.current;
  const tag = boardLoads.tag(schemeId);
  document.body.dataset.ready = "false";
  document.body.dataset.chartsReady = "false";
  status.show(`Loading the board of ${schemeId}…`);
  const scheme = schemeOf(current, schemeId);
  if (scheme) renderSummary(scheme);
  try {
    const pages = await Promise.all(
      LISTS.map((list) =>
        current.api.get<BoardPage>(
          `schemes/${pathPart(schemeId)}/decisions?list=${list}&limit=${BOARD_PAGE_SIZE}`,
        ),
      ),
    );
    if (!boardLoads.isLatest(tag)) return;
    current.board = { tag, pages: Object.fromEntries(pages.map((page) => [page.list, [page]])) };
    drawBoard();
    status.show("");
    document.body.dataset.ready = "true";
    if (!performance.getEntriesByName("board-ready").length) performance.mark("board-ready");
  } catch (error) {
    if (boardLoads.isLatest(tag)) pageSession.report(error, "load the board");
    return;
  }
  await loadSchemeCharts(current, tag);
}

/** Whether the board on screen is of this scheme, so that an answer about one of its segments belongs on it. */
function showsScheme(schemeId: string): boolean {
  return pageSession.current?.board?.tag.subject === schemeId;
}

/** Whether a redraw took the keyboard focus away; a late answer must not pull it from where the user moved it. */
function focusLost(): boolean {
  return document.activeElement === null || document.activeElement === document.body;
}

function renderSummary(scheme: SchemeRecord): void {
  const lists = listTotals(scheme.decisions);
  elements.summary.replaceChildren(
    ...figureItems([
      ["Revenue", formatAmount(scheme.totals.revenue)],
      ["Profit", formatAmount(scheme.totals.profit)],
      ["Margin", formatShare(scheme.totals.margin)],
      ["Segments", String(scheme.segmentCount)],
      ["Say yes", String(lists.yes)],
      ["Fix", String(lists.fix)],
      ["Say no", String(lists.no)],
      ["Too little data", String(scheme.decisions.insufficient_data ?? 0)],
    ]),
  );
  elements.summary.setAttribute(
    "aria-label",
    `Totals of the ${scheme.id} scheme, latest month ${scheme.latestMonth}`,
  );
}

function drawBoard(): void {
  const current = pageSession.current;
  const board = current?.board;
  if (!current || !board) return;
  const scheme = schemeOf(current, board.tag.subject);
  renderBoard(elements.columns, boardColumns(board.pages, listTotals(scheme?.decisions ?? {})), {
    deciding: (card) => decisionsInFlight.has(decisionKey(card)),
    approve: (card) => void approve(card),
    override: openOverride,
    open: (card) => void openDetail(card.schemeId, card.segmentId),
    more: (list, cursor) => void loadMore(board, list, cursor),
  });
}

/** The next page of a list, added to the board it was asked from if that board is still on screen. */
async function loadMore(board: ShownBoard, list: BoardList, cursor: string): Promise<void> {
  if (!pageSession.current) return;
  const current = pageSession.current;
  const stillShown = () => pageSession.current === current && current.board === board;
  try {
    const page = await current.api.get<BoardPage>(
      `schemes/${pathPart(board.tag.subject)}/decisions?list=${list}&limit=${BOARD_PAGE_SIZE}&cursor=${encodeURIComponent(cursor)}`,
    );
    if (!stillShown()) return;
    board.pages[list] = [...(board.pages[list] ?? []), page];
    drawBoard();
    if (focusLost()) {
      byId(`column-${list}`).closest("section")?.querySelector<HTMLButtonElement>("button.more")?.focus();
    }
  } catch (error) {
    if (stillShown()) pageSession.report(error, "load more of the list");
  }
}

async function loadSchemeCharts(current: Session, tag: RequestTag<string>): Promise<void> {
  const schemeId = tag.subject;
  try {
    const [curve, largest] = await Promise.all([
      current.api.get<WhaleCurve>(`schemes/${pathPart(schemeId)}/whale-curve`),
      current.api.get<SegmentListPage>(
        `schemes/${pathPart(schemeId)}/segments?sort=revenue&order=desc&limit=${MATRIX_SEGMENTS}`,
      ),
    ]);
    if (!boardLoads.isLatest(tag)) return;
    drawWhaleCurve(elements.whaleChart, curve);
    const { headline } = curve;
    elements.whaleCaption.textContent =
      headline.peakShare === null
        ? `The scheme's ${headline.segmentCount} segments make no profit in total.`
        : `Profit peaks at ${formatShare(headline.peakShare)} of the total with the most profitable ${formatShare(headline.peakAt)} of segments; ${headline.lossSegments} of ${headline.segmentCount} segments (${formatShare(headline.lossSegmentShare)}) lose money.`;
    drawProfitGrowthMatrix(
      elements.matrixChart,
      largest.items,
      (segmentId) => void openDetail(schemeId, segmentId),
    );
    const shown =
      largest.total > largest.items.length
        ? `The ${largest.items.length} largest of ${largest.total} segments by revenue`
        : `All ${largest.total} segments`;
    elements.matrixCaption.textContent = `${shown}: bubble area is revenue, colour the recommendation. Select a bubble to open its segment.`;
    document.body.dataset.chartsReady = "true";
  } catch (error) {
    if (boardLoads.isLatest(tag)) pageSession.report(error, "draw the scheme's charts");
  }
}

/** Puts where a decision now stands on the board's copy of the segment, wherever it is listed. */
function applyState(board: ShownBoard, segmentId: string, state: DecisionState): void {
  for (const pages of Object.values(board.pages)) {
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

/**
 * The cards whose decision is on its way to the API, by scheme and segment. Their decision buttons
 * stay disabled until it answers, through any redraw: a second click would record a second decision
 * in the audit trail.
 */
const decisionsInFlight = new Set<string>();

function decisionKey(card: BoardCard): string {
  return JSON.stringify([card.schemeId, card.segmentId]);
}

function setDeciding(card: BoardCard, deciding: boolean): void {
  if (deciding) decisionsInFlight.add(decisionKey(card));
  else decisionsInFlight.delete(decisionKey(card));
  if (!showsScheme(card.schemeId)) return;
  const buttons = elements.columns.querySelectorAll<HTMLButtonElement>(
    `[data-segment-id="${CSS.escape(card.segmentId)}"] .card-actions button`,
  );
  for (const button of buttons) button.disabled = deciding;
}

/**
 * Records a decision on a card under the card's own scheme, and shows it on the board if the board
 * on screen is still of that scheme. The card's buttons are disabled until the API answers.
 */
async function decide(current: Session, card: BoardCard, request: DecisionRequest): Promise<DecisionState> {
  setDeciding(card, true);
  try {
    const state = await current.api.post<DecisionState>(
      `schemes/${pathPart(card.schemeId)}/segments/${pathPart(card.segmentId)}/decision`,
      request,
    );
    if (pageSession.current === current && current.board && showsScheme(card.schemeId)) {
      applyState(current.board, card.segmentId, state);
    }
    return state;
  } finally {
    setDeciding(card, false);
  }
}

/** What a decision's answer says in the status line: which scheme, when the board now shows another. */
function decidedOn(card: BoardCard): string {
  return showsScheme(card.schemeId) ? card.segmentId : `${card.segmentId} (${card.schemeId})`;
}

/** Gives the focus back to a card after a redraw took it, unless the user has since moved it elsewhere. */
function focusCardButton(segmentId: string, label: string): void {
  if (!focusLost()) return;
  const card = elements.columns.querySelector(`[data-segment-id="${CSS.escape(segmentId)}"]`);
  const target =
    card?.querySelector<HTMLButtonElement>(`button[aria-label="${label} ${CSS.escape(segmentId)}"]`) ??
    card?.querySelector<HTMLButtonElement>("button");
  target?.focus();
}

async function approve(card: BoardCard): Promise<void> {
  if (!pageSession.current || decisionsInFlight.has(decisionKey(card))) return;
  const current = pageSession.current;
  status.show(`Approving ${card.segmentId}…`);
  try {
    const state = await decide(current, card, { action: "approve" });
    if (pageSession.current !== current) return;
    status.show(`Approved ${decidedOn(card)}: ${DECISION_LABELS[state.decision].toLowerCase()}.`);
    if (showsScheme(card.schemeId)) focusCardButton(card.segmentId, "Override");
  } catch (error) {
    if (pageSession.current === current) pageSession.report(error, `approve ${decidedOn(card)}`);
  }
}

function openOverride(card: BoardCard): void {
  if (!pageSession.current) return;
  pageSession.current.overriding = card;
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
  const current = pageSession.current;
  const card = current?.overriding;
  if (!current || !card || decisionsInFlight.has(decisionKey(card))) return;
  const rationale = elements.overrideRationale.value.trim();
  if (rationale.length < 10) {
    elements.overrideError.textContent =
      "Give a rationale of at least 10 characters: it is kept in the audit trail.";
    elements.overrideRationale.focus();
    return;
  }
  const decision = elements.overrideDecision.value as BoardCard["overrideChoices"][number];
  // The dialog may have been closed while the answer was on its way, or opened again for another card.
  const dialogStillFor = () => elements.overrideDialog.open && current.overriding === card;
  elements.overrideSubmit.disabled = true;
  try {
    const state = await decide(current, card, { action: "override", decision, rationale });
    elements.overrideSubmit.disabled = false;
    if (pageSession.current !== current) return;
    if (dialogStillFor()) elements.overrideDialog.close();
    status.show(
      `Overrode ${decidedOn(card)}: ${DECISION_LABELS[state.decision].toLowerCase()} instead of ${card.decisionLabel.toLowerCase()}.`,
    );
    if (showsScheme(card.schemeId)) focusCardButton(card.segmentId, "Override");
  } catch (error) {
    elements.overrideSubmit.disabled = false;
    if (pageSession.current !== current) return;
    if ((error instanceof ApiFailure && error.status === 401) || !dialogStillFor()) {
      pageSession.report(error, `override ${decidedOn(card)}`);
      return;
    }
    const detail =
      error instanceof ApiFailure && Array.isArray(error.details)
        ? (error.details as Array<{ message?: string }>).map((issue) => issue.message).join("; ")
        : "";
    elements.overrideError.textContent = `${(error as Error).message}${detail ? `: ${detail}` : ""}`;
  }
}

/**
 * Opens a segment of a scheme in the detail dialog. Only the segment opened last is drawn, and
 * nothing once the dialog is closed: a slower answer for another segment is dropped.
 */
async function openDetail(schemeId: string, segmentId: string): Promise<void> {
  if (!pageSession.current) return;
  const current = pageSession.current;
  const tag = detailRequests.tag(segmentId);
  const costPools = (schemeOf(current, schemeId)?.costPools ?? {}) as {
    components?: SchemeContext["costComponents"];
  };
  elements.detailDialog.dataset.ready = "false";
  renderDetailLoading(segmentId, elements.detailTitle, elements.detailBody);
  if (!elements.detailDialog.open) elements.detailDialog.showModal();
  elements.detailClose.focus();
  try {
    const detail = await loadSegmentDetail(current.api, schemeId, segmentId);
    if (!detailRequests.isLatest(tag)) return;
    renderSegmentDetail(
      detail,
      { costComponents: costPools.components ?? [] },
      elements.detailTitle,
      elements.detailBody,
    );
    elements.detailDialog.dataset.ready = "true";
  } catch (error) {
    if (!detailRequests.isLatest(tag)) return;
    if (error instanceof ApiFailure && error.status === 401) {
      pageSession.report(error, "open the segment");
      return;
    }
    elements.detailBody.textContent = `Could not open ${segmentId}: ${(error as Error).message}`;
  }
}

function start(): void {
  elements.scheme.addEventListener("change", () => {
    const schemeId = elements.scheme.value;
    history.replaceState(null, "", `#scheme=${encodeURIComponent(schemeId)}`);
    void loadScheme(schemeId);
  });
  elements.overrideForm.addEventListener("submit", (event) => void submitOverride(event));
  elements.overrideCancel.addEventListener("click", () => elements.overrideDialog.close());
  elements.overrideDialog.addEventListener("close", () => {
    if (pageSession.current?.overriding)
      focusCardButton(pageSession.current.overriding.segmentId, "Override");
    if (pageSession.current) pageSession.current.overriding = undefined;
  });
  elements.detailClose.addEventListener("click", () => elements.detailDialog.close());
  elements.detailDialog.addEventListener("close", () => {
    // The event comes a task after the closing: the dialog may have been opened again since.
    if (elements.detailDialog.open) return;
    detailRequests.cancel();
    destroyChartsIn(elements.detailBody);
  });
  pageSession.resume();
}

start();
