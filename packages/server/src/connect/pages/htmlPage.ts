export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Where isolated text starts and ends inside a page's plain text (private-use, stripped from any input). */
const ISOLATE_START = "\ue000";
const ISOLATE_END = "\ue001";
/**
 * C0 and C1 controls (whitespace ones become a space), and the bidi marks, embeddings, overrides
 * and isolates (U+061C, U+200E/F, U+202A–E, U+2066–9): a U+202E in a name would turn the
 * sentence around it; and the isolation markers themselves.
 */
const CONTROLS = /[\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ue000\ue001]/g;
const WHITESPACE_CONTROLS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;

/** Text from outside (a name, an email, PRODUCT_NAME) without control and bidi formatting characters. */
export function plainText(text: string): string {
  return text.replace(CONTROLS, "").replace(WHITESPACE_CONTROLS, " ");
}

/**
 * Text from outside, cleaned (plainText) and marked to be shown in its own `<bdi>`, so its
 * direction cannot reorder the sentence around it. For the page's heading and paragraphs.
 */
export function isolate(text: string): string {
  return `${ISOLATE_START}${plainText(text)}${ISOLATE_END}`;
}

/** Escaped text whose isolate() parts become <bdi> elements (a stray marker is dropped). */
function withIsolates(text: string): string {
  return escapeHtml(text)
    .replace(/\ue000([^\ue000\ue001]*)\ue001/g, "<bdi>$1</bdi>")
    .replace(/[\ue000\ue001]/g, "");
}

export interface PageContent {
  heading: string;
  /** Plain text paragraphs (escaped here; isolate() parts shown in <bdi>). */
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
  /** The page's language (default "en") and writing direction (default "ltr"). */
  lang?: string;
  dir?: "ltr" | "rtl";
}

function renderForm(form: NonNullable<PageContent["form"]>): string {
  const fields = Object.entries(form.fields).map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`);
  const buttons = form.buttons.map(
    (b) =>
      `<button type="submit" name="${escapeHtml(b.name)}" value="${escapeHtml(b.value)}"${b.primary ? ' class="primary"' : ""}>${escapeHtml(b.label)}</button>`,
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
<html lang="${escapeHtml(content.lang ?? "en")}" dir="${content.dir === "rtl" ? "rtl" : "ltr"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(content.heading.replace(/[\ue000\ue001]/g, ""))}</title>
<style nonce="${cspNonce}">
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; display: grid; place-items: center; min-block-size: 100vh; color: #1b1b1b; background: #f6f7f9; }
  main { max-inline-size: 28rem; padding: 2rem; background: #fff; border-radius: 12px; box-shadow: 0 1px 4px rgba(0,0,0,.12); }
  h1 { font-size: 1.25rem; margin-block: 0 .5rem; margin-inline: 0; }
  code { color: #555; font-size: .85em; }
  button { font: inherit; padding-block: .5rem; padding-inline: 1rem; border-radius: 6px; border: 1px solid #8a8886; background: transparent; color: inherit; cursor: pointer; }
  button.primary { background: #0f6cbd; border-color: #0f6cbd; color: #fff; }
  main[data-handshake="pending"] { visibility: hidden; }
  @media (prefers-color-scheme: dark) { body { background: #16181c; color: #eee; } main { background: #23262b; } code { color: #aaa; } }
${content.style ?? ""}</style>
</head>
<body>
<main${data}>
  <h1>${withIsolates(content.heading)}</h1>
${content.paragraphs.map((p) => `  <p>${withIsolates(p)}</p>`).join("\n")}
${content.code ? `  <p><code>${escapeHtml(content.code)}</code></p>\n` : ""}${content.form ? renderForm(content.form) : ""}${content.html ?? ""}</main>
${script}
</body>
</html>`;
}
