import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SUPPORTED_LOCALES } from "@ads-connect/shared";
import { afterAll, describe, expect, it } from "vitest";
import { testAdAccount } from "../../../testing/testAdAccount.js";
import { renderAccountPickerPage } from "../accountPickerPage.js";
import { renderStartPage } from "../startPage.js";
import { matchLocale, negotiateLocale, resolveLocale } from "./negotiate.js";
import { BUILT_IN, fill, fillPlural, formatDate, loadPageCatalogues, type Plural } from "./pageStrings.js";

const dir = mkdtempSync(path.join(tmpdir(), "page-strings-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: unknown) => {
  const p = path.join(dir, name);
  writeFileSync(p, typeof content === "string" ? content : JSON.stringify(content));
  return p;
};
const picker = (strings = BUILT_IN.en, productName: string | null = "P") =>
  renderAccountPickerPage(
    { mode: "multiple", accounts: [testAdAccount(1), testAdAccount(2)], action: "https://x.example/a", token: "t", user: "U", productName, strings },
    "nonce",
  );

describe("language negotiation", () => {
  it("Accept-Language: by weight then order, q=0 refuses, regions fall back to the language, else English", () => {
    expect(negotiateLocale("de-DE,de;q=0.9,en;q=0.8")).toBe("de");
    expect(negotiateLocale("pt-BR, fr-CA;q=0.5, en;q=0.4")).toBe("fr");
    expect(negotiateLocale("en;q=0.2, ja;q=0.9")).toBe("ja");
    expect(negotiateLocale("ar-EG")).toBe("ar");
    expect(negotiateLocale("es;q=0, de")).toBe("de");
    expect(negotiateLocale("pt-BR, nl")).toBe("en");
    expect(negotiateLocale("*")).toBe("en");
    expect(negotiateLocale("")).toBe("en");
    expect(negotiateLocale(undefined)).toBe("en");
    expect(negotiateLocale("de;q=abc, fr")).toBe("fr");
  });

  it("the session's locale wins over the browser's when supported; an unsupported one defers to the browser", () => {
    expect(matchLocale("FR-ca")).toBe("fr");
    expect(matchLocale("zh-Hant")).toBeUndefined();
    expect(resolveLocale("ja", "de")).toBe("ja");
    expect(resolveLocale("pt-BR", "es-MX")).toBe("es");
    expect(resolveLocale(null, null)).toBe("en");
  });
});

describe("plurals, numbers and dates", () => {
  it("each language's plural categories pick the right form (Arabic's six included), numbers written the language's way", () => {
    const forms = (l: keyof typeof BUILT_IN) => BUILT_IN[l].countAll as Plural;
    expect(fillPlural(BUILT_IN.en, forms("en"), 1, { count: 1 })).toBe("1 account");
    expect(fillPlural(BUILT_IN.en, forms("en"), 1234, { count: 1234 })).toBe("1,234 accounts");
    expect(fillPlural(BUILT_IN.de, forms("de"), 1234, { count: 1234 })).toBe("1.234 Konten");
    expect(fillPlural(BUILT_IN.fr, forms("fr"), 1, { count: 1 })).toBe("1 compte");
    expect(fillPlural(BUILT_IN.fr, forms("fr"), 2, { count: 2 })).toBe("2 comptes");
    expect(fillPlural(BUILT_IN.ja, forms("ja"), 3, { count: 3 })).toBe("3 件のアカウント");
    expect(fillPlural(BUILT_IN.ar, forms("ar"), 1, { count: 1 })).toBe("حساب واحد");
    expect(fillPlural(BUILT_IN.ar, forms("ar"), 2, { count: 2 })).toBe("حسابان");
    expect(fillPlural(BUILT_IN.ar, forms("ar"), 3, { count: 3 })).toMatch(/^\S+ حسابات$/);
    expect(fillPlural(BUILT_IN.ar, forms("ar"), 11, { count: 11 })).toMatch(/^\S+ حسابًا$/);
    expect(fillPlural(BUILT_IN.ar, forms("ar"), 100, { count: 100 })).toMatch(/^\S+ حساب$/);
    expect(fillPlural(BUILT_IN.en, BUILT_IN.en.tooManyRetry, 1, { seconds: 1 })).toBe("Too many requests came from your network. Try again in 1 second.");
  });

  it("dates are written the language's way (UTC)", () => {
    const at = Date.UTC(2026, 11, 7, 9, 30);
    expect(formatDate(BUILT_IN.en, at)).toBe("December 7, 2026 at 9:30 AM");
    expect(formatDate(BUILT_IN.de, at)).toBe("7. Dezember 2026 um 09:30");
    expect(formatDate(BUILT_IN.ja, at)).toBe("2026年12月7日 9:30");
  });
});

describe("the built-in tables", () => {
  it("every language has every text, each placeholder one English has, and the right direction", () => {
    const placeholders = (s: string) => new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
    const texts = (v: unknown): string[] => (typeof v === "string" ? [v] : Object.values(v as object).flatMap(texts));
    for (const locale of SUPPORTED_LOCALES) {
      const t = BUILT_IN[locale];
      expect(t.lang).toBe(locale);
      expect(t.dir).toBe(locale === "ar" ? "rtl" : "ltr");
      for (const [key, en] of Object.entries(BUILT_IN.en)) {
        if (key === "errors") continue;
        const allowed = new Set(texts(en).flatMap((s) => [...placeholders(s)]));
        for (const s of texts((t as Record<string, unknown>)[key])) for (const p of placeholders(s)) expect(allowed, `${locale}.${key} {${p}}`).toContain(p);
      }
      // Product terms stay untranslated.
      expect(t.startHeading).toContain("Microsoft Advertising");
    }
  });

  it("without PRODUCT_NAME the pages say the language's 'this app' (capitalized at a sentence's start), not 'This app' mid-sentence", () => {
    expect(picker(BUILT_IN.en, null)).toContain("Choose which accounts <bdi>this app</bdi> may use.");
    expect(picker(BUILT_IN.de, null)).toContain("welche Konten <bdi>diese App</bdi> verwenden darf.");
    const start = renderStartPage(
      {
        productName: null,
        strings: BUILT_IN.de,
        endUser: { id: "u1" },
        action: "https://x.example/c",
        proof: "p",
        origin: null,
        flow: null,
        handshakeNonce: "n",
      },
      "nonce",
    );
    expect(start).toContain("<bdi>Diese App</bdi> möchte Ihr Microsoft Advertising-Konto");
    // A real name is kept as written, even at a sentence's start.
    expect(fill("{product} wants", { product: "eBay" }, BUILT_IN.en)).toBe("eBay wants");
  });

  it("a right-to-left page has dir=rtl and lang", () => {
    expect(picker(BUILT_IN.ar)).toContain('<html lang="ar" dir="rtl">');
    expect(picker(BUILT_IN.fr)).toContain('<html lang="fr" dir="ltr">');
  });
});

describe("the product team's texts", () => {
  it("PAGE_STRINGS_FILE overrides any text per language, plural forms and error messages included; the rest stays built in", () => {
    const all = loadPageCatalogues({
      pageStringsFile: file("pages.json", {
        de: { continue: "Los geht's", countAll: { one: "ein Konto", other: "{count} Werbekonten" }, errors: { consent_declined: "Abgelehnt." } },
        en: { submit: "Go", countAll: "{count} ad accounts" },
      }),
    });
    expect(all.de.continue).toBe("Los geht's");
    expect(all.de.cancel).toBe(BUILT_IN.de.cancel);
    expect(all.de.errors.consent_declined).toBe("Abgelehnt.");
    expect(all.de.errors.user_cancelled).toBe(BUILT_IN.de.errors.user_cancelled);
    expect(fillPlural(all.de, all.de.countAll, 1, { count: 1 })).toBe("ein Konto");
    expect(fillPlural(all.en, all.en.countAll, 1, { count: 1 })).toBe("1 ad accounts");
    expect(all.fr).toEqual(BUILT_IN.fr);
    expect(picker(all.en)).toContain('<button type="submit" class="primary">Go</button>');
  });

  it("the older ACCOUNT_PICKER_STRINGS_FILE (one flat table) still works, for the language its lang names; PAGE_STRINGS_FILE applies on top", () => {
    const all = loadPageCatalogues({
      pickerStringsFile: file("de.json", { lang: "de", headingMultiple: "Wählen Sie Ihre Konten", submit: "Weiter!", number: "Nr." }),
      pageStringsFile: file("over.json", { de: { submit: "Weiter!!" } }),
    });
    const html = picker(all.de);
    expect(html).toContain('<html lang="de" dir="ltr">');
    expect(html).toContain("<h1>Wählen Sie Ihre Konten</h1>");
    expect(html).toContain(">Weiter!!</button>");
    expect(html).toContain(`Nr. <bdi>${testAdAccount(1).number}</bdi>`);
    expect(loadPageCatalogues({ pickerStringsFile: file("plain.json", { submit: "Go" }) }).en.submit).toBe("Go");
  });

  it("refuses an unknown language or key, a wrong plural form or a file that is not JSON, naming the setting", () => {
    expect(() => loadPageCatalogues({ pageStringsFile: file("lang.json", { nl: { submit: "Verder" } }) })).toThrow(/PAGE_STRINGS_FILE: .*nl/);
    expect(() => loadPageCatalogues({ pageStringsFile: file("key.json", { de: { submitt: "Go" } }) })).toThrow(/PAGE_STRINGS_FILE: .*submitt/);
    expect(() => loadPageCatalogues({ pageStringsFile: file("plural.json", { en: { countAll: { one: "x" } } }) })).toThrow(/PAGE_STRINGS_FILE: en\.countAll/);
    expect(() => loadPageCatalogues({ pickerStringsFile: file("typo.json", { submitt: "Go" }) })).toThrow(/ACCOUNT_PICKER_STRINGS_FILE/);
    expect(() => loadPageCatalogues({ pageStringsFile: file("bad.json", "{") })).toThrow(/PAGE_STRINGS_FILE: cannot read it as JSON/);
  });

  it("escapes account names (they come from Microsoft, typed by people)", () => {
    const html = renderAccountPickerPage(
      {
        mode: "single",
        accounts: [testAdAccount(1, { name: '<img src=x onerror="alert(1)">', status: "<b>Paused</b>" })],
        action: "https://x.example/a",
        token: "t",
        user: "U",
        productName: "P",
        strings: BUILT_IN.en,
      },
      "nonce",
    );
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<b>");
    expect(html).toContain("&#60;img");
    expect(html).toContain("Status: <bdi>&#60;b&#62;Paused&#60;/b&#62;</bdi>");
  });
});
