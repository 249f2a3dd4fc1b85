import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { type ConnectLabels, DEFAULT_LABELS, loadConnectLabels, resolveWidgetLanguage, type ShownAccount } from "./labels.js";
import { button, root, small } from "./styles.js";
import { type UseMicrosoftAdsConnectOptions, useMicrosoftAdsConnect } from "./useMicrosoftAdsConnect.js";

const AdminLink = lazy(() => import("./AdminLink.js"));

/**
 * {@link ConnectMicrosoftAds}' props: the hook's options, an existing connection to show, texts and theme.
 *
 * @example
 * ```tsx
 * import { ConnectMicrosoftAds, type ConnectMicrosoftAdsProps } from "@ads-connect/widget";
 *
 * const props: ConnectMicrosoftAdsProps = {
 *   serverUrl: "https://connect.example.com",
 *   getSessionToken,
 *   connected: { displayName: "Ada Lovelace", username: "ada@contoso.com", status: "expired" },
 *   theme: "light",
 * };
 * const button = <ConnectMicrosoftAds {...props} />;
 * ```
 */
export interface ConnectMicrosoftAdsProps extends UseMicrosoftAdsConnectOptions {
  /**
   * An existing connection to show; `expired` offers Reconnect and names the Microsoft account
   * (`username`) to sign in with. Pair it with a reconnect session, which makes Microsoft ask for
   * that account.
   */
  connected?: { displayName: string; username?: string; status?: "connected" | "expired"; accounts?: ShownAccount[] } | null;
  /**
   * Fetches a "change accounts" session token for this connection from your backend. When set, the
   * connected state offers "Change accounts", which reopens only the account picker.
   */
  getChangeAccountsToken?: () => Promise<string>;
  /**
   * The component's language (`de`, `fr-CA`…; see {@link WIDGET_LANGUAGES}); default: the browser's
   * first supported language, else English. Pass the same to `locale` when your backend creates the
   * connect session, so the popup's pages and Microsoft's sign-in match.
   */
  lang?: string;
  /** Texts to replace, in any language (see {@link DEFAULT_LABELS}); they win over the language's own. */
  labels?: Partial<ConnectLabels>;
  /**
   * The `color-scheme` of the widget's own controls; `auto` (default) keeps the page's. Its colours
   * come from the page it sits in either way: text in `currentColor`, the rest from `--adsc-*`
   * custom properties (`--adsc-border`, `--adsc-radius`, `--adsc-button-bg`, `--adsc-button-text`,
   * `--adsc-link`, `--adsc-success`, `--adsc-error`), each inheriting when unset.
   */
  theme?: "auto" | "light" | "dark";
  /** Class of the component's root element. */
  className?: string;
}

const logo = (
  <svg width="16" height="16" viewBox="0 0 21 21" aria-hidden="true">
    <path fill="#f25022" d="M0 0h10v10H0z" />
    <path fill="#7fba00" d="M11 0h10v10H11z" />
    <path fill="#00a4ef" d="M0 11h10v10H0z" />
    <path fill="#ffb900" d="M11 11h10v10H11z" />
  </svg>
);

/**
 * The ready "Connect Microsoft Ads" button: idle, connecting, connected (with the account name) or
 * an error with its plain message and a retry or reconnect action.
 *
 * @example
 * ```tsx
 * import { ConnectMicrosoftAds } from "@ads-connect/widget";
 *
 * export function Settings({ refresh }: { refresh: () => void }) {
 *   return <ConnectMicrosoftAds serverUrl="https://connect.example.com" getSessionToken={getSessionToken} onSuccess={refresh} />;
 * }
 * ```
 */
export function ConnectMicrosoftAds({ connected, getChangeAccountsToken, lang, labels, theme, className, ...options }: ConnectMicrosoftAdsProps) {
  const { state, open, openWith, cancel } = useMicrosoftAdsConnect(options);
  const main = useRef<HTMLButtonElement>(null);
  const busy = state.status === "connecting" || state.status === "waiting" || state.status === "redirecting";
  // The popup closed with an outcome: the keyboard goes on from the button, unless the user moved on.
  useEffect(() => {
    if (!busy && main.current && (document.activeElement === document.body || document.activeElement === main.current)) main.current.focus();
  }, [busy]);
  const language = resolveWidgetLanguage(lang);
  const [catalogue, setCatalogue] = useState<{ language: string; labels: ConnectLabels }>();
  useEffect(() => {
    let current = true;
    if (language !== "en")
      loadConnectLabels(language).then(
        (loaded) => current && setCatalogue({ language, labels: loaded }),
        () => {},
      );
    return () => {
      current = false;
    };
  }, [language]);
  // English until the language's catalogue has loaded (a few ms; English is built in).
  const shown = catalogue?.language === language ? catalogue : { language: "en", labels: DEFAULT_LABELS };
  const l = { ...shown.labels, ...labels, errors: { ...shown.labels.errors, ...labels?.errors } };
  let view = state.status as string;
  let text = "";
  let action = l.connect;
  let errorCode: string | undefined;
  const adminUrl = state.status === "error" ? state.error?.admin_consent_url : undefined;
  const name = state.result ? (state.result.account.display_name ?? state.result.account.username) : connected?.displayName;
  const accounts = (state.result ? state.result.accounts : connected?.accounts) ?? [];

  if (state.status === "connecting") [text, action] = [l.openHint, l.connecting];
  else if (state.status === "redirecting") [view, text, action] = ["connecting", l.redirecting, l.connecting];
  else if (state.status === "waiting") [text, action] = [l.waiting, l.cancel];
  else if (state.status === "error" && state.error) {
    errorCode = state.error.code;
    [text, action] = [l.errors[state.error.code] ?? state.error.message, l.retry];
  } else if (state.status === "connected" || connected?.status === "connected") {
    [view, text, action] = ["connected", accounts[0] ? l.connectedTo(accounts[0], accounts.length - 1) : l.connectedAs(name ?? ""), l.reconnect];
  } else if (connected?.status === "expired") {
    [view, errorCode, text, action] = ["error", "grant_expired", l.expired(name ?? "", connected.username), l.reconnect];
  } else if (state.reason === "popup_closed") [view, text, action] = ["closed", l.closed, l.retry];
  else if (state.cancelled) text = l.cancelled;

  return (
    <div
      className={className}
      lang={shown.language}
      dir={shown.language === "ar" ? "rtl" : "ltr"}
      data-adsc-state={view}
      data-adsc-error-code={errorCode}
      style={{ ...root, colorScheme: theme === "auto" ? undefined : theme }}
    >
      <button
        ref={main}
        type="button"
        style={button}
        aria-busy={state.status === "connecting" || undefined}
        onClick={state.status === "waiting" ? cancel : open}
      >
        {logo}
        {action}
      </button>

      <p role="status" aria-live="polite" style={{ margin: 0, color: `var(--adsc-${view === "connected" ? "success" : view})` }}>
        {text}
      </p>
      {view === "connected" && getChangeAccountsToken && (
        <p style={{ margin: 0 }}>
          <button type="button" style={small} data-adsc-change-accounts="" onClick={() => openWith(getChangeAccountsToken)}>
            {l.changeAccounts}
          </button>
        </p>
      )}
      {adminUrl && (
        <Suspense>
          <AdminLink url={adminUrl} l={l} />
        </Suspense>
      )}
    </div>
  );
}
