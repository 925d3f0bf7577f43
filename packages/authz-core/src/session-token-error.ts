/** A session token the edge was asked to mint with a bad key or bad claims. */
export class SessionTokenError extends Error {
  constructor(
    readonly code: "session_claims_invalid" | "session_key_invalid",
    message: string,
  ) {
    super(message);
    this.name = "SessionTokenError";
  }
}
