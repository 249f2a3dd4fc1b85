import type { AadstsMessage } from "./aadsts.js";
import { withTrace } from "./withTrace.js";

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
body{font-family:"Segoe UI",system-ui,sans-serif;background:#f2f2f2;margin:0;color:#1b1b1b}
main{max-width:480px;margin:48px auto;background:#fff;padding:32px 40px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:24px;font-weight:600;margin:0 0 8px}
.note{background:#fff4ce;padding:8px 12px;font-size:13px;margin:0 0 16px}
.meta{font-size:13px;color:#505050;word-break:break-all}
form{margin:0}
button.user{display:block;width:100%;text-align:left;background:#fff;border:1px solid #ccc;padding:10px 12px;margin:8px 0;cursor:pointer;font:inherit}
button.user:hover,button.user:focus{border-color:#0067b8;background:#f3f9fd}
button.user.suggested{border:2px solid #0067b8}
.name{font-weight:600}.username{color:#505050;font-size:13px}.desc{font-size:12px;color:#6b6b6b;margin-top:4px}
.tag{font-size:11px;color:#0067b8;margin-left:6px}
button.cancel{margin-top:16px;background:#ccc;border:0;padding:8px 24px;font:inherit;cursor:pointer}
pre{white-space:pre-wrap;word-break:break-word;font-size:13px;background:#f8f8f8;padding:12px}
`;

/** A complete self-contained page: inline CSS, no external resources, no scripts unless given. */
export function htmlPage(title: string, body: string, script = ""): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main>${script ? `<script>${script}</script>` : ""}</body></html>`;
}

/** Entra's "Sorry, but we're having trouble signing you in" page. */
export function errorPage(aadsts: AadstsMessage): string {
  const trace = withTrace(aadsts.message);
  return htmlPage(
    "Sign in — Entra emulator",
    `<h1>Sorry, but we’re having trouble signing you in.</h1>
<p class="note">This is a local Entra emulator for development and tests, not Microsoft.</p>
<pre>${escapeHtml(trace.description)}</pre>`,
  );
}
