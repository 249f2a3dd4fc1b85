import type { ConnectLabels } from "../labelTypes.js";

/** Spanish texts of the component (loaded only when used). */
export default {
  connect: "Conectar Microsoft Ads",
  connecting: "Conectando…",
  openHint: "Inicia sesión con Microsoft en la ventana que se ha abierto.",
  waiting: "Esperando a que termine el inicio de sesión de Microsoft…",
  cancel: "Cancelar",
  cancelled: "Cancelado. No se ha conectado nada.",
  closed: "Se cerró la ventana de inicio de sesión.",
  redirecting: "Yendo al inicio de sesión de Microsoft…",
  retry: "Reintentar",
  reconnect: "Volver a conectar",
  connectedAs: (name) => `Conectado como ${name}`,
  connectedTo: (a, more) => `Conectado: ${[a.name, a.number].filter(Boolean).join(" · ")}${more ? ` y ${new Intl.NumberFormat("es").format(more)} más` : ""}`,
  changeAccounts: "Cambiar cuentas",
  expired: (name, account) =>
    `La conexión de ${name} ha caducado. Vuelve a conectar e inicia sesión como ${account ?? name} para seguir recibiendo tus datos publicitarios.`,
  adminLink: "Enlace de aprobación para tu administrador",
  copyLink: "Copiar enlace",
  copied: "Copiado",
  errors: {
    popup_blocked:
      "Tu navegador ha bloqueado la ventana de inicio de sesión de Microsoft. Permite las ventanas emergentes para este sitio y vuelve a intentarlo.",
    session_token_unavailable: "No se pudo empezar a conectar con Microsoft. Vuelve a intentarlo en un momento.",
    connect_session_expired: "La sesión de conexión ha caducado. Vuelve a intentarlo.",
    consent_declined: "Has rechazado los permisos que necesita Microsoft Advertising.",
    admin_consent_required: "Tu organización todavía no ha aprobado esta aplicación.",
  },
} satisfies ConnectLabels;
