import { boardStanding } from "#domain/leader-decision.ts";
import { pathPart } from "./api-client.ts";
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
import { drawProfitGrowthMatrix, drawWhaleCurve } from "./charts.ts";
import { byId, figureItems } from "./dom.ts";
import { forecastAccuracyView } from "./forecast-accuracy.ts";
import { renderForecastAccuracy } from "./forecast-accuracy-view.ts";
import { formatAmount, formatShare } from "./format.ts";
import { LatestRequest, type RequestTag } from "./latest-request.ts";
import { type PageSession, type Session, type ShownBoard, schemeOf } from "./page-session.ts";
import type { StatusLine } from "./status-line.ts";

/** Cards a column shows at first and adds with "Show more": a customer scheme has thousands. */
const BOARD_PAGE_SIZE = 25;
/** The matrix draws the largest segments by revenue; more bubbles only hide each other. */
const MATRIX_SEGMENTS = 300;
const LISTS: readonly BoardList[] = ["yes", "fix", "no"];

/**
 * The parts of the page that show a scheme: its picker, its totals, the board, the scheme's charts
 * and how well its projection forecast the last held-out year.
 */
export interface BoardElements {
  readonly scheme: HTMLSelectElement;
  readonly summary: HTMLElement;
  readonly accuracy: HTMLElement;
  readonly columns: HTMLElement;
  readonly whaleChart: HTMLCanvasElement;
  readonly whaleCaption: HTMLElement;
  readonly matrixChart: HTMLCanvasElement;
  readonly matrixCaption: HTMLElement;
}

/** What the board asks of the rest of the page: a segment opened, a card's recommendation overridden. */
export interface BoardRequests {
  open(schemeId: string, segmentId: string): void;
  override(card: BoardCard): void;
}

/**
 * The board of the scheme picked: its lists loaded page by page, its charts, and the decisions taken
 * on its cards.
 */
export class BoardController {
  /** The board loads whose answers arrive in any order, tagged with the scheme: only the latest is drawn. */
  private readonly loads = new LatestRequest<string>();
  /**
   * The cards whose decision is on its way to the API, by scheme and segment. Their decision buttons
   * stay disabled until it answers, through any redraw: a second click would record a second decision
   * in the audit trail.
   */
  private readonly decisionsInFlight = new Set<string>();

  constructor(
    private readonly elements: BoardElements,
    private readonly pageSession: PageSession,
    private readonly status: StatusLine,
    private readonly requests: BoardRequests,
  ) {
    elements.scheme.addEventListener("change", () => {
      const schemeId = elements.scheme.value;
      history.replaceState(null, "", `#scheme=${encodeURIComponent(schemeId)}`);
      void this.loadScheme(schemeId);
    });
  }

  /** Shows a session's schemes: the one the address names, else the first, and loads its board. */
  async showSchemes(session: Session): Promise<void> {
    const { schemes } = session;
    if (schemes.length === 0) {
      this.status.show("No scores yet: push a batch of invoice lines, then reload this page.");
      document.body.dataset.ready = "true";
      return;
    }
    const wanted = new URLSearchParams(location.hash.slice(1)).get("scheme");
    const schemeId = schemes.some((scheme) => scheme.id === wanted)
      ? (wanted as string)
      : (schemes[0] as SchemeRecord).id;
    this.elements.scheme.replaceChildren(
      ...schemes.map((scheme) => new Option(`${scheme.id} (${scheme.segmentCount} segments)`, scheme.id)),
    );
    this.elements.scheme.value = schemeId;
    await this.loadScheme(schemeId);
  }

  /** No board load on its way is wanted any more: the session ended. */
  cancelLoads(): void {
    this.loads.cancel();
  }

  /** Takes the cards and the scheme's forecast accuracy off the page. */
  clear(): void {
    this.elements.columns.replaceChildren();
    this.elements.accuracy.replaceChildren();
  }

  /** Whether the board on screen is of this scheme, so that an answer about one of its segments belongs on it. */
  showsScheme(schemeId: string): boolean {
    return this.pageSession.current?.board?.tag.subject === schemeId;
  }

  /** Whether a decision on the card is on its way to the API. */
  isDeciding(card: BoardCard): boolean {
    return this.decisionsInFlight.has(decisionKey(card));
  }

