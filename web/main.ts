import "./styles.css";
import { ApiFailure } from "./api-client.ts";
import { type BoardCard, DECISION_LABELS } from "./board.ts";
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
import { PageSession, schemeOf } from "./page-session.ts";
import { StatusLine } from "./status-line.ts";

/**
 * The leadership page: sign in (through the user pool where the API offers it, or with a token),
 * pick a scheme, read the say-yes / fix / say-no board, approve or override, and open a segment for
 * its numbers, charts and audit trail.
 */

const elements = {
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
      if (elements.detailDialog.open) elements.detailDialog.close();
      if (elements.overrideDialog.open) elements.overrideDialog.close();
    },
  },
);
const board: BoardController = new BoardController(
  {
    scheme: byId<HTMLSelectElement>("scheme"),
    summary: byId("scheme-summary"),
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
    override: openOverride,
  },
);

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
  if (!current || !card || board.isDeciding(card)) return;
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
    const state = await board.decide(current, card, { action: "override", decision, rationale });
    elements.overrideSubmit.disabled = false;
    if (pageSession.current !== current) return;
    if (dialogStillFor()) elements.overrideDialog.close();
    status.show(
      `Overrode ${board.decidedOn(card)}: ${DECISION_LABELS[state.decision].toLowerCase()} instead of ${card.decisionLabel.toLowerCase()}.`,
    );
    if (board.showsScheme(card.schemeId)) board.focusCardButton(card.segmentId, "Override");
  } catch (error) {
    elements.overrideSubmit.disabled = false;
    if (pageSession.current !== current) return;
    if ((error instanceof ApiFailure && error.status === 401) || !dialogStillFor()) {
      pageSession.report(error, `override ${board.decidedOn(card)}`);
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
  elements.overrideForm.addEventListener("submit", (event) => void submitOverride(event));
  elements.overrideCancel.addEventListener("click", () => elements.overrideDialog.close());
  elements.overrideDialog.addEventListener("close", () => {
    if (pageSession.current?.overriding)
      board.focusCardButton(pageSession.current.overriding.segmentId, "Override");
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
