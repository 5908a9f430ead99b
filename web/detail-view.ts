import { type ApiClient, pathPart } from "./api-client.ts";
import type { DecisionHistoryPage, SegmentHistory, SegmentProjection, SegmentResponse } from "./api-types.ts";
import { DECISION_LABELS, segmentValuesLabel } from "./board.ts";
import { destroyChartsIn, drawCostToServe, drawHistory, drawProjection } from "./charts.ts";
import { figures, h } from "./dom.ts";
import { formatAmount, formatInstant, formatScore, formatShare, humanName } from "./format.ts";
import { costToServeRows, metricFigures, scoreBlocks } from "./segment-figures.ts";

/** What the detail needs of the scheme it is opened from. */
export interface SchemeContext {
  readonly costComponents: ReadonlyArray<{ readonly component: string; readonly shareOfRevenue: number }>;
}

/** What the detail of one segment shows, as the API answers it. */
export interface SegmentDetail {
  readonly segment: SegmentResponse;
  readonly history: SegmentHistory;
  readonly projection: SegmentProjection;
  readonly trail: DecisionHistoryPage;
}

/** Loads one segment with its monthly history, projection and audit trail. */
export async function loadSegmentDetail(
  api: ApiClient,
  schemeId: string,
  segmentId: string,
): Promise<SegmentDetail> {
  const base = `schemes/${pathPart(schemeId)}/segments/${pathPart(segmentId)}`;
  const [segment, history, projection, trail] = await Promise.all([
    api.get<SegmentResponse>(base),
    api.get<SegmentHistory>(`${base}/history`),
    api.get<SegmentProjection>(`${base}/projection`),
    api.get<DecisionHistoryPage>(`${base}/decision-history`),
  ]);
  return { segment, history, projection, trail };
}

/** Empties the detail for a segment being loaded, destroying the charts of the one shown before. */
export function renderDetailLoading(segmentId: string, title: HTMLElement, body: HTMLElement): void {
  destroyChartsIn(body);
  title.textContent = segmentId;
  body.replaceChildren(h("p", { class: "status" }, "Loading…"));
}

/**
 * Draws a segment's detail in `body`, replacing what was there and destroying its charts first:
 * metrics, the three scores and their components, reasons and guidance, and the charts.
 */
export function renderSegmentDetail(
  detail: SegmentDetail,
  scheme: SchemeContext,
  title: HTMLElement,
  body: HTMLElement,
): void {
  const { segment, history, projection, trail } = detail;
  destroyChartsIn(body);
  title.textContent = segment.id;
  const costs = costToServeRows(segment.metrics, scheme.costComponents);
  const canvases = {
    history: chartCanvas("detail-history", "Monthly revenue and profit"),
    projection: chartCanvas("detail-projection", "Projected profit, base case and each force of change"),
    costs: chartCanvas("detail-costs", "Cost-to-serve by component, share of revenue"),
  };
  body.replaceChildren(
    h(
      "p",
      { class: "detail-lead" },
      h("span", { class: `badge decision-${segment.decision}` }, DECISION_LABELS[segment.decision]),
      " ",
      segmentValuesLabel(segment.values),
      ` · ${humanName(segment.profitClass)}`,
    ),
    h(
      "section",
      { "aria-labelledby": "detail-why" },
      h("h3", { id: "detail-why" }, "Why"),
      h(
        "ul",
        { class: "reasons" },
        segment.reasons.map((reason) => h("li", {}, reason.message)),
      ),
      h("p", { class: "guidance" }, h("strong", {}, "Guidance: "), segment.guidance),
    ),
    h(
      "section",
      { "aria-labelledby": "detail-metrics" },
      h("h3", { id: "detail-metrics" }, "Metrics"),
      figures(metricFigures(segment.metrics, projection.base.npv), "figures metrics"),
    ),
    h(
      "section",
      { "aria-labelledby": "detail-scores" },
      h("h3", { id: "detail-scores" }, `Scores · focus ${formatScore(segment.scores.focus)}`),
      h(
        "div",
        { class: "score-grid" },
        scoreBlocks(segment).map((block) =>
          h(
            "table",
            { class: "score-table" },
            h("caption", {}, `${block.title} ${block.value}`),
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                ["Component", "Value", "Percentile", "Weight"].map((label) =>
                  h("th", { scope: "col" }, label),
                ),
              ),
            ),
            h(
              "tbody",
              {},
              block.components.map((row) =>
                h(
                  "tr",
                  {},
                  h("th", { scope: "row" }, row.name),
                  h("td", {}, row.value),
                  h("td", {}, row.percentile),
                  h("td", {}, row.weight),
                ),
              ),
            ),
          ),
        ),
      ),
    ),
    h(
      "section",
      { "aria-labelledby": "detail-charts", class: "detail-charts" },
      h("h3", { id: "detail-charts", class: "visually-hidden" }, "Charts"),
      canvases.history.figure,
      canvases.projection.figure,
      canvases.costs.figure,
    ),
    h(
      "section",
      { "aria-labelledby": "detail-projection-table" },
      h("h3", { id: "detail-projection-table" }, "Projection"),
      projectionTable(projection),
    ),
    h(
      "section",
      { "aria-labelledby": "detail-costs-table" },
      h("h3", { id: "detail-costs-table" }, "Cost-to-serve"),
      costTable(costs),
    ),
    h(
      "section",
      { "aria-labelledby": "detail-audit" },
      h("h3", { id: "detail-audit" }, "Audit trail"),
      auditTable(trail),
    ),
  );
  drawHistory(canvases.history.canvas, history);
  drawProjection(canvases.projection.canvas, projection);
  drawCostToServe(canvases.costs.canvas, costs);
}

