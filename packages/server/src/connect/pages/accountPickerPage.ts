import type { AdAccount } from "@ads-connect/shared";
import { escapeHtml, isolate, plainText, renderHtmlPage } from "./htmlPage.js";
import { scriptJson } from "./resultPage.js";
import { fill, fillPlural, type PageStrings, productName } from "./strings/pageStrings.js";

/** Past this many accounts the picker offers a search box. */
export const SEARCH_THRESHOLD = 8;
export const PICKER_FORM_ID = "adsc-picker";

export interface PickerPageInput {
  mode: "single" | "multiple";
  accounts: AdAccount[];
  /** The form's target (the picker's POST URL). */
  action: string;
  /** The one-time picker token (the form's hidden field). */
  token: string;
  /** Who signed in, as Microsoft named them. */
  user: string;
  /** PRODUCT_NAME; null: the language's "this app". */
  productName: string | null;
  /** The page's language. */
  strings: PageStrings;
  /** Shown above the list after a refused choice (nothing, or not exactly one, chosen). */
  error?: "chooseOne" | "chooseAtLeastOne" | undefined;
  /** Ids ticked when the page is shown again. */
  checked?: readonly string[] | undefined;
}

const STYLE = `
  main { max-inline-size: 40rem; inline-size: calc(100% - 2rem); box-sizing: border-box; }
  fieldset { border: 1px solid #c8c6c4; border-radius: 8px; margin-block: 0 1rem; margin-inline: 0; padding: 0; }
  legend { padding-block: 0; padding-inline: .5rem; margin-inline-start: .5rem; font-weight: 600; }
  .adsc-list { max-block-size: 55vh; overflow: auto; padding: .25rem; }
  .adsc-account { display: flex; gap: .6rem; align-items: flex-start; padding: .5rem; border-radius: 6px; }
  .adsc-account:hover, .adsc-account:focus-within { background: rgba(15,108,189,.08); }
  .adsc-account input { margin-block-start: .3rem; inline-size: 1.1rem; block-size: 1.1rem; flex: none; }
  .adsc-account label { cursor: pointer; flex: 1; }
  .adsc-name { display: block; font-weight: 600; }
  .adsc-meta { display: block; font-size: .85rem; color: #555; }
  .adsc-search { margin-block: 0 .75rem; }
  .adsc-search label { display: block; font-weight: 600; }
  .adsc-search input { font: inherit; inline-size: 100%; box-sizing: border-box; padding-block: .45rem; padding-inline: .6rem; border: 1px solid #8a8886; border-radius: 6px; background: transparent; color: inherit; }
  .adsc-hint, .adsc-count { font-size: .85rem; color: #555; margin-block: .25rem 0; margin-inline: 0; }
  .adsc-error { color: #a4262c; font-weight: 600; }
  :focus-visible { outline: 3px solid #0f6cbd; outline-offset: 2px; }
  [hidden] { display: none !important; }
  @media (prefers-color-scheme: dark) {
    .adsc-meta, .adsc-hint, .adsc-count { color: #bbb; }
    .adsc-error { color: #f1707b; }
    :focus-visible { outline-color: #62abf5; }
    .adsc-account:hover, .adsc-account:focus-within { background: rgba(98,171,245,.14); }
  }
`;

/**
 * "Number F12A34BC · Account ID 180278106 · Customer 251186883": users confuse the three, so all are
 * named. Markup: each value in its own <bdi>, so a right-to-left page keeps it readable.
 */
function metaLine(account: AdAccount, t: PageStrings): string {
  const value = (v: string) => `<bdi>${escapeHtml(plainText(v))}</bdi>`;
  const parts = [
    account.number ? `${escapeHtml(t.number)} ${value(account.number)}` : null,
    `${escapeHtml(t.accountId)} ${value(account.id)}`,
    `${escapeHtml(t.customer)} ${value(account.customer_id)}`,
    account.status && account.status !== "Active" ? escapeHtml(fill(t.status, { status: "\ue000" })).replace("\ue000", value(account.status)) : null,
  ];
  return parts.filter((p): p is string => p !== null).join(" · ");
}

function row(account: AdAccount, index: number, input: PickerPageInput): string {
  const t = input.strings;
  const id = `adsc-a-${index}`;
  const type = input.mode === "single" ? "radio" : "checkbox";
  const haystack = plainText([account.name, account.number, account.id, account.customer_id].filter(Boolean).join(" ")).toLowerCase();
  const checked = input.checked?.includes(account.id) ? " checked" : "";
  // One required radio makes the group required (the browser asks before sending nothing).
  const required = input.mode === "single" && index === 0 ? " required" : "";
  return (
    `<div class="adsc-account" data-search="${escapeHtml(haystack)}">` +
    `<input type="${type}" id="${id}" name="account_id" value="${escapeHtml(account.id)}"${checked}${required} aria-describedby="${id}-meta">` +
    `<label for="${id}"><span class="adsc-name">${account.name ? `<bdi>${escapeHtml(plainText(account.name))}</bdi>` : escapeHtml(t.unnamed)}</span>` +
    `<span class="adsc-meta" id="${id}-meta">${metaLine(account, t)}</span></label></div>`
  );
}