  /**
   * Records a decision on a card under the card's own scheme, and shows it on the board if the board
   * on screen is still of that scheme. The card's buttons are disabled until the API answers.
   */
  async decide(current: Session, card: BoardCard, request: DecisionRequest): Promise<DecisionState> {
    this.setDeciding(card, true);
    try {
      const state = await current.api.post<DecisionState>(
        `schemes/${pathPart(card.schemeId)}/segments/${pathPart(card.segmentId)}/decision`,
        request,
      );
      if (this.pageSession.current === current && current.board && this.showsScheme(card.schemeId)) {
        this.applyState(current.board, card.segmentId, state);
      }
      return state;
    } finally {
      this.setDeciding(card, false);
    }
  }

  /** What a decision's answer says in the status line: which scheme, when the board now shows another. */
  decidedOn(card: BoardCard): string {
    return this.showsScheme(card.schemeId) ? card.segmentId : `${card.segmentId} (${card.schemeId})`;
  }

  /** Gives the focus back to a card after a redraw took it, unless the user has since moved it elsewhere. */
  focusCardButton(segmentId: string, label: string): void {
    if (!focusLost()) return;
    const card = this.elements.columns.querySelector(`[data-segment-id="${CSS.escape(segmentId)}"]`);
    const target =
      card?.querySelector<HTMLButtonElement>(`button[aria-label="${label} ${CSS.escape(segmentId)}"]`) ??
      card?.querySelector<HTMLButtonElement>("button");
    target?.focus();
  }

  /**
   * Loads the board of a scheme and then its charts. The board shown stays until the new one answers;
   * the answers of a load that is no longer the latest (another scheme picked since, or signed out)
   * are dropped, failures included.
   */
  private async loadScheme(schemeId: string): Promise<void> {
    if (!this.pageSession.current) return;
    const current = this.pageSession.current;
    const tag = this.loads.tag(schemeId);
    document.body.dataset.ready = "false";
    document.body.dataset.chartsReady = "false";
    this.status.show(`Loading the board of ${schemeId}…`);
    const scheme = schemeOf(current, schemeId);
    if (scheme) this.renderSummary(scheme);
    try {
      const pages = await Promise.all(
        LISTS.map((list) =>
          current.api.get<BoardPage>(
            `schemes/${pathPart(schemeId)}/decisions?list=${list}&limit=${BOARD_PAGE_SIZE}`,
          ),
        ),
      );
      if (!this.loads.isLatest(tag)) return;
      current.board = { tag, pages: Object.fromEntries(pages.map((page) => [page.list, [page]])) };
      this.drawBoard();
      this.status.show("");
      document.body.dataset.ready = "true";
      if (!performance.getEntriesByName("board-ready").length) performance.mark("board-ready");
    } catch (error) {
      if (this.loads.isLatest(tag)) this.pageSession.report(error, "load the board");
      return;
    }
    await this.loadSchemeCharts(current, tag);
  }