function chartCanvas(id: string, caption: string) {
  const canvas = h("canvas", { id, role: "img", "aria-label": caption });
  const figure = h(
    "figure",
    { class: "chart-card" },
    h("div", { class: "chart-box" }, canvas),
    h("figcaption", {}, caption),
  );
  return { canvas, figure };
}

function projectionTable(projection: SegmentProjection): HTMLTableElement {
  const rows = [
    { name: "Base case", years: projection.base.years, npv: projection.base.npv, note: "" },
    ...projection.forces.map((force) => ({
      name: force.name,
      years: force.years,
      npv: force.npv,
      note: force.threatened ? "threatened" : force.helped ? "helped" : "",
    })),
  ];
  const years = projection.base.years.map((year) => year.year);
  return h(
    "table",
    { class: "data-table" },
    h("caption", { class: "visually-hidden" }, "Projected profit by year and net present value"),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "Case"),
        years.map((year) => h("th", { scope: "col" }, `Year ${year} profit`)),
        h("th", { scope: "col" }, "NPV"),
      ),
    ),
    h(
      "tbody",
      {},
      rows.map((row) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, row.name, row.note && ` (${row.note})`),
          row.years.map((year) => h("td", {}, formatAmount(year.profit))),
          h("td", {}, formatAmount(row.npv)),
        ),
      ),
    ),
  );
}

function costTable(rows: ReturnType<typeof costToServeRows>): HTMLElement {
  if (rows.length === 0) return h("p", {}, "No cost-to-serve components were sent for this segment.");
  return h(
    "table",
    { class: "data-table" },
    h("caption", { class: "visually-hidden" }, "Cost-to-serve by component"),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ["Component", "Cost", "Share of revenue", "Scheme share"].map((label) =>
          h("th", { scope: "col" }, label),
        ),
      ),
    ),
    h(
      "tbody",
      {},
      rows.map((row) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, humanName(row.component)),
          h("td", {}, formatAmount(row.cost)),
          h("td", {}, formatShare(row.shareOfRevenue)),
          h("td", {}, formatShare(row.schemeShareOfRevenue)),
        ),
      ),
    ),
  );
}

function auditTable(trail: DecisionHistoryPage): HTMLElement {
  if (trail.items.length === 0)
    return h("p", { id: "audit-empty" }, "No decision has been taken on this segment yet.");
  return h(
    "table",
    { class: "data-table audit" },
    h("caption", { class: "visually-hidden" }, "Decisions on this segment, latest first"),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ["When", "Who", "Action", "From → to", "Rationale"].map((label) => h("th", { scope: "col" }, label)),
      ),
    ),
    h(
      "tbody",
      {},
      trail.items.map((entry) =>
        h(
          "tr",
          {},
          h("td", {}, formatInstant(entry.at)),
          h("td", {}, entry.by),
          h("td", {}, entry.action),
          h("td", {}, `${DECISION_LABELS[entry.from]} → ${DECISION_LABELS[entry.to]}`),
          h("td", {}, entry.rationale ?? ""),
        ),
      ),
    ),
  );
}
