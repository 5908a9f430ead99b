import { h } from "./dom.ts";
import type { ForecastAccuracyView } from "./forecast-accuracy.ts";

/** Draws the panel "How well did we forecast last year" into `root`, replacing what was there. */
export function renderForecastAccuracy(root: HTMLElement, view: ForecastAccuracyView): void {
  if (view.kind === "unknown") {
    root.dataset.accuracy = "unknown";
    root.replaceChildren(
      h("p", { class: "accuracy-verdict" }, "Not enough history to tell."),
      h("p", { class: "hint" }, view.summary),
    );
    return;
  }
  root.dataset.accuracy = "measured";
  root.replaceChildren(
    h("p", { class: "accuracy-verdict" }, view.summary),
    h(
      "table",
      { class: "data-table accuracy-table" },
      h(
        "caption",
        { class: "visually-hidden" },
        "Year-1 forecast error of the projection and the naive forecasts",
      ),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          [
            "Forecast",
            "Revenue WAPE",
            "Revenue MASE",
            "Profit WAPE",
            "Profit MASE",
            "Projection beat it on",
          ].map((label) => h("th", { scope: "col" }, label)),
        ),
      ),
      h(
        "tbody",
        {},
        view.rows.map((row) =>
          h(
            "tr",
            { "data-method": row.method, "data-chosen": row.chosen ? "true" : "false" },
            h(
              "th",
              { scope: "row" },
              row.label,
              row.chosen && h("span", { class: "badge accuracy-chosen" }, "used by projections"),
            ),
            h("td", {}, row.revenueWape),
            h("td", {}, row.revenueMase),
            h("td", {}, row.profitWape),
            h("td", {}, row.profitMase),
            h("td", {}, row.beatenBy ?? "–"),
          ),
        ),
      ),
    ),
    h(
      "p",
      { class: "hint" },
      view.coverage,
      " WAPE: the error of each segment's first held-out year over its actual total. MASE: the error of single months over seasonal naive's own in the training months; below 1 is better.",
    ),
  );
}
