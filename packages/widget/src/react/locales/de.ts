import type { ConnectLabels } from "../labelTypes.js";

/** German texts of the component (loaded only when used). */
export default {
  connect: "Microsoft Ads verbinden",
  connecting: "Verbindung wird hergestellt…",
  openHint: "Melden Sie sich im geöffneten Fenster bei Microsoft an.",
  waiting: "Warten auf die Microsoft-Anmeldung…",
  cancel: "Abbrechen",
  cancelled: "Abgebrochen. Es wurde nichts verbunden.",
  closed: "Anmeldefenster geschlossen.",
  redirecting: "Weiter zur Microsoft-Anmeldung …",
  retry: "Erneut versuchen",
  reconnect: "Neu verbinden",
  connectedAs: (name) => `Verbunden als ${name}`,
  connectedTo: (a, more) =>
    `Verbunden: ${[a.name, a.number].filter(Boolean).join(" · ")}${more ? ` und ${new Intl.NumberFormat("de").format(more)} ${more === 1 ? "weiteres" : "weitere"}` : ""}`,
  changeAccounts: "Konten ändern",
  expired: (name, account) =>
    `Die Verbindung für ${name} ist abgelaufen. Verbinden Sie sich neu und melden Sie sich als ${account ?? name} an, damit Ihre Werbedaten weiter ankommen.`,
  adminLink: "Freigabelink für Ihre Administration",
  copyLink: "Link kopieren",
  copied: "Kopiert",
  errors: {
    popup_blocked: "Ihr Browser hat das Microsoft-Anmeldefenster blockiert. Erlauben Sie Pop-ups für diese Website und versuchen Sie es erneut.",
    session_token_unavailable: "Die Verbindung zu Microsoft konnte nicht gestartet werden. Versuchen Sie es gleich noch einmal.",
    connect_session_expired: "Die Verbindungssitzung ist abgelaufen. Versuchen Sie es erneut.",
    consent_declined: "Sie haben die Berechtigungen abgelehnt, die Microsoft Advertising benötigt.",
    admin_consent_required: "Ihre Organisation hat diese App noch nicht freigegeben.",
  },
} satisfies ConnectLabels;
