import { CONNECT_SUCCESS, type ConnectResult } from "@ads-connect/shared";

/** JSON safe to place inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The page the popup ends on. It posts the result to the one origin the attempt was started from
 * (never "*") and closes itself; without an opener (a plain link, or COOP cut it) it just says what
 * happened, and the widget learns the result by polling the session.
 */
export function renderResultPage(result: ConnectResult, targetOrigin: string | null, cspNonce: string): string {
  const ok = result.type === CONNECT_SUCCESS;
  const heading = ok ? "Microsoft Advertising connected" : "Could not connect Microsoft Advertising";
  const detail = ok
    ? `Signed in as ${result.account.display_name ?? result.account.username} (${result.account.username}).`
    : result.error.message;
  const code = ok ? "" : result.error.code;
  const script = targetOrigin
    ? `<script nonce="${cspNonce}">
(function () {
  var result = ${scriptJson(result)};
  try { if (window.opener) window.opener.postMessage(result, ${scriptJson(targetOrigin)}); } catch (e) {}
  window.close();
})();
</script>`
    : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(heading)}</title>
<style nonce="${cspNonce}">
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; display: grid; place-items: center; min-height: 100vh; color: #1b1b1b; background: #f6f7f9; }
  main { max-width: 28rem; padding: 2rem; background: #fff; border-radius: 12px; box-shadow: 0 1px 4px rgba(0,0,0,.12); }
  h1 { font-size: 1.25rem; margin: 0 0 .5rem; }
  code { color: #555; font-size: .85em; }
  @media (prefers-color-scheme: dark) { body { background: #16181c; color: #eee; } main { background: #23262b; } code { color: #aaa; } }
</style>
</head>
<body>
<main data-result="${ok ? "success" : "error"}"${code ? ` data-error-code="${escapeHtml(code)}"` : ""}>
  <h1>${escapeHtml(heading)}</h1>
  <p>${escapeHtml(detail)}</p>
  ${code ? `<p><code>${escapeHtml(code)}</code></p>` : ""}
  <p>You can close this window.</p>
</main>
${script}
</body>
</html>`;
}
