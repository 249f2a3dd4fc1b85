import type { ConnectLabels } from "../labelTypes.js";

/** French texts of the component (loaded only when used). */
export default {
  connect: "Connecter Microsoft Ads",
  connecting: "Connexion…",
  openHint: "Connectez-vous avec Microsoft dans la fenêtre qui s’est ouverte.",
  waiting: "En attente de la connexion Microsoft…",
  cancel: "Annuler",
  cancelled: "Annulé. Rien n’a été connecté.",
  closed: "Fenêtre de connexion fermée.",
  redirecting: "Redirection vers la connexion Microsoft…",
  retry: "Réessayer",
  reconnect: "Reconnecter",
  connectedAs: (name) => `Connecté en tant que ${name}`,
  connectedTo: (a, more) =>
    `Connecté : ${[a.name, a.number].filter(Boolean).join(" · ")}${more ? ` et ${new Intl.NumberFormat("fr").format(more)} ${more > 1 ? "autres" : "autre"}` : ""}`,
  changeAccounts: "Modifier les comptes",
  expired: (name, account) =>
    `La connexion de ${name} a expiré. Reconnectez-vous en tant que ${account ?? name} pour continuer à recevoir vos données publicitaires.`,
  adminLink: "Lien d’approbation pour votre administrateur",
  copyLink: "Copier le lien",
  copied: "Copié",
  errors: {
    popup_blocked: "Votre navigateur a bloqué la fenêtre de connexion Microsoft. Autorisez les fenêtres pop-up pour ce site, puis réessayez.",
    session_token_unavailable: "Impossible de lancer la connexion à Microsoft. Réessayez dans un instant.",
    connect_session_expired: "La session de connexion a expiré. Réessayez.",
    consent_declined: "Vous avez refusé les autorisations dont Microsoft Advertising a besoin.",
    admin_consent_required: "Votre organisation n’a pas encore approuvé cette application.",
  },
} satisfies ConnectLabels;
