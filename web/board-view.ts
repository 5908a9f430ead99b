import type { BoardList } from "./api-types.ts";
import type { BoardCard, BoardColumn } from "./board.ts";
import { figures, h } from "./dom.ts";
import { formatAmount, formatScore, formatShare } from "./format.ts";

/** What a card's buttons ask the page to do. */
export interface BoardActions {
  /** Whether a decision on the card is on its way to the API: its decision buttons are disabled meanwhile. */
  deciding(card: BoardCard): boolean;
  approve(card: BoardCard): void;
  override(card: BoardCard): void;
  open(card: BoardCard): void;
  more(list: BoardList, cursor: string): void;
}

/** Draws the three columns of the board into `root`, replacing what was there. */
export function renderBoard(root: HTMLElement, columns: readonly BoardColumn[], actions: BoardActions): void {
  root.replaceChildren(
    ...columns.map((column) => {
      const headingId = `column-${column.list}`;
      return h(
        "section",
        { class: "column", "data-list": column.list, "aria-labelledby": headingId },
        h("h3", { id: headingId }, column.title, " ", h("span", { class: "count" }, `(${column.total})`)),
        h("p", { class: "hint" }, column.holds),
        column.cards.length === 0
          ? h("p", { class: "empty" }, "No segment on this list.")
          : h(
              "ol",
              { class: "cards" },
              column.cards.map((card) => renderCard(card, actions)),
            ),
        column.cursor && h("p", { class: "hint shown" }, `${column.cards.length} of ${column.total} shown`),
        column.cursor &&
          button("Show more", { class: "secondary more", "aria-label": `Show more of ${column.title}` }, () =>
            actions.more(column.list, column.cursor as string),
          ),
      );
    }),
  );
}

function renderCard(card: BoardCard, actions: BoardActions): HTMLLIElement {
  const deciding = actions.deciding(card);
  return h(
    "li",
    {
      class: "card",
      "data-segment-id": card.segmentId,
      "data-decision": card.decision,
      "data-state": card.state.kind,
    },
    h(
      "div",
      { class: "card-head" },
      h(
        "h4",
        {},
        button(card.segmentId, { class: "link", "aria-label": `Open ${card.segmentId}` }, () =>
          actions.open(card),
        ),
      ),
      h("span", { class: `badge decision-${card.decision}` }, card.decisionLabel),
      card.lowConfidence &&
        h(
          "span",
          { class: "badge low-confidence", title: card.lowConfidence },
          "Low confidence",
          h("span", { class: "visually-hidden" }, `: ${card.lowConfidence}`),
        ),
    ),
    h("p", { class: "values" }, card.values),
    figures([
      ["Focus", formatScore(card.focus)],
      ["Profit", formatAmount(card.profit)],
      ["Margin", formatShare(card.margin)],
    ]),
    card.reason && h("p", { class: "reason" }, card.reason),
    h(
      "p",
      { class: `state state-${card.state.kind}`, title: card.state.detail },
      h("span", { class: "state-label" }, card.state.label),
      h("span", { class: "visually-hidden" }, `: ${card.state.detail}`),
    ),
    card.rationale && h("p", { class: "rationale" }, `“${card.rationale}”`),
    h(
      "div",
      { class: "card-actions" },
      card.canApprove &&
        button("Approve", { "aria-label": `Approve ${card.segmentId}`, disabled: deciding }, () =>
          actions.approve(card),
        ),
      button(
        "Override…",
        { class: "secondary", "aria-label": `Override ${card.segmentId}`, disabled: deciding },
        () => actions.override(card),
      ),
    ),
  );
}

function button(
  text: string,
  attributes: Readonly<Record<string, string | boolean>>,
  onClick: () => void,
): HTMLButtonElement {
  const element = h("button", { type: "button", ...attributes }, text);
  element.addEventListener("click", onClick);
  return element;
}
