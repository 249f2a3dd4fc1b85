import { BrowserClient, beginSignIn, resultOf, signInAs } from "@ads-connect/server/testing";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { postFromPopup, stubWindowOpen } from "../core/testPopup.js";
import { createSession, render, server, settle, waitUntil } from "./testRender.js";
import { type UseMicrosoftAdsConnect, type UseMicrosoftAdsConnectOptions, useMicrosoftAdsConnect } from "./useMicrosoftAdsConnect.js";

let stub: ReturnType<typeof stubWindowOpen>;
let hook: UseMicrosoftAdsConnect;
let cleanup: (() => void) | undefined;

function Probe(props: UseMicrosoftAdsConnectOptions) {
  hook = useMicrosoftAdsConnect(props);
  return <span data-status={hook.state.status} />;
}

beforeEach(() => {
  stub = stubWindowOpen();
});
afterEach(async () => {
  cleanup?.();
  cleanup = undefined;
  stub.restore();
  await settle();
});

async function signInThroughPopup(username: string) {
  const browser = new BrowserClient();
  return resultOf(await signInAs(browser, await beginSignIn(browser, stub.opened[0]!.url), username));
}

describe("useMicrosoftAdsConnect", () => {
  it.each([
    ["without a QueryClientProvider", false],
    ["inside the host's QueryClientProvider", true],
  ])("%s: polls the session once the popup looks closed and reports the result once", async (_name, withProvider) => {
    const hostClient = new QueryClient();
    const onSuccess = vi.fn();
    const token = await createSession();
    const probe = <Probe serverUrl={server().serverUrl} sessionToken={token} onSuccess={onSuccess} pollIntervalMs={50} />;
    const view = render(withProvider ? <QueryClientProvider client={hostClient}>{probe}</QueryClientProvider> : probe);
    cleanup = view.unmount;
    act(() => hook.open());
    expect(hook.state.status).toBe("connecting");
    const result = await signInThroughPopup("megan@contoso.example");
    // The opener link was cut (COOP): no message, the popup reads closed.
    stub.opened[0]!.popup.closed = true;
    await waitUntil(() => expect(hook.state.status).toBe("connected"));
    expect(hook.state.result).toEqual(result);
    expect(onSuccess).toHaveBeenCalledTimes(1);
    expect(onSuccess).toHaveBeenCalledWith(result);
    // The core polls by itself: a host's TanStack Query cache is left alone.
    expect(hostClient.getQueryCache().findAll({ queryKey: ["ads-connect"] })).toEqual([]);
  });

  it("takes the popup's message, and a second open focuses the popup", async () => {
    const onSuccess = vi.fn();
    const token = await createSession();
    cleanup = render(<Probe serverUrl={server().serverUrl} sessionToken={token} onSuccess={onSuccess} />).unmount;
    act(() => hook.open());
    act(() => hook.open());
    expect(stub.opened).toHaveLength(1);
    expect(stub.opened[0]!.popup.focusCount).toBe(1);
    const result = await signInThroughPopup("adele@contoso.example");
    await act(() => postFromPopup(result, new URL(server().serverUrl).origin, stub.opened[0]!.popup));
    expect(hook.state.status).toBe("connected");
    expect(onSuccess).toHaveBeenCalledTimes(1);
  });

  it("unmounting cancels the flow: the popup closes and a later message is ignored", async () => {
    const onSuccess = vi.fn();
    const onCancel = vi.fn();
    const token = await createSession();
    const view = render(<Probe serverUrl={server().serverUrl} sessionToken={token} onSuccess={onSuccess} onCancel={onCancel} />);
    act(() => hook.open());
    const popup = stub.opened[0]!.popup;
    const result = await signInThroughPopup("adele@contoso.example");
    view.unmount();
    expect(popup.closed).toBe(true);
    await postFromPopup(result, new URL(server().serverUrl).origin, popup);
    expect(onSuccess).not.toHaveBeenCalled();
    expect(onCancel).toHaveBeenCalledTimes(1);
  });

  it("its functions are safe to call in any state; cancel and a blocked popup are outcomes of their own", () => {
    const onError = vi.fn();
    const onCancel = vi.fn();
    cleanup = render(<Probe serverUrl={server().serverUrl} sessionToken="adsc_cs_any" mode="popup" onError={onError} onCancel={onCancel} />).unmount;
    act(() => {
      hook.cancel();
      hook.reset();
    });
    expect(hook.state).toEqual({ status: "idle", result: null, error: null, cancelled: false, reason: null });
    act(() => hook.open());
    act(() => hook.cancel());
    expect(hook.state).toMatchObject({ status: "idle", cancelled: true, reason: "user" });
    expect(onCancel).toHaveBeenCalledTimes(1);

    stub.restore();
    stub = stubWindowOpen({ blocked: true });
    act(() => hook.open());
    expect(hook.state).toMatchObject({ status: "error", error: { code: "popup_blocked" } });
    expect(onError).toHaveBeenCalledTimes(1);
    stub.restore();
    stub = stubWindowOpen();
    act(() => hook.open());
    expect(hook.state.status).toBe("connecting");
    act(() => hook.reset());
    expect(hook.state.status).toBe("idle");
  });
});
