import type { AadstsMessage } from "./aadsts.js";

/** Thrown by request handlers; the app turns it into an Entra-shaped JSON error response. */
export class EntraHttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly aadsts: AadstsMessage,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(aadsts.message);
    this.name = "EntraHttpError";
  }
}
