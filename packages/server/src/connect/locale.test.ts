import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrowserClient } from "../testing/browserClient.js";
import { type Harness, resultOf, signInAs, startHarness, submitStart } from "../testing/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const session = (extra: Record<string, unknown> = {}) => h.createSession({ end_user: { id: "end-user-locale", display_name: "Zoë" }, ...extra });
const lastUiLocales = () => h.emulator.lastAuthorizeRequest?.get("ui_locales");

describe("the popup's language", () => {
  it("the session's locale: German start page, Microsoft asked for ui_locales=de, and the result page in German on another instance", async () => {
    const { token } = await session({ locale: "de" });
    const browser = new BrowserClient({ "accept-language": "fr" });
    const start = await browser.get(h.startUrl(token));
    expect(start.body).toContain('<html lang="de" dir="ltr">');
    expect(start.body).toContain("<h1>Microsoft Advertising verbinden?</h1>");
    expect(start.body).toContain(">Weiter</button>");
    const login = await submitStart(browser, start);
    expect(lastUiLocales()).toBe("de");
    expect(login.body).toContain('data-ui-locale="de"');

    // The callback lands on a second instance (same public URL, as behind a load balancer): the stored locale decides.
    const other = await h.startInstance({ PUBLIC_URL: h.server.url });
    try {
      const callback = await signInAs(browser, login, "adele@contoso.example", { follow: false });
      const location = new URL(callback.headers.get("location")!);
      const page = await browser.get(`${other.url}${location.pathname}${location.search}`);
      expect(page.body).toContain('<html lang="de" dir="ltr">');
      expect(page.body).toContain("<h1>Microsoft Advertising verbunden</h1>");
      expect(page.body).toContain("Angemeldet als <bdi>Adele Vance</bdi>");
    } finally {
      await other.close();
    }
  });

  it("without a locale the browser's Accept-Language decides (pages and ui_locales); right to left for Arabic", async () => {
    const { token } = await session();
    const browser = new BrowserClient({ "accept-language": "ar-EG,ar;q=0.9,en;q=0.5" });
    const start = await browser.get(h.startUrl(token));
    expect(start.body).toContain('<html lang="ar" dir="rtl">');
    expect(start.body).toContain("<bdi>Zoë</bdi>");
    // Cancel: the result page and the result posted to the widget say so in Arabic.
    const cancelled = await submitStart(browser, start, "cancel");
    expect(cancelled.body).toContain('<html lang="ar" dir="rtl">');
    const result = resultOf(cancelled);
    expect(result.type === "ads-connect:error" && result.error).toMatchObject({ code: "user_cancelled", message: "ألغيت العملية. لم يتم ربط أي شيء." });

    const { token: second } = await session();
    const ja = new BrowserClient({ "accept-language": "ja-JP, en;q=0.8" });
    await submitStart(ja, await ja.get(h.startUrl(second)));
    expect(lastUiLocales()).toBe("ja");
  });

  it("an unsupported locale falls back to the browser's language, then English; a malformed one is a 400", async () => {
    const { token } = await session({ locale: "pt-BR" });
    const page = await new BrowserClient({ "accept-language": "es-MX" }).get(h.startUrl(token));
    expect(page.body).toContain('<html lang="es" dir="ltr">');
    const english = await new BrowserClient().get(h.startUrl((await session()).token));
    expect(english.body).toContain('<html lang="en" dir="ltr">');
    expect(english.body).toContain("<h1>Connect Microsoft Advertising?</h1>");

    const bad = await h.api("POST", "/connect/sessions", { end_user: { id: "x" }, locale: "de_DE<script>" });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { code: "invalid_body" } });
    expect(bad.text).toContain("locale");
  });

  it("without PRODUCT_NAME the picker says 'this app' mid-sentence (not 'This app'), in the page's language", async () => {
    for (const [lang, text] of [
      ["en", "Choose which accounts <bdi>this app</bdi> may use."],
      ["de", "Wählen Sie, welche Konten <bdi>diese App</bdi> verwenden darf."],
    ] as const) {
      const browser = new BrowserClient({ "accept-language": lang });
      const { token } = await session();
      const picker = await signInAs(browser, await submitStart(browser, await browser.get(h.startUrl(token))), "three@contoso.example");
      expect(picker.body).toContain(text);
    }
  });

  it("an error page before any session (a wrong token) speaks the browser's language", async () => {
    const page = await new BrowserClient({ "accept-language": "fr-FR" }).get(h.startUrl("adsc_cs_nope"));
    expect(page.status).toBe(401);
    expect(page.body).toContain('<html lang="fr" dir="ltr">');
    expect(page.body).toContain("<h1>Impossible de connecter Microsoft Advertising</h1>");
    expect(page.body).toContain("Ce lien de connexion n’est pas valide.");
  });
});
