/** A request's tag: what it asked for, and its number in the sequence of requests of its kind. */
export interface RequestTag<Subject> {
  readonly subject: Subject;
  readonly number: number;
}

/**
 * Requests of one kind of which only the latest one's answer is wanted: the board of the scheme now
 * picked, the segment now open. Each request is tagged when it is made; an answer whose tag is no
 * longer the latest (a slow answer to an earlier request, or one arriving after the view it was for
 * closed) is dropped, whatever order the network delivers answers in.
 */
export class LatestRequest<Subject> {
  private issued = 0;
  private latest: RequestTag<Subject> | undefined;

  /** Tags a new request; from now on no earlier tag is the latest. */
  tag(subject: Subject): RequestTag<Subject> {
    this.issued += 1;
    this.latest = { subject, number: this.issued };
    return this.latest;
  }

  /** The view closed (a dialog, a signed-in session): no answer in flight is wanted any more. */
  cancel(): void {
    this.latest = undefined;
  }

  /** Whether the answer to the request with this tag is still the one wanted. */
  isLatest(tag: RequestTag<Subject>): boolean {
    return this.latest !== undefined && this.latest.number === tag.number;
  }
}
