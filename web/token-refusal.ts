/**
 * Why the API refused a token on sign-in, as the sign-in form says it, from the status and sentence
 * of the failed call; undefined when the failure is not a refusal (the API could not be reached, or
 * failed), which says nothing against the token.
 */
export function tokenRefusal(status: number, message: string): string | undefined {
  if (status === 401) {
    return "The token was refused: the API does not accept it (mistyped, expired or for another stack). Paste a current token and sign in again.";
  }
  if (status === 403) {
    return `The token was refused: its role may not read the board (${message}). Sign in with a planner's or a leader's token.`;
  }
  return undefined;
}
