import { act } from "react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { postFromPopup, stubWindowOpen } from "../core/testPopup.js";
import { ConnectMicrosoftAds } from "./ConnectMicrosoftAds.js";
import { DEFAULT_LABELS, loadConnectLabels, resolveWidgetLanguage, WIDGET_LANGUAGES } from "./labels.js";
import { render, server, settle, waitUntil } from "./testRender.js";

let stub: ReturnType<typeof stubWindowOpen>;
let view: ReturnType<typeof render> | undefined;
beforeEach(() => {
  stub = stubWindowOpen();
});
afterEach(async () => {
  view?.unmount();
  view = undefined;
  stub.restore();
  await settle();
});
const rootOf = () => view!.container.firstElementChild as HTMLElement;
const button = () => view!.container.querySelector("button")!;
const status = () => view!.container.querySelector('[role="status"]')!;

describe("the component's languages", () => {
  it("lang, else the browser's languages, else English; a region is ignored", () => {
    expect(resolveWidgetLanguage("de-AT", [])).toBe("de");
    expect(resolveWidgetLanguage("pt-BR", ["ja-JP", "en"])).toBe("ja");
    expect(resolveWidgetLanguage(undefined, ["nl", "fr-CA"])).toBe("fr");
    expect(resolveWidgetLanguage(undefined, ["nl"])).toBe("en");
    expect(resolveWidgetLanguage(undefined, [])).toBe("en");
  });

  it("every language's catalogue has every text, and English is built in", async () => {
    expect(await loadConnectLabels("en")).toBe(DEFAULT_LABELS);
    for (const lang of WIDGET_LANGUAGES.filter((l) => l !== "en")) {
      const labels = await loadConnectLabels(lang);
      for (const key of Object.keys(DEFAULT_LABELS) as (keyof typeof DEFAULT_LABELS)[]) expect(labels[key], `${lang}.${key}`).not.toBe(DEFAULT_LABELS[key]);
      expect(labels.errors.popup_blocked).toBeTruthy();
    }
  });

  it("plural rules and numbers: 'and N more' in each language's forms", async () => {
    const a = { name: "Contoso", number: "F1" };
    const de = await loadConnectLabels("de");
    expect(de.connectedTo(a, 1)).toBe("Verbunden: Contoso · F1 und 1 weiteres");
    expect(de.connectedTo(a, 1200)).toBe("Verbunden: Contoso · F1 und 1.200 weitere");
    const fr = await loadConnectLabels("fr");
    expect(fr.connectedTo(a, 1)).toBe("Connecté : Contoso · F1 et 1 autre");
    expect(fr.connectedTo(a, 2)).toBe("Connecté : Contoso · F1 et 2 autres");
    const ar = await loadConnectLabels("ar");
    expect(ar.connectedTo(a, 1)).toBe("متصل: Contoso · F1 وحساب آخر");
    expect(ar.connectedTo(a, 2)).toBe("متصل: Contoso · F1 وحسابان آخران");
    expect(ar.connectedTo(a, 3)).toContain("حسابات أخرى");
    expect(ar.connectedTo(a, 11)).toContain("حسابًا آخر");
    expect(DEFAULT_LABELS.connectedTo(a, 0)).toBe("Connected: Contoso · F1");
  });

  it("lang='de': German once its catalogue loaded, lang and dir on the root; labels still win; error codes translated", async () => {
    view = render(<ConnectMicrosoftAds serverUrl={server().serverUrl} sessionToken="adsc_cs_x" lang="de" labels={{ retry: "Nochmal" }} />);
    await waitUntil(() => expect(button().textContent).toBe("Microsoft Ads verbinden"));
    expect(rootOf().lang).toBe("de");
    expect(rootOf().dir).toBe("ltr");
    act(() => button().click());
    const declined = { type: "ads-connect:error", error: { code: "consent_declined", message: "You declined.", actor: "end_user", aadsts: 65004 } };
    await act(() => postFromPopup(declined, new URL(server().serverUrl).origin, stub.opened[0]!.popup));
    expect(status().textContent).toBe("Sie haben die Berechtigungen abgelehnt, die Microsoft Advertising benötigt.");
    expect(button().textContent).toBe("Nochmal");
  });

  it("lang='ar': right to left", async () => {
    view = render(<ConnectMicrosoftAds serverUrl={server().serverUrl} sessionToken="adsc_cs_x" lang="ar" />);
    await waitUntil(() => expect(button().textContent).toBe("ربط Microsoft Ads"));
    expect(rootOf().getAttribute("dir")).toBe("rtl");
    expect(rootOf().lang).toBe("ar");
  });
});