  private renderSummary(scheme: SchemeRecord): void {
    const lists = listTotals(scheme.decisions);
    this.elements.summary.replaceChildren(
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
    this.elements.summary.setAttribute(
      "aria-label",
      `Totals of the ${scheme.id} scheme, latest month ${scheme.latestMonth}`,
    );
    // GET /schemes carries each scheme's backtest: the panel needs no request of its own.
    renderForecastAccuracy(this.elements.accuracy, forecastAccuracyView(scheme.forecastAccuracy));
  }

  private drawBoard(): void {
    const current = this.pageSession.current;
    const board = current?.board;
    if (!current || !board) return;
    const scheme = schemeOf(current, board.tag.subject);
    renderBoard(this.elements.columns, boardColumns(board.pages, listTotals(scheme?.decisions ?? {})), {
      deciding: (card) => this.isDeciding(card),
      approve: (card) => void this.approve(card),
      override: (card) => this.requests.override(card),
      open: (card) => this.requests.open(card.schemeId, card.segmentId),
      more: (list, cursor) => void this.loadMore(board, list, cursor),
    });
  }

  /** The next page of a list, added to the board it was asked from if that board is still on screen. */
  private async loadMore(board: ShownBoard, list: BoardList, cursor: string): Promise<void> {
    if (!this.pageSession.current) return;
    const current = this.pageSession.current;
    const stillShown = () => this.pageSession.current === current && current.board === board;
    try {
      const page = await current.api.get<BoardPage>(
        `schemes/${pathPart(board.tag.subject)}/decisions?list=${list}&limit=${BOARD_PAGE_SIZE}&cursor=${encodeURIComponent(cursor)}`,
      );
      if (!stillShown()) return;
      board.pages[list] = [...(board.pages[list] ?? []), page];
      this.drawBoard();
      if (focusLost()) {
        byId(`column-${list}`).closest("section")?.querySelector<HTMLButtonElement>("button.more")?.focus();
      }
    } catch (error) {
      if (stillShown()) this.pageSession.report(error, "load more of the list");
    }
  }

  private async loadSchemeCharts(current: Session, tag: RequestTag<string>): Promise<void> {
    const schemeId = tag.subject;
    try {
      const [curve, largest] = await Promise.all([
        current.api.get<WhaleCurve>(`schemes/${pathPart(schemeId)}/whale-curve`),
        current.api.get<SegmentListPage>(
          `schemes/${pathPart(schemeId)}/segments?sort=revenue&order=desc&limit=${MATRIX_SEGMENTS}`,
        ),
      ]);
      if (!this.loads.isLatest(tag)) return;
      drawWhaleCurve(this.elements.whaleChart, curve);
      const { headline } = curve;
      this.elements.whaleCaption.textContent =
        headline.peakShare === null
          ? `The scheme's ${headline.segmentCount} segments make no profit in total.`
          : `Profit peaks at ${formatShare(headline.peakShare)} of the total with the most profitable ${formatShare(headline.peakAt)} of segments; ${headline.lossSegments} of ${headline.segmentCount} segments (${formatShare(headline.lossSegmentShare)}) lose money.`;
      drawProfitGrowthMatrix(this.elements.matrixChart, largest.items, (segmentId) =>
        this.requests.open(schemeId, segmentId),
      );
      const shown =
        largest.total > largest.items.length
          ? `The ${largest.items.length} largest of ${largest.total} segments by revenue`
          : `All ${largest.total} segments`;
      this.elements.matrixCaption.textContent = `${shown}: bubble area is revenue, colour the recommendation. Select a bubble to open its segment.`;
      document.body.dataset.chartsReady = "true";
    } catch (error) {
      if (this.loads.isLatest(tag)) this.pageSession.report(error, "draw the scheme's charts");
    }
  }

  /** Puts where a decision now stands on the board's copy of the segment, wherever it is listed. */
  private applyState(board: ShownBoard, segmentId: string, state: DecisionState): void {
    for (const pages of Object.values(board.pages)) {
      for (const page of pages ?? []) {
        for (const item of page.items) {
          if (item.id !== segmentId) continue;
          item.state = boardStanding(item.decision, state);
        }
      }
    }
    this.drawBoard();
  }

  private setDeciding(card: BoardCard, deciding: boolean): void {
    if (deciding) this.decisionsInFlight.add(decisionKey(card));
    else this.decisionsInFlight.delete(decisionKey(card));
    if (!this.showsScheme(card.schemeId)) return;
    const buttons = this.elements.columns.querySelectorAll<HTMLButtonElement>(
      `[data-segment-id="${CSS.escape(card.segmentId)}"] .card-actions button`,
    );
    for (const button of buttons) button.disabled = deciding;
  }

  private async approve(card: BoardCard): Promise<void> {
    if (!this.pageSession.current || this.isDeciding(card)) return;
    const current = this.pageSession.current;
    this.status.show(`Approving ${card.segmentId}…`);
    try {
      const state = await this.decide(current, card, { action: "approve" });
      if (this.pageSession.current !== current) return;
      this.status.show(`Approved ${this.decidedOn(card)}: ${DECISION_LABELS[state.decision].toLowerCase()}.`);
      if (this.showsScheme(card.schemeId)) this.focusCardButton(card.segmentId, "Override");
    } catch (error) {
      if (this.pageSession.current === current)
        this.pageSession.report(error, `approve ${this.decidedOn(card)}`);
    }
  }
}

function decisionKey(card: BoardCard): string {
  return JSON.stringify([card.schemeId, card.segmentId]);
}

/** Whether a redraw took the keyboard focus away; a late answer must not pull it from where the user moved it. */
function focusLost(): boolean {
  return document.activeElement === null || document.activeElement === document.body;
}
