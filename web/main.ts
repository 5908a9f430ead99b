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
import {
  loadSegmentDetail,
  renderDetailLoading,
  renderSegmentDetail,
  type SchemeContext,
} from "./detail-view.ts";
import { byId, figureItems } from "./dom.ts";
import { formatAmount, formatShare } from "./format.ts";
import { type HostedSignIn, hostedSignInOf } from "./hosted-sign-in.ts";
import { LatestRequest, type RequestTag } from "./latest-request.ts";
import {
  exchangeCode,
  leaveForHostedSignIn,
  leaveForHostedSignOut,
  takeHostedSignInReturn,
} from "./pool-sign-in.ts";
import { tokenRefusal } from "./token-refusal.ts";

/**
 * The leadership page: sign in (through the user pool where the API offers it, or with a token),
 * pick a scheme, read the say-yes / fix / say-no board, approve or override, and open a segment for
 * its numbers, charts and audit trail.
 */

const TOKEN_KEY = "segfocus.token";
/** Set while the kept token came from the user pool: signing out then ends the pool's session too. */
const SIGNED_IN_WITH_KEY = "segfocus.signed-in-with";
/** Cards a column shows at first and adds with "Show more": a customer scheme has thousands. */
const BOARD_PAGE_SIZE = 25;
/** The matrix draws the largest segments by revenue; more bubbles only hide each other. */
const MATRIX_SEGMENTS = 300;
const LISTS: readonly BoardList[] = ["yes", "fix", "no"];

/** The user pool's sign-in, when the API offers it on `<body>`; locally there is none. */
const hostedSignIn = hostedSignInOf(document.body.dataset);

const elements = {
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
  overrideSubmit: byId<HTMLButtonElement>("override-submit"),
  detailDialog: byId<HTMLDialogElement>("detail-dialog"),
  detailTitle: byId("detail-title"),
  detailBody: byId("detail-body"),
  detailClose: byId<HTMLButtonElement>("detail-close"),
};

/** The board on screen: the load it came from (its scheme and number) and the pages of its lists. */
interface ShownBoard {
  readonly tag: RequestTag<string>;
  readonly pages: Partial<Record<BoardList, BoardPage[]>>;
}

interface Session {
  readonly api: ApiClient;
  readonly schemes: readonly SchemeRecord[];
  /** Absent until the first load answers; while the next scheme loads, still the previous one's. */
  board?: ShownBoard;
  /** The card being overridden while the dialog is open. */
  overriding?: BoardCard;
}

let session: Session | undefined;
/**
 * Requests whose answers arrive in any order, of which only the latest is drawn: a sign-in, the
 * board of the scheme picked (tagged with the scheme), the segment opened in the detail.
 */
const signIns = new LatestRequest<void>();
const boardLoads = new LatestRequest<string>();
const detailRequests = new LatestRequest<string>();

function setStatus(message: string, tone: "info" | "error" = "info"): void {
  elements.status.textContent = message;
  elements.status.dataset.tone = tone;
}

function showSignIn(message = ""): void {
  session = undefined;
  boardLoads.cancel();
  detailRequests.cancel();
  delete document.body.dataset.ready;
  elements.app.hidden = true;
  elements.session.hidden = true;
  elements.signIn.hidden = false;
  elements.signInError.textContent = message;
  showHostedSignInProgress();
  (hostedSignIn ? elements.hostedSignInStart : elements.token).focus();
}

/** Says how far a sign-in through the user pool has got, its button disabled meanwhile; none, usable again. */
function showHostedSignInProgress(progress = ""): void {
  elements.hostedSignInStart.disabled = progress !== "";
  elements.hostedSignInStatus.textContent = progress;
}

/** The tab keeps no token, nor how it was had. */
function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(SIGNED_IN_WITH_KEY);
}

