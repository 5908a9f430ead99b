import { ApiClient, ApiFailure } from "./api-client.ts";
import type { BoardList, BoardPage, SchemeRecord, SchemesResponse } from "./api-types.ts";
import type { BoardCard } from "./board.ts";
import type { HostedSignIn } from "./hosted-sign-in.ts";
import { LatestRequest, type RequestTag } from "./latest-request.ts";
import {
  exchangeCode,
  leaveForHostedSignIn,
  leaveForHostedSignOut,
  takeHostedSignInReturn,
} from "./pool-sign-in.ts";
import type { StatusLine } from "./status-line.ts";
import { tokenRefusal } from "./token-refusal.ts";

/**
 * Who is signed in to the page, and how people sign in and out: with a token pasted (or pre-filled)
 * into the form, or through the user pool where the API offers it. The token is kept in the tab.
 */

const TOKEN_KEY = "segfocus.token";
/** Set while the kept token came from the user pool: signing out then ends the pool's session too. */
const SIGNED_IN_WITH_KEY = "segfocus.signed-in-with";

/** The board on screen: the load it came from (its scheme and number) and the pages of its lists. */
export interface ShownBoard {
  readonly tag: RequestTag<string>;
  readonly pages: Partial<Record<BoardList, BoardPage[]>>;
}

export interface Session {
  readonly api: ApiClient;
  readonly schemes: readonly SchemeRecord[];
  /** Absent until the first load answers; while the next scheme loads, still the previous one's. */
  board?: ShownBoard;
  /** The card being overridden while the dialog is open. */
  overriding?: BoardCard;
}

export function schemeOf(session: Session, schemeId: string): SchemeRecord | undefined {
  return session.schemes.find((candidate) => candidate.id === schemeId);
}

/** How the token was had: pasted (or pre-filled) into the form, or from the user pool's sign-in. */
type SignedInWith = "token" | "organisation";

/** The parts of the page that sign in and out. */
export interface SignInElements {
  readonly signIn: HTMLElement;
  readonly hostedSignIn: HTMLElement;
  readonly hostedSignInStart: HTMLButtonElement;
  readonly hostedSignInStatus: HTMLElement;
  readonly signInForm: HTMLFormElement;
  readonly token: HTMLInputElement;
  readonly tokenHint: HTMLElement;
  readonly signInError: HTMLElement;
  readonly session: HTMLElement;
  readonly sessionLabel: HTMLElement;
  readonly signOut: HTMLButtonElement;
  readonly app: HTMLElement;
}

/** What the rest of the page does as people sign in and out. */
export interface SessionEvents {
  /** Signed in: show the session's schemes; the sign-in is done when this is. */
  began(session: Session): Promise<void>;
  /** The sign-in form is shown: no answer on its way for a session is wanted any more. */
  ended(): void;
  /** Signed out: nothing of the session stays on screen. */
  signedOut(): void;
}

export class PageSession {
  private session: Session | undefined;
  /** Sign-ins whose answers arrive in any order, of which only the latest is drawn. */
  private readonly signIns = new LatestRequest<void>();

