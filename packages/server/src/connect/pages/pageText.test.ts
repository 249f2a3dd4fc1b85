import { CONNECT_SUCCESS } from "@ads-connect/shared";
import { describe, expect, it } from "vitest";
import { renderAccountPickerPage } from "./accountPickerPage.js";
import { isolate, plainText, renderHtmlPage } from "./htmlPage.js";
import { renderResultPage } from "./resultPage.js";
import { BUILT_IN } from "./strings/pageStrings.js";

/** Controls and bidi formatting characters no page may carry from its inputs (tab and newline are the page's own). */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2069\ufeff\ue000\ue001]/;
const RLO = "\u202e";

describe("text from outside on the popup's pages", () => {
  it("plainText drops C0/C1 controls and bidi marks, embeddings, overrides and isolates; whitespace controls become spaces", () => {
    expect(plainText(`a${RLO}b\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u0000\u001b\u007f\u0080\u009fc\td\ne\u0085f`)).toBe(
      "abc d e f",
    );
    expect(plainText("Zoë 東京 مرحبا")).toBe("Zoë 東京 مرحبا");
    // Invisible characters (zero-width space/joiners, word joiner, BOM) go; line and paragraph separators become spaces.
    expect(plainText("a\u200bb\u200c\u200dc\u2060\u2064\ufeffd\u2028e\u2029f")).toBe("abcd e f");
  });

  it("isolate() parts become <bdi> elements; a stray or forged marker is dropped, never markup", () => {
    const html = renderHtmlPage({ heading: `Hi ${isolate("x\ue001<b>")}`, paragraphs: [`${isolate(`${RLO}evil`)} and \ue000 <i>`], data: {} }, "n");
    expect(html).toContain("<h1>Hi <bdi>x&#60;b&#62;</bdi></h1>");
    expect(html).toContain("<p><bdi>evil</bdi> and  &#60;i&#62;</p>");
    expect(html).toContain("<title>Hi x&#60;b&#62;</title>");
    expect(html).not.toMatch(UNSAFE);
  });

  it("the account picker: the signed-in user, PRODUCT_NAME and account names without U+202E, each in a <bdi>", () => {
    const html = renderAccountPickerPage(
      {
        mode: "multiple",
        accounts: [{ id: "180278106", customer_id: "251186883", name: `${RLO}Contoso\u0007 Ads`, number: `F12A${RLO}34BC`, status: `Paused${RLO}` } as never],
        action: "https://ads-connect.example/oauth/connect/microsoft-ads/accounts",
        token: "t",
        user: `${RLO}Adele Vance (adele@contoso.example)`,
        productName: `Acme${RLO}`,
        strings: BUILT_IN.en,
      },
      "n",
    );
    expect(html).toContain("Signed in as <bdi>Adele Vance (adele@contoso.example)</bdi>. Choose which accounts <bdi>Acme</bdi> may use.");
    expect(html).toContain('<span class="adsc-name"><bdi>Contoso Ads</bdi></span>');
    expect(html).not.toMatch(UNSAFE);
  });

  it("the result page: the user's and the accounts' names without U+202E, each in a <bdi>", () => {
    const html = renderResultPage(
      {
        type: CONNECT_SUCCESS,
        connection_id: "c",
        provider_config_key: "microsoft-ads",
        operation: "creation",
        account: { username: `adele${RLO}@contoso.example`, display_name: `${RLO}Adele`, tenant_id: "t", account_type: "organizational" },
        accounts: [{ id: "1", customer_id: "2", name: `${RLO}Contoso`, number: `F${RLO}1` } as never],
      } as never,
      null,
      "n",
      BUILT_IN.en,
    );
    expect(html).toContain("Signed in as <bdi>Adele</bdi> (<bdi>adele@contoso.example</bdi>).");
    expect(html).toContain("Accounts: <bdi>Contoso</bdi> (<bdi>F1</bdi>).");
    expect(html.replace(/<script[\s\S]*<\/script>/, "")).not.toMatch(UNSAFE);
  });
});
