import { ApiFailure } from "./api-client.ts";
import { type BoardCard, DECISION_LABELS } from "./board.ts";
import type { BoardController } from "./board-controller.ts";
import type { PageSession } from "./page-session.ts";
import type { StatusLine } from "./status-line.ts";

/** The parts of the page's override dialog. */
export interface OverrideElements {
  readonly dialog: HTMLDialogElement;
  readonly form: HTMLFormElement;
  readonly context: HTMLElement;
  readonly decision: HTMLSelectElement;
  readonly rationale: HTMLTextAreaElement;
  readonly error: HTMLElement;
  readonly cancel: HTMLButtonElement;
  readonly submit: HTMLButtonElement;
}

/**
 * The dialog in which a leader overrides a card's recommendation: another decision, with a rationale
 * the audit trail keeps.
 */
export class OverrideDialog {
  constructor(
    private readonly elements: OverrideElements,
    private readonly pageSession: PageSession,
    private readonly board: BoardController,
    private readonly status: StatusLine,
  ) {
    elements.form.addEventListener("submit", (event) => void this.submit(event));
    elements.cancel.addEventListener("click", () => elements.dialog.close());
    elements.dialog.addEventListener("close", () => {
      const current = pageSession.current;
      if (current?.overriding) board.focusCardButton(current.overriding.segmentId, "Override");
      if (current) current.overriding = undefined;
    });
  }

  open(card: BoardCard): void {
    if (!this.pageSession.current) return;
    this.pageSession.current.overriding = card;
    this.elements.context.textContent = `${card.segmentId} (${card.values}) is recommended: ${card.decisionLabel.toLowerCase()}.`;
    this.elements.decision.replaceChildren(
      ...card.overrideChoices.map((decision) => new Option(DECISION_LABELS[decision], decision)),
    );
    this.elements.rationale.value = "";
    this.elements.error.textContent = "";
    this.elements.dialog.showModal();
    this.elements.decision.focus();
  }

  close(): void {
    if (this.elements.dialog.open) this.elements.dialog.close();
  }

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const { elements, board } = this;
    const current = this.pageSession.current;
    const card = current?.overriding;
    if (!current || !card || board.isDeciding(card)) return;
    const rationale = elements.rationale.value.trim();
    if (rationale.length < 10) {
      elements.error.textContent =
        "Give a rationale of at least 10 characters: it is kept in the audit trail.";
      elements.rationale.focus();
      return;
    }
    const decision = elements.decision.value as BoardCard["overrideChoices"][number];
    // The dialog may have been closed while the answer was on its way, or opened again for another card.
    const dialogStillFor = () => elements.dialog.open && current.overriding === card;
    elements.submit.disabled = true;
    try {
      const state = await board.decide(current, card, { action: "override", decision, rationale });
      elements.submit.disabled = false;
      if (this.pageSession.current !== current) return;
      if (dialogStillFor()) elements.dialog.close();
      this.status.show(
        `Overrode ${board.decidedOn(card)}: ${DECISION_LABELS[state.decision].toLowerCase()} instead of ${card.decisionLabel.toLowerCase()}.`,
      );
      if (board.showsScheme(card.schemeId)) board.focusCardButton(card.segmentId, "Override");
    } catch (error) {
      elements.submit.disabled = false;
      if (this.pageSession.current !== current) return;
      if ((error instanceof ApiFailure && error.status === 401) || !dialogStillFor()) {
        this.pageSession.report(error, `override ${board.decidedOn(card)}`);
        return;
      }
      const detail =
        error instanceof ApiFailure && Array.isArray(error.details)
          ? (error.details as Array<{ message?: string }>).map((issue) => issue.message).join("; ")
          : "";
      elements.error.textContent = `${(error as Error).message}${detail ? `: ${detail}` : ""}`;
    }
  }
}