/** Ends the session in the page: no token is kept, and the sign-in form is back with `message`. */
function signOut(message = ""): void {
  signIns.cancel();
  forgetToken();
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

/** How the token was had: pasted (or pre-filled) into the form, or from the user pool's sign-in. */
type SignedInWith = "token" | "organisation";

/**
 * Signs in with a token typed, kept in the tab or had from the user pool; a token the API refuses is
 * no longer kept.
 */
async function enter(token: string, signedInWith: SignedInWith = "token"): Promise<void> {
  const attempt = signIns.tag();
  const api = new ApiClient(token);
  let schemes: readonly SchemeRecord[];
  try {
    schemes = (await api.get<SchemesResponse>("schemes")).schemes;
  } catch (error) {
    if (!signIns.isLatest(attempt)) return;
    const refusal = error instanceof ApiFailure ? tokenRefusal(error.status, error.message) : undefined;
    if (refusal && sessionStorage.getItem(TOKEN_KEY) === token) forgetToken();
    showSignIn(refusal ?? `The API could not be read: ${(error as Error).message}`);
    return;
  }
  if (!signIns.isLatest(attempt)) return;
  sessionStorage.setItem(TOKEN_KEY, token);
  if (signedInWith === "organisation") sessionStorage.setItem(SIGNED_IN_WITH_KEY, signedInWith);
  else sessionStorage.removeItem(SIGNED_IN_WITH_KEY);
  elements.signIn.hidden = true;
  elements.app.hidden = false;
  elements.session.hidden = false;
  elements.sessionLabel.textContent = "Signed in";
  if (schemes.length === 0) {
    session = { api, schemes };
    setStatus("No scores yet: push a batch of invoice lines, then reload this page.");
    document.body.dataset.ready = "true";
    return;
  }
  const wanted = new URLSearchParams(location.hash.slice(1)).get("scheme");
  const schemeId = schemes.some((scheme) => scheme.id === wanted)
    ? (wanted as string)
    : (schemes[0] as SchemeRecord).id;
  session = { api, schemes };
  elements.scheme.replaceChildren(
    ...schemes.map((scheme) => new Option(`${scheme.id} (${scheme.segmentCount} segments)`, scheme.id)),
  );
  elements.scheme.value = schemeId;
  await loadScheme(schemeId);
}

/** Leaves for the user pool's sign-in page, which sends the browser back to this page with a code. */
async function startHostedSignIn(signIn: HostedSignIn): Promise<void> {
  elements.signInError.textContent = "";
  showHostedSignInProgress("Opening your organisation's sign-in…");
  try {
    await leaveForHostedSignIn(signIn);
  } catch (error) {
    showHostedSignInProgress();
    elements.signInError.textContent = `The organisation sign-in could not be started: ${(error as Error).message}`;
  }
}

/**
 * Completes the sign-in through the user pool that the page came back from: the code is exchanged for
 * the access token, which then signs in as a pasted one does. A failed exchange signs nobody in, and
 * says why on the sign-in form.
 */
async function completeHostedSignIn(signIn: HostedSignIn, code: string, verifier: string): Promise<void> {
  showSignIn();
  const attempt = signIns.tag();
  showHostedSignInProgress("Completing your sign-in…");
  const exchanged = await exchangeCode(signIn, code, verifier);
  if (!signIns.isLatest(attempt)) return;
  if ("message" in exchanged) {
    signOut(exchanged.message);
    return;
  }
  await enter(exchanged.token, "organisation");
}

/**
 * Where the page starts: the return from the user pool's sign-in if the address holds one, else the
 * token kept in the tab, else the sign-in form.
 */
function resume(): void {
  const returned = hostedSignIn ? takeHostedSignInReturn() : undefined;
  if (returned?.kind === "refused") {
    signOut(returned.message);
    return;
  }
  if (returned?.kind === "code" && hostedSignIn) {
    void completeHostedSignIn(hostedSignIn, returned.code, returned.verifier);
    return;
  }
  const token = sessionStorage.getItem(TOKEN_KEY);
  const signedInWith: SignedInWith =
    sessionStorage.getItem(SIGNED_IN_WITH_KEY) === "organisation" ? "organisation" : "token";
  if (token) void enter(token, signedInWith);
  else showSignIn();
}

/**
 * Loads the board of a scheme and then its charts. The board shown stays until the new one answers;
 * the answers of a load that is no longer the latest (another scheme picked since, or signed out)
 * are dropped, failures included.
 */
async function loadScheme(schemeId: string): Promise<void> {
  if (!session) return;
  const current = session;
  const tag = boardLoads.tag(schemeId);
  document.body.dataset.ready = "false";
  document.body.dataset.chartsReady = "false";
  setStatus(`Loading the board of ${schemeId}…`);
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
    setStatus("");
    document.body.dataset.ready = "true";
    if (!performance.getEntriesByName("board-ready").length) performance.mark("board-ready");
  } catch (error) {
    if (boardLoads.isLatest(tag)) report(error, "load the board");
    return;
  }
  await loadSchemeCharts(current, tag);
}

