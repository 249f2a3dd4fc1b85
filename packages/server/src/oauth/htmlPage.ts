export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface PageContent {
  heading: string;
  /** Plain text paragraphs (escaped here). */
  paragraphs: string[];
  /** Shown small under the text, e.g. an error code. */
  code?: string;
  /** `data-*` attributes of <main>, for tests and the curious. */
  data: Record<string, string>;
  /** A script already safe to embed, run under the page's CSP nonce. */
  script?: string;
  /** A POST form under the text: hidden fields and submit buttons (all escaped here). */
  form?: { id: string; action: string; fields: Record<string, string>; buttons: { name: string; value: string; label: string; primary?: boolean }[] };
  /** Markup already escaped by its maker, placed after the text (the account picker's form). */
  html?: string;
  /** More CSS for this page. */
  style?: string;
  /** The page's language (default "en"). */
  lang?: string;
}

function renderForm(form: NonNullable<PageContent["form"]>): string {
  const fields = Object.entries(form.fields).map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`);
  const buttons = form.buttons.map(
    (b) => `<button type="submit" name="${escapeHtml(b.name)}" value="${escapeHtml(b.value)}"${b.primary ? ' class="primary"' : ""}>${escapeHtml(b.label)}</button>`,
  );
  return `  <form id="${escapeHtml(form.id)}" method="post" action="${escapeHtml(form.action)}">${fields.join("")}${buttons.join(" ")}</form>
`;
}

/** The small self-contained pages this server shows in popups and to administrators (CSP nonce, light and dark). */
export function renderHtmlPage(content: PageContent, cspNonce: string): string {
  const data = Object.entries(content.data)
    .map(([k, v]) => ` data-${k}="${escapeHtml(v)}"`)
    .join("");
  const script = content.script ? `<script nonce="${cspNonce}">${content.script}</script>` : "";
  return `<!doctype html>
<html lang="${escapeHtml(content.lang ?? "en")}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(content.heading)}</title>
<style nonce="${cspNonce}">
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; display: grid; place-items: center; min-height: 100vh; color: #1b1b1b; background: #f6f7f9; }
  main { max-width: 28rem; padding: 2rem; background: #fff; border-radius: 12px; box-shadow: 0 1px 4px rgba(0,0,0,.12); }
  h1 { font-size: 1.25rem; margin: 0 0 .5rem; }
  code { color: #555; font-size: .85em; }
  button { font: inherit; padding: .5rem 1rem; border-radius: 6px; border: 1px solid #8a8886; background: transparent; color: inherit; cursor: pointer; }
  button.primary { background: #0f6cbd; border-color: #0f6cbd; color: #fff; }
  main[data-handshake="pending"] { visibility: hidden; }
  @media (prefers-color-scheme: dark) { body { background: #16181c; color: #eee; } main { background: #23262b; } code { color: #aaa; } }
${content.style ?? ""}</style>
</head>
<body>
<main${data}>
  <h1>${escapeHtml(content.heading)}</h1>
${content.paragraphs.map((p) => `  <p>${escapeHtml(p)}</p>`).join("\n")}
${content.code ? `  <p><code>${escapeHtml(content.code)}</code></p>\n` : ""}${content.form ? renderForm(content.form) : ""}${content.html ?? ""}</main>
${script}
</body>
</html>`;
}
