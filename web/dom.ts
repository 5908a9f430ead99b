/** Attributes of a new element: strings as attributes, `false`/undefined left out, `true` as present. */
type Attributes = Readonly<Record<string, string | number | boolean | undefined>>;
type Child = Node | string | null | undefined | false;

/** A new element with its attributes and children; text children are text nodes, never HTML. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: readonly (Child | readonly Child[])[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

/** The element of the page with this id, which the HTML template guarantees. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** A definition list of label → value pairs, as the cards and the detail show figures. */
export function figures(
  pairs: ReadonlyArray<readonly [string, string]>,
  className = "figures",
): HTMLDListElement {
  return h("dl", { class: className }, figureItems(pairs));
}

/** The items of such a list, each label and value in a <div> as HTML allows inside <dl>. */
export function figureItems(pairs: ReadonlyArray<readonly [string, string]>): HTMLDivElement[] {
  return pairs.map(([label, value]) => h("div", {}, h("dt", {}, label), h("dd", {}, value)));
}
