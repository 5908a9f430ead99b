import "./styles.css";
import { ApiFailure } from "./api-client.ts";
import { BoardController } from "./board-controller.ts";
import { destroyChartsIn } from "./charts.ts";
import {
  loadSegmentDetail,
  renderDetailLoading,
  renderSegmentDetail,
  type SchemeContext,
} from "./detail-view.ts";
import { byId } from "./dom.ts";
import { hostedSignInOf } from "./hosted-sign-in.ts";
import { LatestRequest } from "./latest-request.ts";
import { OverrideDialog } from "./override-dialog.ts";
import { PageSession, schemeOf } from "./page-session.ts";
import { StatusLine } from "./status-line.ts";

/**
 * The leadership page: sign in (through the user pool where the API offers it, or with a token),
 * pick a scheme, read the say-yes / fix / say-no board, approve or override, and open a segment for
 * its numbers, charts and audit trail.
 */

/** The dialog that shows a segment in detail. */
const detail = {
  dialog: byId<HTMLDialogElement>("detail-dialog"),
  title: byId("detail-title"),
  body: byId("detail-body"),
  close: byId<HTMLButtonElement>("detail-close"),
};

/**
 * The segments opened in the detail, whose answers arrive in any order: only the one opened last is
 * drawn.
 */
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
    began: (session) => board.showSchemes(session),
    ended: () => {
      board.cancelLoads();
      detailRequests.cancel();
    },
    signedOut: () => {
      destroyChartsIn(document);
      board.clear();
      if (detail.dialog.open) detail.dialog.close();
      overrideDialog.close();
    },
  },
);
const board: BoardController = new BoardController(
  {
    scheme: byId<HTMLSelectElement>("scheme"),
    summary: byId("scheme-summary"),
    accuracy: byId("accuracy-panel"),
    columns: byId("columns"),
    whaleChart: byId<HTMLCanvasElement>("whale-chart"),
    whaleCaption: byId("whale-caption"),
    matrixChart: byId<HTMLCanvasElement>("matrix-chart"),
    matrixCaption: byId("matrix-caption"),
  },
  pageSession,
  status,
  {
    open: (schemeId, segmentId) => void openDetail(schemeId, segmentId),
    override: (card) => overrideDialog.open(card),
  },
);
const overrideDialog = new OverrideDialog(
  {
    dialog: byId<HTMLDialogElement>("override-dialog"),
    form: byId<HTMLFormElement>("override-form"),
    context: byId("override-context"),
    decision: byId<HTMLSelectElement>("override-decision"),
    rationale: byId<HTMLTextAreaElement>("override-rationale"),
    error: byId("override-error"),
    cancel: byId<HTMLButtonElement>("override-cancel"),
    submit: byId<HTMLButtonElement>("override-submit"),
  },
  pageSession,
  board,
  status,
);

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
  detail.dialog.dataset.ready = "false";
  renderDetailLoading(segmentId, detail.title, detail.body);
  if (!detail.dialog.open) detail.dialog.showModal();
  detail.close.focus();
  try {
    const segment = await loadSegmentDetail(current.api, schemeId, segmentId);
    if (!detailRequests.isLatest(tag)) return;
    renderSegmentDetail(segment, { costComponents: costPools.components ?? [] }, detail.title, detail.body);
    detail.dialog.dataset.ready = "true";
  } catch (error) {
    if (!detailRequests.isLatest(tag)) return;
    if (error instanceof ApiFailure && error.status === 401) {
      pageSession.report(error, "open the segment");
      return;
    }
    detail.body.textContent = `Could not open ${segmentId}: ${(error as Error).message}`;
  }
}

function start(): void {
  detail.close.addEventListener("click", () => detail.dialog.close());
  detail.dialog.addEventListener("close", () => {
    // The event comes a task after the closing: the dialog may have been opened again since.
    if (detail.dialog.open) return;
    detailRequests.cancel();
    destroyChartsIn(detail.body);
  });
  pageSession.resume();
}

start();
