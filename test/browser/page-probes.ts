/**
 * Scripts the browser test runs inside the page, as source text: the root TypeScript program has no
 * DOM types (the server code must not see them), so what touches the DOM is written as JavaScript.
 */

/** Milliseconds from the navigation's start to the page marking its board interactive; null before. */
export const BOARD_READY_AT = `(performance.getEntriesByName("board-ready")[0]?.startTime ?? null)`;

/** Milliseconds from the navigation's start to DOMContentLoaded: the sign-in form usable. */
export const DOM_READY_AT = `(performance.getEntriesByType("navigation")[0]?.domContentLoadedEventEnd ?? null)`;

/**
 * How many pixels of a canvas are painted: a chart that drew nothing has none. An expression of the
 * canvas's id.
 */
export function canvasInk(id: string): string {
  return `(() => {
    const canvas = document.getElementById(${JSON.stringify(id)});
    if (!canvas || canvas.width === 0 || canvas.height === 0) return 0;
    const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted++;
    return painted;
  })()`;
}

/**
 * Every form control and button of the page that is shown and has no accessible name: inputs,
 * selects and text areas need a <label> (or aria-label), buttons text or an aria-label.
 */
export const UNLABELLED_CONTROLS = `(() => {
  const shown = (element) => element.getClientRects().length > 0;
  const unlabelled = [];
  for (const control of document.querySelectorAll("input, select, textarea")) {
    if (!shown(control)) continue;
    const named = control.labels?.length > 0 || control.getAttribute("aria-label") || control.getAttribute("aria-labelledby");
    if (!named) unlabelled.push(control.outerHTML.slice(0, 80));
  }
  for (const button of document.querySelectorAll("button")) {
    if (!shown(button)) continue;
    if (!(button.textContent.trim() || button.getAttribute("aria-label"))) unlabelled.push(button.outerHTML.slice(0, 80));
  }
  return unlabelled;
})()`;

/**
 * Every shown element holding text whose contrast with its background is below 4.5:1 (WCAG AA for
 * body text), with the ratio; the background is composed from the element's ancestors over white.
 * Also answers how many elements were checked, so that a probe that checks nothing cannot pass.
 */
export const LOW_CONTRAST_TEXT = `(() => {
  const parse = (colour) => {
    const parts = colour.match(/[\\d.]+/g)?.map(Number) ?? [0, 0, 0, 0];
    return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  const background = (element) => {
    const layers = [];
    for (let at = element; at; at = at.parentElement) {
      const colour = parse(getComputedStyle(at).backgroundColor);
      if (colour.a > 0) layers.push(colour);
      if (colour.a >= 1) break;
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), { r: 255, g: 255, b: 255, a: 1 });
  };
  const luminance = ({ r, g, b }) => {
    const channel = (value) => {
      const v = value / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const failures = [];
  let checked = 0;
  for (const element of document.querySelectorAll("body *")) {
    const text = [...element.childNodes].filter((node) => node.nodeType === 3).map((node) => node.textContent).join("").trim();
    if (text === "" || element.getClientRects().length === 0 || element.closest("[hidden], dialog:not([open])")) continue;
    if (element.closest(".visually-hidden")) continue;
    const style = getComputedStyle(element);
    if (style.visibility === "hidden" || Number(style.opacity) === 0) continue;
    const back = background(element);
    const fore = over(parse(style.color), back);
    const [light, dark] = [luminance(fore), luminance(back)].sort((a, b) => b - a);
    const ratio = (light + 0.05) / (dark + 0.05);
    checked++;
    if (ratio < 4.5) failures.push({ text: text.slice(0, 40), ratio: Math.round(ratio * 100) / 100, colour: style.color });
  }
  return { checked, failures };
})()`;

/** The outline the focused element shows: keyboard users must see where they are. */
export const FOCUS_OUTLINE = `(() => {
  const focused = document.activeElement;
  const style = getComputedStyle(focused);
  return {
    tag: focused.tagName.toLowerCase(),
    label: focused.getAttribute("aria-label") ?? focused.textContent.trim(),
    outline: style.outlineStyle === "none" ? "none" : style.outlineWidth + " " + style.outlineStyle,
  };
})()`;

/** Where each column of the board starts on screen, to tell side by side from stacked. */
export const COLUMN_BOXES = `[...document.querySelectorAll("#columns > .column")].map((column) => {
  const box = column.getBoundingClientRect();
  return { list: column.dataset.list, x: Math.round(box.x), y: Math.round(box.y), width: Math.round(box.width) };
})`;

/**
 * How many canvases inside the element with this id still hold a Chart.js chart: Chart.js marks a
 * canvas it draws on with a `$chartjs` property and removes it when the chart is destroyed.
 */
export function chartsIn(id: string): string {
  return `[...(document.getElementById(${JSON.stringify(id)})?.querySelectorAll("canvas") ?? [])].filter((canvas) => canvas.$chartjs !== undefined).length`;
}

/** Resolves after the page has run what a just-arrived answer set off: its promise callbacks and a timer turn. */
export const SETTLED = `new Promise((resolve) => setTimeout(resolve, 100))`;
