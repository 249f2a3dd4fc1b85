import pino, { type DestinationStream, type Logger } from "pino";

/** Query parameters whose values are secrets (tokens, codes, state) and never reach a log line. */
const SECRET_PARAMS = new Set([
  "code",
  "state",
  "session_state",
  "nonce",
  "connect_session_token",
  "session_token",
  "token",
  "access_token",
  "refresh_token",
  "id_token",
  "client_secret",
  "code_verifier",
  "login_hint",
  // the admin-consent link's token
  "request",
]);

export function redactUrl(url: string): string {
  const q = url.indexOf("?");
  if (q === -1) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const key of new Set(params.keys())) {
    if (SECRET_PARAMS.has(key.toLowerCase())) params.set(key, "[REDACTED]");
  }
  return `${url.slice(0, q)}?${params.toString()}`;
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "ads-connect" },
      // Belt and braces: nothing in this codebase logs these, but a future log call might.
      redact: {
        paths: [
          "*.authorization",
          "*.cookie",
          "*.access_token",
          "*.refresh_token",
          "*.id_token",
          "*.client_secret",
          "*.code",
          "*.token",
          "access_token",
          "refresh_token",
          "token",
        ],
        censor: "[REDACTED]",
      },
      serializers: {
        // Name, code and message only: error causes can carry response bodies.
        err: (err: Error & { code?: unknown }) => ({ type: err.name, code: err.code, message: err.message }),
      },
    },
    destination,
  );
}
