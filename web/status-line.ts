/** The line above the board that says what is loading, what was done and what failed. */
export class StatusLine {
  constructor(private readonly element: HTMLElement) {}

  show(message: string, tone: "info" | "error" = "info"): void {
    this.element.textContent = message;
    this.element.dataset.tone = tone;
  }
}