  /** `hostedSignIn` is the user pool's sign-in, when the API offers it; locally there is none. */
  constructor(
    private readonly elements: SignInElements,
    private readonly hostedSignIn: HostedSignIn | undefined,
    private readonly status: StatusLine,
    private readonly events: SessionEvents,
  ) {
    if (hostedSignIn) {
      elements.hostedSignIn.hidden = false;
      elements.hostedSignInStart.addEventListener("click", () => void this.startHostedSignIn(hostedSignIn));
      // Back from the pool's page, the browser may show this page as it was left: on its way out.
      window.addEventListener("pageshow", (event) => {
        if (!event.persisted || elements.signIn.hidden) return;
        this.showHostedSignInProgress();
      });
    }
    const prefill = document.body.dataset.prefillToken;
    if (prefill) {
      elements.token.value = prefill;
      elements.tokenHint.textContent =
        "Pre-filled with the local leader token: this page is served by the local stack (segfocus start).";
    }
    elements.signInForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const token = elements.token.value.trim();
      if (token === "") {
        elements.signInError.textContent = "Enter an access token.";
        elements.token.focus();
        return;
      }
      elements.signInError.textContent = "";
      void this.enter(token);
    });
    elements.signOut.addEventListener("click", () => {
      const signedInWithPool = sessionStorage.getItem(SIGNED_IN_WITH_KEY) === "organisation";
      this.signOut();
      if (hostedSignIn && signedInWithPool) leaveForHostedSignOut(hostedSignIn);
    });
  }

  /** The session of whoever is signed in; absent while nobody is. */
  get current(): Session | undefined {
    return this.session;
  }

  /**
   * Where the page starts: the return from the user pool's sign-in if the address holds one, else the
   * token kept in the tab, else the sign-in form.
   */
  resume(): void {
    const returned = this.hostedSignIn ? takeHostedSignInReturn() : undefined;
    if (returned?.kind === "refused") {
      this.signOut(returned.message);
      return;
    }
    if (returned?.kind === "code" && this.hostedSignIn) {
      void this.completeHostedSignIn(this.hostedSignIn, returned.code, returned.verifier);
      return;
    }
    const token = sessionStorage.getItem(TOKEN_KEY);
    const signedInWith: SignedInWith =
      sessionStorage.getItem(SIGNED_IN_WITH_KEY) === "organisation" ? "organisation" : "token";
    if (token) void this.enter(token, signedInWith);
    else this.showSignIn();
  }

  /** Ends the session in the page: no token is kept, and the sign-in form is back with `message`. */
  signOut(message = ""): void {
    this.signIns.cancel();
    forgetToken();
    this.events.signedOut();
    this.elements.token.value = document.body.dataset.prefillToken ?? "";
    this.showSignIn(message);
  }

  /** What the user is told when a call fails; a token no longer accepted ends the session. */
  report(error: unknown, doing: string): void {
    if (error instanceof ApiFailure && error.status === 401) {
      this.signOut("Your token is no longer accepted: sign in again.");
      return;
    }
    const message = error instanceof ApiFailure ? error.message : (error as Error).message;
    this.status.show(`Could not ${doing}: ${message}`, "error");
  }

  private showSignIn(message = ""): void {
    this.session = undefined;
    this.events.ended();
    delete document.body.dataset.ready;
    this.elements.app.hidden = true;
    this.elements.session.hidden = true;
    this.elements.signIn.hidden = false;
    this.elements.signInError.textContent = message;
    this.showHostedSignInProgress();
    (this.hostedSignIn ? this.elements.hostedSignInStart : this.elements.token).focus();
  }

  /** Says how far a sign-in through the user pool has got, its button disabled meanwhile; none, usable again. */
  private showHostedSignInProgress(progress = ""): void {
    this.elements.hostedSignInStart.disabled = progress !== "";
    this.elements.hostedSignInStatus.textContent = progress;
  }

  /**
   * Signs in with a token typed, kept in the tab or had from the user pool; a token the API refuses is
   * no longer kept.
   */
  private async enter(token: string, signedInWith: SignedInWith = "token"): Promise<void> {
    const attempt = this.signIns.tag();
    const api = new ApiClient(token);
    let schemes: readonly SchemeRecord[];
    try {
      schemes = (await api.get<SchemesResponse>("schemes")).schemes;
    } catch (error) {
      if (!this.signIns.isLatest(attempt)) return;
      const refusal = error instanceof ApiFailure ? tokenRefusal(error.status, error.message) : undefined;
      if (refusal && sessionStorage.getItem(TOKEN_KEY) === token) forgetToken();
      this.showSignIn(refusal ?? `The API could not be read: ${(error as Error).message}`);
      return;
    }
    if (!this.signIns.isLatest(attempt)) return;
    sessionStorage.setItem(TOKEN_KEY, token);
    if (signedInWith === "organisation") sessionStorage.setItem(SIGNED_IN_WITH_KEY, signedInWith);
    else sessionStorage.removeItem(SIGNED_IN_WITH_KEY);
    this.elements.signIn.hidden = true;
    this.elements.app.hidden = false;
    this.elements.session.hidden = false;
    this.elements.sessionLabel.textContent = "Signed in";
    this.session = { api, schemes };
    await this.events.began(this.session);
  }

  /** Leaves for the user pool's sign-in page, which sends the browser back to this page with a code. */
  private async startHostedSignIn(signIn: HostedSignIn): Promise<void> {
    this.elements.signInError.textContent = "";
    this.showHostedSignInProgress("Opening your organisation's sign-in…");
    try {
      await leaveForHostedSignIn(signIn);
    } catch (error) {
      this.showHostedSignInProgress();
      this.elements.signInError.textContent = `The organisation sign-in could not be started: ${(error as Error).message}`;
    }
  }

  /**
   * Completes the sign-in through the user pool that the page came back from: the code is exchanged for
   * the access token, which then signs in as a pasted one does. A failed exchange signs nobody in, and
   * says why on the sign-in form.
   */
  private async completeHostedSignIn(signIn: HostedSignIn, code: string, verifier: string): Promise<void> {
    this.showSignIn();
    const attempt = this.signIns.tag();
    this.showHostedSignInProgress("Completing your sign-in…");
    const exchanged = await exchangeCode(signIn, code, verifier);
    if (!this.signIns.isLatest(attempt)) return;
    if ("message" in exchanged) {
      this.signOut(exchanged.message);
      return;
    }
    await this.enter(exchanged.token, "organisation");
  }
}

/** The tab keeps no token, nor how it was had. */
function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(SIGNED_IN_WITH_KEY);
}
