import { BrowserClient, beginSignIn, resultOf, signInAs } from "@ads-connect/server/testing";
import { act } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AdAccount } from "../core/protocol.js";
import { postFromPopup, SUCCESS_RESULT, stubWindowOpen } from "../core/testPopup.js";
import { ConnectMicrosoftAds } from "./ConnectMicrosoftAds.js";
import { createSession, render, server, settle, waitUntil } from "./testRender.js";

let stub: ReturnType<typeof stubWindowOpen>;
let view: ReturnType<typeof render> | undefined;
beforeEach(() => {
  stub = stubWindowOpen();
});
afterEach(async () => {
  vi.restoreAllMocks();
  view?.unmount();
  view = undefined;
  stub.restore();
  await settle();
});

/** An ad account as the server reports it, with the given fields. */
const adAccount = (fields: Partial<AdAccount> & { id: string }): AdAccount => ({ ...SUCCESS_RESULT.accounts[0]!, ...fields });

const rootOf = () => view!.container.firstElementChild as HTMLElement;
const button = () => view!.container.querySelector("button")!;
const status = () => view!.container.querySelector('[role="status"]')!;

describe("<ConnectMicrosoftAds>", () => {
  it("is a real button that goes idle → connecting → connected with the account name", async () => {
    const onSuccess = vi.fn();
    const token = await createSession();
    view = render(<ConnectMicrosoftAds serverUrl={server().serverUrl} sessionToken={token} onSuccess={onSuccess} />);
    expect(rootOf().dataset.adscState).toBe("idle");
    expect(button().type).toBe("button");
    expect(button().textContent).toBe("Connect Microsoft Ads");
    expect(status().getAttribute("aria-live")).toBe("polite");

    act(() => button().click());
    expect(rootOf().dataset.adscState).toBe("connecting");
    expect(status().textContent).toContain("window that opened");
    // Clicking again while connecting focuses the popup rather than opening another.
    act(() => button().click());
    expect(stub.opened).toHaveLength(1);

    const browser = new BrowserClient();
    const result = resultOf(await signInAs(browser, await beginSignIn(browser, stub.opened[0]!.url), "adele@contoso.example"));
    await act(() => postFromPopup(result, new URL(server().serverUrl).origin, stub.opened[0]!.popup));
    expect(rootOf().dataset.adscState).toBe("connected");
    // Adele's one Microsoft Advertising account, chosen without asking, named with its Number.
    const [only] = result.type === "ads-connect:success" ? result.accounts : [];
    expect(only?.name).toBe("Contoso Ads");
    expect(status().textContent).toBe(`Connected: Contoso Ads · ${only!.number}`);
    expect(button().textContent).toBe("Reconnect");
    expect(onSuccess).toHaveBeenCalledTimes(1);
    expect(onSuccess.mock.calls[0]![0].accounts).toEqual([only]);
  });

  it("shows an error's plain message with its code and a retry; labels translate it", async () => {
    view = render(
      <ConnectMicrosoftAds
        serverUrl={server().serverUrl}
        sessionToken="adsc_cs_x"
        labels={{ retry: "Réessayer", errors: { consent_declined: "Vous avez refusé l'accès." } }}
      />,
    );
    act(() => button().click());
    const declined = { type: "ads-connect:error", error: { code: "consent_declined", message: "You declined.", actor: "end_user", aadsts: 65004 } };
    await act(() => postFromPopup(declined, new URL(server().serverUrl).origin, stub.opened[0]!.popup));
    expect(rootOf().dataset.adscState).toBe("error");
    expect(rootOf().dataset.adscErrorCode).toBe("consent_declined");
    expect(status().textContent).toBe("Vous avez refusé l'accès.");
    expect(button().textContent).toBe("Réessayer");
    act(() => button().click());
    expect(stub.opened).toHaveLength(2);
  });

  it("an organization that needs admin approval: the message, the link for the administrator and a copy button", async () => {
    view = render(<ConnectMicrosoftAds serverUrl={server().serverUrl} sessionToken={await createSession()} />);
    act(() => button().click());
    const browser = new BrowserClient();
    const result = resultOf(await signInAs(browser, await beginSignIn(browser, stub.opened[0]!.url), "needs-admin@fabrikam.example"));
    await act(() => postFromPopup(result, new URL(server().serverUrl).origin, stub.opened[0]!.popup));
    // The link and its copy button are a chunk of their own, loaded with this error.
    await act(async () => {
      await import("./AdminLink.js");
    });
    expect(rootOf().dataset.adscErrorCode).toBe("admin_consent_required");
    expect(status().textContent).toContain("administrator");
    const link = view.container.querySelector<HTMLAnchorElement>("a[data-adsc-admin-link]")!;
    expect(link.textContent).toBe("Approval link for your administrator");
    expect(link.href).toMatch(new RegExp(`^${server().serverUrl}/oauth/admin-consent\\?request=adsc_ac_`));
    expect(link.rel).toBe("noopener noreferrer");

    const copy = view.container.querySelectorAll("button")[1]!;
    const writeText = vi.spyOn(navigator.clipboard, "writeText");
    await act(async () => copy.click());
    expect(writeText).toHaveBeenCalledWith(link.href);
    expect(copy.textContent).toBe("Copied");
    // Other errors show no such link.
    act(() => button().click());
    expect(view.container.querySelector("a[data-adsc-admin-link]")).toBeNull();
  });

  it("a popup closed by the user: 'Sign-in window closed.' with Try again once the page has the focus; a late success still counts once", async () => {
    const onSuccess = vi.fn();
    view = render(<ConnectMicrosoftAds serverUrl={server().serverUrl} sessionToken={await createSession()} closedFocusMs={50} onSuccess={onSuccess} />);
    act(() => button().click());
    stub.opened[0]!.popup.closed = true;
    await waitUntil(() => expect(rootOf().dataset.adscState).toBe("closed"));
    expect(status().textContent).toBe("Sign-in window closed.");
    expect(button().textContent).toBe("Try again");
    expect(document.activeElement).toBe(button());
    await act(() => postFromPopup(SUCCESS_RESULT, new URL(server().serverUrl).origin, stub.opened[0]!.popup));
    expect(rootOf().dataset.adscState).toBe("connected");
    await act(() => postFromPopup(SUCCESS_RESULT, new URL(server().serverUrl).origin, stub.opened[0]!.popup));
    expect(onSuccess).toHaveBeenCalledTimes(1);
  });

  it("a popup that looks closed turns the button into Cancel, which cancels", async () => {
    // The popup (alive, cut off by COOP) holds the focus.
    vi.spyOn(document, "hasFocus").mockReturnValue(false);
    const onCancel = vi.fn();
    view = render(<ConnectMicrosoftAds serverUrl={server().serverUrl} sessionToken={await createSession()} onCancel={onCancel} />);
    act(() => button().click());
    stub.opened[0]!.popup.closed = true;
    await waitUntil(() => expect(rootOf().dataset.adscState).toBe("waiting"));
    expect(button().textContent).toBe("Cancel");
    act(() => button().click());
    expect(rootOf().dataset.adscState).toBe("idle");
    expect(status().textContent).toBe("Cancelled. Nothing was connected.");
    expect(onCancel).toHaveBeenCalledTimes(1);
  });

  describe("the connected state names the chosen Microsoft Advertising accounts", () => {
    const contoso = adAccount({ id: "150000001", name: "Contoso Ads", number: "F12A34BC" });
    const search = adAccount({ id: "150000002", name: "Contoso Search", number: "F12A34BD" });
    const brand = adAccount({ id: "150000003", name: "Contoso Brand", number: null });
    const connectWith = async (accounts: AdAccount[], props: Partial<Parameters<typeof ConnectMicrosoftAds>[0]> = {}) => {
      const onSuccess = vi.fn();
      view = render(<ConnectMicrosoftAds serverUrl={server().serverUrl} sessionToken="adsc_cs_x" onSuccess={onSuccess} {...props} />);
      act(() => button().click());
      await act(() => postFromPopup({ ...SUCCESS_RESULT, accounts }, new URL(server().serverUrl).origin, stub.opened.at(-1)!.popup));
      return onSuccess;
    };

    it("one account: its name and Number; onSuccess carries the chosen accounts", async () => {
      const onSuccess = await connectWith([contoso]);
      expect(rootOf().dataset.adscState).toBe("connected");
      expect(status().textContent).toBe("Connected: Contoso Ads · F12A34BC");
      expect(status().getAttribute("role")).toBe("status");
      expect(onSuccess).toHaveBeenCalledTimes(1);
      expect(onSuccess.mock.calls[0]![0].accounts).toEqual([contoso]);
      expect(onSuccess.mock.calls[0]![0].account.username).toBe("adele@contoso.example");
    });

    it("several accounts: the first and how many more", async () => {
      const onSuccess = await connectWith([search, contoso, brand]);
      expect(status().textContent).toBe("Connected: Contoso Search · F12A34BD and 2 more");
      expect(onSuccess.mock.calls[0]![0].accounts.map((a: { id: string }) => a.id)).toEqual(["150000002", "150000001", "150000003"]);
    });

    it("no account (the user has none yet): the Microsoft user's name; an account without a Number: its name alone", async () => {
      await connectWith([]);
      expect(status().textContent).toBe("Connected as Adele Vance");
      view!.unmount();
      await connectWith([brand]);
      expect(status().textContent).toBe("Connected: Contoso Brand");
    });

    it("the text is a label: translated with the account and the count", async () => {
      await connectWith([search, contoso], { labels: { connectedTo: (a, more) => `Connecté : ${a.name} (+${more})` } });
      expect(status().textContent).toBe("Connecté : Contoso Search (+1)");
    });

    it("an existing connection passed as `connected` shows its chosen accounts", () => {
      view = render(
        <ConnectMicrosoftAds
          serverUrl={server().serverUrl}
          sessionToken="adsc_cs_x"
          connected={{ displayName: "Adele Vance", status: "connected", accounts: [{ name: "Contoso Ads", number: "F12A34BC" }] }}
        />,
      );
      expect(rootOf().dataset.adscState).toBe("connected");
      expect(status().textContent).toBe("Connected: Contoso Ads · F12A34BC");
    });

    it("Change accounts (with getChangeAccountsToken) opens a flow on the change-accounts session and shows the new choice", async () => {
      const changeToken = await createSession();
      const getChangeAccountsToken = vi.fn(async () => changeToken);
      const onSuccess = await connectWith([contoso], { getChangeAccountsToken });
      const change = view!.container.querySelector<HTMLButtonElement>("button[data-adsc-change-accounts]")!;
      expect(change.textContent).toBe("Change accounts");
      expect(change.type).toBe("button");
      await act(async () => change.click());
      await waitUntil(() => expect(stub.opened.at(-1)!.popup.location.href).toContain(`connect_session_token=${changeToken}`));
      expect(stub.opened).toHaveLength(2);
      expect(getChangeAccountsToken).toHaveBeenCalledTimes(1);
      await act(() =>
        postFromPopup({ ...SUCCESS_RESULT, operation: "override", accounts: [search] }, new URL(server().serverUrl).origin, stub.opened[1]!.popup),
      );
      expect(status().textContent).toBe("Connected: Contoso Search · F12A34BD");
      expect(onSuccess.mock.calls[1]![0].accounts).toEqual([search]);
    });

    it("no Change accounts action without getChangeAccountsToken, nor before connecting", async () => {
      view = render(<ConnectMicrosoftAds serverUrl={server().serverUrl} sessionToken="adsc_cs_x" getChangeAccountsToken={async () => "t"} />);
      expect(view.container.querySelector("button[data-adsc-change-accounts]")).toBeNull();
      view.unmount();
      await connectWith([contoso]);
      expect(view!.container.querySelector("button[data-adsc-change-accounts]")).toBeNull();
    });
  });

  it("offers Reconnect for a connection the server reports expired", () => {
    view = render(
      <ConnectMicrosoftAds
        serverUrl={server().serverUrl}
        sessionToken="adsc_cs_x"
        connected={{ displayName: "Adele Vance", username: "adele@contoso.example", status: "expired" }}
      />,
    );
    expect(rootOf().dataset.adscState).toBe("error");
    expect(rootOf().dataset.adscErrorCode).toBe("grant_expired");
    expect(status().textContent).toContain("Adele Vance");
    expect(status().textContent).toContain("sign in as adele@contoso.example");
    expect(button().textContent).toBe("Reconnect");
  });

  it("fits the host page: its font and text colour, custom properties for the rest, no colour of its own, no global CSS", () => {
    view = render(<ConnectMicrosoftAds serverUrl={server().serverUrl} sessionToken="adsc_cs_x" />);
    expect(rootOf().style.colorScheme).toBe("");
    expect(rootOf().style.color).toBe("");
    expect(button().getAttribute("style")).toContain("var(--adsc-button-bg, transparent)");
    expect(button().getAttribute("style")).toContain("var(--adsc-button-text, inherit)");
    expect(button().getAttribute("style")).toContain("var(--adsc-border, currentColor)");
    // No colour chosen from prefers-color-scheme: the cause of the invisible status line on a white card.
    expect(view.container.innerHTML).not.toContain("light-dark");
    expect(document.querySelectorAll("style, link[rel=stylesheet]")).toHaveLength(0);
    view.unmount();
    view = render(<ConnectMicrosoftAds serverUrl={server().serverUrl} sessionToken="adsc_cs_x" theme="dark" />);
    expect(rootOf().style.colorScheme).toBe("dark");
  });
});