function schemeOf(current: Session, schemeId: string): SchemeRecord | undefined {
  return current.schemes.find((candidate) => candidate.id === schemeId);
}

/** Whether the board on screen is of this scheme, so that an answer about one of its segments belongs on it. */
function showsScheme(schemeId: string): boolean {
  return session?.board?.tag.subject === schemeId;
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
  const board = session?.board;
  if (!session || !board) return;
  const scheme = schemeOf(session, board.tag.subject);
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
  if (!session) return;
  const current = session;
  const stillShown = () => session === current && current.board === board;
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
    if (stillShown()) report(error, "load more of the list");
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
    if (boardLoads.isLatest(tag)) report(error, "draw the scheme's charts");
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
    if (session === current && current.board && showsScheme(card.schemeId)) {
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
  if (!session || decisionsInFlight.has(decisionKey(card))) return;
  const current = session;
  setStatus(`Approving ${card.segmentId}…`);
  try {
    const state = await decide(current, card, { action: "approve" });
    if (session !== current) return;
    setStatus(`Approved ${decidedOn(card)}: ${DECISION_LABELS[state.decision].toLowerCase()}.`);
    if (showsScheme(card.schemeId)) focusCardButton(card.segmentId, "Override");
  } catch (error) {
    if (session === current) report(error, `approve ${decidedOn(card)}`);
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
  const current = session;
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
    if (session !== current) return;
    if (dialogStillFor()) elements.overrideDialog.close();
    setStatus(
      `Overrode ${decidedOn(card)}: ${DECISION_LABELS[state.decision].toLowerCase()} instead of ${card.decisionLabel.toLowerCase()}.`,
    );
    if (showsScheme(card.schemeId)) focusCardButton(card.segmentId, "Override");
  } catch (error) {
    elements.overrideSubmit.disabled = false;
    if (session !== current) return;
    if ((error instanceof ApiFailure && error.status === 401) || !dialogStillFor()) {
      report(error, `override ${decidedOn(card)}`);
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
  if (!session) return;
  const current = session;
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
      report(error, "open the segment");
      return;
    }
    elements.detailBody.textContent = `Could not open ${segmentId}: ${(error as Error).message}`;
  }
}

function start(): void {
  if (hostedSignIn) {
    elements.hostedSignIn.hidden = false;
    elements.hostedSignInStart.addEventListener("click", () => void startHostedSignIn(hostedSignIn));
    // Back from the pool's page, the browser may show this page as it was left: on its way out.
    window.addEventListener("pageshow", (event) => {
      if (!event.persisted || elements.signIn.hidden) return;
      showHostedSignInProgress();
    });
  }
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
  elements.signOut.addEventListener("click", () => {
    const signedInWithPool = sessionStorage.getItem(SIGNED_IN_WITH_KEY) === "organisation";
    signOut();
    if (hostedSignIn && signedInWithPool) leaveForHostedSignOut(hostedSignIn);
  });
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
  elements.detailDialog.addEventListener("close", () => {
    // The event comes a task after the closing: the dialog may have been opened again since.
    if (elements.detailDialog.open) return;
    detailRequests.cancel();
    destroyChartsIn(elements.detailBody);
  });
  resume();
}

start();
