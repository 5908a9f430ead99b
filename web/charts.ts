import {
  BarController,
  BarElement,
  BubbleController,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";
import type {
  Decision,
  SegmentHistory,
  SegmentListItem,
  SegmentProjection,
  WhaleCurve,
} from "./api-types.ts";
import { DECISION_LABELS } from "./board.ts";
import { formatAmount, formatShare, humanName } from "./format.ts";
import type { CostToServeRow } from "./segment-figures.ts";

// Only what these charts draw is registered, so the bundle carries no other controller, scale or plugin.
Chart.register(
  LineController,
  BubbleController,
  BarController,
  LineElement,
  PointElement,
  BarElement,
  LinearScale,
  CategoryScale,
  Tooltip,
  Legend,
);
Chart.defaults.color = "#374151";
Chart.defaults.borderColor = "#d1d5db";
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;

/** The colour of each decision, the same as the board's badges. */
export const DECISION_COLOURS: Readonly<Record<Decision, string>> = {
  choose: "#15803d",
  develop: "#1d4ed8",
  fix: "#b45309",
  decline: "#b91c1c",
  insufficient_data: "#6b7280",
};

const BASE_COLOUR = "#1d4ed8";
const SECOND_COLOUR = "#15803d";
const FORCE_COLOURS = ["#b91c1c", "#7c3aed", "#b45309", "#0f766e", "#be185d"];

/** The charts drawn on one canvas, so a canvas can be redrawn without leaking the old chart. */
function draw(canvas: HTMLCanvasElement, config: ChartConfiguration): Chart {
  Chart.getChart(canvas)?.destroy();
  return new Chart(canvas, config);
}

/**
 * A score axis from 0 to 100 with room beyond both ends, where bubbles of the many segments that score
 * 0 or 100 are drawn whole; the room has no ticks and no grid.
 */
const scoreAxis = {
  min: -12,
  max: 112,
  ticks: {
    stepSize: 10,
    callback: (value: string | number) => (Number(value) < 0 || Number(value) > 100 ? "" : String(value)),
  },
  grid: {
    color: (context: { tick?: { value: number } }) =>
      (context.tick?.value ?? 0) < 0 || (context.tick?.value ?? 0) > 100 ? "transparent" : "#d1d5db",
  },
};

const percentTicks = { callback: (value: string | number) => `${Math.round(Number(value) * 100)}%` };
const amountTicks = { callback: (value: string | number) => formatAmount(Number(value)) };

/** Segments most profitable first against their cumulative share of total profit: where the whale peaks. */
export function drawWhaleCurve(canvas: HTMLCanvasElement, curve: WhaleCurve): Chart {
  const points = [
    { x: 0, y: 0 },
    ...curve.points.map((point) => ({ x: point.segmentShare, y: point.profitShare })),
  ];
  return draw(canvas, {
    type: "line",
    data: {
      datasets: [
        {
          label: "Cumulative profit",
          data: points,
          borderColor: BASE_COLOUR,
          backgroundColor: BASE_COLOUR,
          pointRadius: points.length > 60 ? 0 : 2,
          borderWidth: 2,
        },
        {
          label: "Total profit",
          data: [
            { x: 0, y: 1 },
            { x: 1, y: 1 },
          ],
          borderColor: "#6b7280",
          borderDash: [6, 4],
          borderWidth: 1,
          pointRadius: 0,
        },
      ],
    },
    options: {
      parsing: false,
      scales: {
        x: {
          type: "linear",
          min: 0,
          max: 1,
          title: { display: true, text: "Share of segments, most profitable first" },
          ticks: percentTicks,
        },
        y: { type: "linear", title: { display: true, text: "Share of total profit" }, ticks: percentTicks },
      },
      plugins: {
        tooltip: {
          callbacks: {
            label: (item) => {
              const point = item.raw as { x: number; y: number };
              return `${formatShare(point.x)} of segments earn ${formatShare(point.y)} of profit`;
            },
          },
        },
      },
    },
  });
}

/**
 * Profitability against growth, one bubble per segment, its area by revenue and its colour by
 * decision; a click opens the segment.
 */
export function drawProfitGrowthMatrix(
  canvas: HTMLCanvasElement,
  segments: readonly SegmentListItem[],
  open: (segmentId: string) => void,
): Chart {
  const largest = Math.max(1, ...segments.map((segment) => Math.abs(segment.revenue)));
  const decisions = Object.keys(DECISION_COLOURS) as Decision[];
  const datasets = decisions
    .map((decision) => ({
      label: DECISION_LABELS[decision],
      data: segments
        .filter((segment) => segment.decision === decision)
        .map((segment) => ({
          x: segment.scores.profitability,
          y: segment.scores.growth,
          r: 3 + 21 * Math.sqrt(Math.abs(segment.revenue) / largest),
          id: segment.id,
          revenue: segment.revenue,
        })),
      backgroundColor: `${DECISION_COLOURS[decision]}99`,
      borderColor: DECISION_COLOURS[decision],
      borderWidth: 1,
    }))
    .filter((dataset) => dataset.data.length > 0);
  return draw(canvas, {
    type: "bubble",
    data: { datasets },
    options: {
      scales: {
        x: { ...scoreAxis, title: { display: true, text: "Profitability score" } },
        y: { ...scoreAxis, title: { display: true, text: "Growth score" } },
      },
      plugins: {
        tooltip: {
          callbacks: {
            label: (item) => {
              const point = item.raw as { x: number; y: number; id: string; revenue: number };
              return `${point.id}: profitability ${point.x}, growth ${point.y}, revenue ${formatAmount(point.revenue)}`;
            },
          },
        },
      },
      onClick: (_event, elements, chart) => {
        const hit = elements[0];
        if (!hit) return;
        const point = chart.data.datasets[hit.datasetIndex]?.data[hit.index] as { id?: string } | undefined;
        if (point?.id) open(point.id);
      },
    },
  });
}

/** Projected profit a year, in the base case and under each force of change. */
export function drawProjection(canvas: HTMLCanvasElement, projection: SegmentProjection): Chart {
  const labels = projection.base.years.map((year) => `Year ${year.year}`);
  return draw(canvas, {
    type: "line",
    data: {
      labels,
      datasets: [
        {
          label: "Base case",
          data: projection.base.years.map((year) => year.profit),
          borderColor: BASE_COLOUR,
          backgroundColor: BASE_COLOUR,
          borderWidth: 2,
        },
        ...projection.forces.map((force, index) => {
          const colour = FORCE_COLOURS[index % FORCE_COLOURS.length] as string;
          return {
            label: force.name,
            data: force.years.map((year) => year.profit),
            borderColor: colour,
            backgroundColor: colour,
            borderDash: [6, 4],
            borderWidth: 2,
          };
        }),
      ],
    },
    options: {
      scales: { y: { title: { display: true, text: "Profit" }, ticks: amountTicks } },
      plugins: {
        tooltip: {
          callbacks: { label: (item) => `${item.dataset.label}: ${formatAmount(Number(item.raw))}` },
        },
      },
    },
  });
}

/** Revenue and profit month by month. */
export function drawHistory(canvas: HTMLCanvasElement, history: SegmentHistory): Chart {
  return draw(canvas, {
    type: "line",
    data: {
      labels: history.months.map((month) => month.month),
      datasets: [
        {
          label: "Revenue",
          data: history.months.map((month) => month.revenue),
          borderColor: BASE_COLOUR,
          backgroundColor: BASE_COLOUR,
          pointRadius: 0,
          borderWidth: 2,
        },
        {
          label: "Profit",
          data: history.months.map((month) => month.profit),
          borderColor: SECOND_COLOUR,
          backgroundColor: SECOND_COLOUR,
          pointRadius: 0,
          borderWidth: 2,
        },
      ],
    },
    options: {
      interaction: { mode: "index", intersect: false },
      scales: { y: { ticks: amountTicks } },
      plugins: {
        tooltip: {
          callbacks: { label: (item) => `${item.dataset.label}: ${formatAmount(Number(item.raw))}` },
        },
      },
    },
  });
}

/** Each cost-to-serve component as a share of revenue, for the segment next to its whole scheme. */
export function drawCostToServe(canvas: HTMLCanvasElement, rows: readonly CostToServeRow[]): Chart {
  return draw(canvas, {
    type: "bar",
    data: {
      labels: rows.map((row) => humanName(row.component)),
      datasets: [
        { label: "This segment", data: rows.map((row) => row.shareOfRevenue), backgroundColor: "#b45309" },
        {
          label: "Whole scheme",
          data: rows.map((row) => row.schemeShareOfRevenue),
          backgroundColor: "#9ca3af",
        },
      ],
    },
    options: {
      indexAxis: "y",
      scales: { x: { ticks: percentTicks, beginAtZero: true } },
      plugins: {
        tooltip: {
          callbacks: { label: (item) => `${item.dataset.label}: ${formatShare(Number(item.raw))}` },
        },
      },
    },
  });
}

/** Every chart drawn on the canvases under an element, destroyed when the element is cleared. */
export function destroyChartsIn(root: ParentNode): void {
  for (const canvas of root.querySelectorAll("canvas")) Chart.getChart(canvas)?.destroy();
}
