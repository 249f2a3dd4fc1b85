import { useCallback, useEffect, useRef, useState } from "react";
import { connect } from "../core/connect.js";
import { resumeRedirect } from "../core/resume.js";
import type { CancelReason, ConnectError, ConnectEvent, ConnectFlow, ConnectOptions, ConnectSuccess } from "../core/types.js";

/**
 * The hook's status:
 * - `idle`: nothing running (`cancelled` says whether the last flow was cancelled);
 * - `connecting`: the popup is open;
 * - `redirecting`: no popup; the page is going to Microsoft (redirect mode);
 * - `waiting`: the popup looks closed but the attempt may still be going (offer Cancel);
 * - `connected` / `error`: the last flow's outcome.
 *
 * @example
 * ```ts
 * import type { ConnectStatus } from "@ads-connect/widget";
 *
 * const busy = (status: ConnectStatus) => status === "connecting" || status === "waiting";
 * ```
 */
export type ConnectStatus = "idle" | "connecting" | "redirecting" | "waiting" | "connected" | "error";

/**
 * The hook's state: its status and the last flow's outcome.
 *
 * @example
 * ```ts
 * import type { ConnectState } from "@ads-connect/widget";
 *
 * const message = (state: ConnectState) =>
 *   state.status === "connected" ? `Connected as ${state.result?.account.username}` : state.status === "error" ? state.error?.message : state.cancelled ? "Cancelled" : "";
 * ```
 */
export interface ConnectState {
  status: ConnectStatus;
  /** The last flow's success, while `status` is `connected`. */
  result: ConnectSuccess | null;
  /** The last flow's error, while `status` is `error`. */
  error: ConnectError | null;
  /** Whether the last flow was cancelled (`status` is back to `idle`). */
  cancelled: boolean;
  /** Why it was cancelled: `popup_closed` reads "Sign-in window closed — Try again". */
  reason: CancelReason | null;
}

/**
 * {@link useMicrosoftAdsConnect}'s options: {@link ConnectOptions} plus a callback for each outcome.
 *
 * @example
 * ```ts
 * import type { UseMicrosoftAdsConnectOptions } from "@ads-connect/widget";
 *
 * const options: UseMicrosoftAdsConnectOptions = {
 *   serverUrl: "https://connect.example.com",
 *   getSessionToken,
 *   onSuccess: (result) => console.log("connected", result.connection_id),
 *   onError: (error) => console.log(error.code),
 * };
 * ```
 */
export interface UseMicrosoftAdsConnectOptions extends Omit<ConnectOptions, "onEvent" | "externalPolling"> {
  /** The flow connected. */
  onSuccess?: (result: ConnectSuccess) => void;
  /** The flow failed. */
  onError?: (error: ConnectError) => void;
  /** The flow was cancelled (by the user, or the popup was closed). */
  onCancel?: () => void;
  /** Every event of the flow, as {@link connect} reports them. */
  onEvent?: (event: ConnectEvent) => void;
}

/**
 * What {@link useMicrosoftAdsConnect} returns: the state and functions that are always safe to call.
 *
 * @example
 * ```tsx
 * import { useMicrosoftAdsConnect, type UseMicrosoftAdsConnect } from "@ads-connect/widget";
 *
 * function CancelButton({ connect }: { connect: UseMicrosoftAdsConnect }) {
 *   return connect.state.status === "waiting" ? <button onClick={connect.cancel}>Cancel</button> : null;
 * }
 * function Connect() {
 *   const connect = useMicrosoftAdsConnect({ serverUrl, getSessionToken });
 *   return (
 *     <>
 *       <button onClick={connect.open}>Connect Microsoft Ads</button>
 *       <CancelButton connect={connect} />
 *     </>
 *   );
 * }
 * ```
 */
export interface UseMicrosoftAdsConnect {
  state: ConnectState;
  /** Opens the popup; call it straight from a click handler. Focuses the popup if one is open. */
  open: () => void;
  /**
   * `open` with another session for this one flow, e.g. a "change accounts" session from your
   * backend, whose popup shows only the account picker of an existing connection.
   */
  openWith: (getSessionToken: () => Promise<string>) => void;
  /** Cancels the running flow, if any. */
  cancel: () => void;
  /** Back to `idle`, forgetting the last outcome. */
  reset: () => void;
}

const IDLE: ConnectState = { status: "idle", result: null, error: null, cancelled: false, reason: null };

/**
 * The headless hook: state plus functions that are always safe to call. The core polls the session
 * while the popup looks closed (no data library needed; inside a `QueryClientProvider` it works the
 * same), the flow is cancelled on unmount, and takes the result of a redirect
 * sign-in when the page comes back from one ({@link resumeRedirect}).
 *
 * @example
 * ```tsx
 * import { useMicrosoftAdsConnect } from "@ads-connect/widget";
 *
 * function ConnectButton({ onConnected }: { onConnected: () => void }) {
 *   const { state, open } = useMicrosoftAdsConnect({ serverUrl, getSessionToken, onSuccess: onConnected });
 *   return <button onClick={open}>{state.status === "connected" ? "Connected" : "Connect Microsoft Ads"}</button>;
 * }
 * ```
 */
export function useMicrosoftAdsConnect(options: UseMicrosoftAdsConnectOptions): UseMicrosoftAdsConnect {
  const [state, setState] = useState<ConnectState>(IDLE);
  const flow = useRef<ConnectFlow | null>(null);
  const latest = useRef(options);
  latest.current = options;

  const onEvent = useCallback((event: ConnectEvent) => {
    const o = latest.current;
    o.onEvent?.(event);
    if (event.type === "open" || event.type === "redirect") setState({ ...IDLE, status: event.type === "open" ? "connecting" : "redirecting" });
    else if (event.type === "popup_closed") setState((s) => ({ ...s, status: "waiting" }));
    else {
      flow.current = null;
      if (event.type === "success") {
        setState({ ...IDLE, status: "connected", result: event.result });
        o.onSuccess?.(event.result);
      } else if (event.type === "error") {
        setState({ ...IDLE, status: "error", error: event.error });
        o.onError?.(event.error);
      } else {
        setState({ ...IDLE, cancelled: true, reason: event.reason });
        o.onCancel?.();
      }
    }
  }, []);

  const openWith = useCallback(
    (getSessionToken?: () => Promise<string>) => {
      if (flow.current) return flow.current.focus();
      const { onSuccess: _s, onError: _e, onCancel: _c, onEvent: _v, ...rest } = latest.current;
      let ended = false;
      const started = connect({
        ...rest,
        ...(getSessionToken ? { getSessionToken, sessionToken: undefined } : {}),
        onEvent: (event) => {
          ended ||= event.type === "success" || event.type === "error" || event.type === "cancelled";
          onEvent(event);
        },
      });
      // A flow that ended inside connect() (popup blocked) has reported already; do not keep it.
      if (!ended) flow.current = started;
    },
    [onEvent],
  );
  const open = useCallback(() => openWith(), [openWith]);

  const cancel = useCallback(() => flow.current?.cancel(), []);
  const reset = useCallback(() => {
    flow.current?.cancel();
    setState(IDLE);
  }, []);

  useEffect(() => {
    // Back from a redirect sign-in: its result, as if the popup had brought it.
    void resumeRedirect(latest.current.serverUrl).then(
      (r) => r && onEvent(r.type === "ads-connect:success" ? { type: "success", result: r } : { type: "error", error: r.error }),
    );
    return () => flow.current?.cancel();
  }, [onEvent]);

  return { state, open, openWith, cancel, reset };
}