/**
 * The popup's account picker: one form that works without script (radio buttons or checkboxes and
 * a submit button); with script, a search box past SEARCH_THRESHOLD accounts filters the list and
 * announces the number of matches (aria-live). Every text comes from the strings table.
 */
export function renderAccountPickerPage(input: PickerPageInput, cspNonce: string): string {
  const t = input.strings;
  const count = input.accounts.length;
  const searchable = count > SEARCH_THRESHOLD;
  const search = searchable
    ? `<div class="adsc-search" id="adsc-search-box" hidden>
  <label for="adsc-search">${escapeHtml(t.searchLabel)}</label>
  <input type="search" id="adsc-search" autocomplete="off" spellcheck="false" aria-controls="adsc-list" aria-describedby="adsc-search-hint adsc-count">
  <p class="adsc-hint" id="adsc-search-hint">${escapeHtml(t.searchHint)}</p>
  <p class="adsc-count" id="adsc-count" role="status" aria-live="polite">${escapeHtml(fillPlural(t, t.countAll, count, { count }))}</p>
</div>
`
    : "";
  const error = `<p class="adsc-error" id="adsc-picker-error" role="alert"${input.error ? "" : " hidden"}>${escapeHtml(input.error ? t[input.error] : "")}</p>`;
  const html = `  <form id="${PICKER_FORM_ID}" method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="picker" value="${escapeHtml(input.token)}">
${search}${error}
<fieldset>
<legend>${escapeHtml(t.legend)}</legend>
<div class="adsc-list" id="adsc-list">
${input.accounts.map((a, i) => row(a, i, input)).join("\n")}
</div>
</fieldset>
<button type="submit" class="primary">${escapeHtml(t.submit)}</button>
</form>
`;
  const script = `
(function () {
  var t = ${scriptJson({ countAll: t.countAll, countMatches: t.countMatches, noMatches: t.noMatches, chooseAtLeastOne: t.chooseAtLeastOne })};
  var lang = ${scriptJson(t.lang)};
  var total = ${count};
  var plural = new Intl.PluralRules(lang);
  var number = new Intl.NumberFormat(lang);
  // A plural text's form for n, its numbers written the language's way.
  function fill(forms, n, v) {
    var s = typeof forms === "string" ? forms : forms[plural.select(n)] || forms.other;
    return s.replace(/\\{(\\w+)\\}/g, function (m, k) { return k in v ? (typeof v[k] === "number" ? number.format(v[k]) : String(v[k])) : m; });
  }
  var form = document.getElementById(${scriptJson(PICKER_FORM_ID)});
  var error = document.getElementById("adsc-picker-error");
  var rows = Array.prototype.slice.call(document.querySelectorAll(".adsc-account"));
  ${
    input.mode === "multiple"
      ? `form.addEventListener("submit", function (e) {
    if (form.querySelector("input[name=account_id]:checked")) return;
    e.preventDefault();
    error.textContent = t.chooseAtLeastOne;
    error.hidden = false;
  });`
      : ""
  }
  var box = document.getElementById("adsc-search-box");
  if (!box) return;
  var input = document.getElementById("adsc-search");
  var status = document.getElementById("adsc-count");
  var timer;
  box.hidden = false;
  function update() {
    var q = input.value.trim().toLowerCase();
    var matches = 0;
    for (var i = 0; i < rows.length; i++) {
      var hit = !q || rows[i].getAttribute("data-search").indexOf(q) !== -1;
      rows[i].hidden = !hit;
      if (hit) matches++;
    }
    // Announced once typing pauses, not on every key.
    clearTimeout(timer);
    timer = setTimeout(function () {
      status.textContent = !q ? fill(t.countAll, total, { count: total }) : matches ? fill(t.countMatches, matches, { matches: matches, count: total }) : fill(t.noMatches, 0, { query: input.value.trim() });
    }, 250);
  }
  input.addEventListener("input", update);
  // Enter in the search box filters; it does not send the form.
  input.addEventListener("keydown", function (e) { if (e.key === "Enter") e.preventDefault(); });
})();
`;
  return renderHtmlPage(
    {
      heading: input.mode === "single" ? t.headingSingle : t.headingMultiple,
      paragraphs: [
        fill(input.mode === "single" ? t.intro : t.introMultiple, { user: isolate(input.user), product: isolate(productName(t, input.productName)) }, t),
      ],
      data: { "account-picker": input.mode, "account-count": String(count) },
      html,
      style: STYLE,
      lang: t.lang,
      dir: t.dir,
      script,
    },
    cspNonce,
  );
}
