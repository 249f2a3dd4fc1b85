import type { ConnectLabels } from "../labelTypes.js";

/** Japanese texts of the component (loaded only when used). */
export default {
  connect: "Microsoft Ads を接続",
  connecting: "接続しています…",
  openHint: "開いたウィンドウで Microsoft にサインインしてください。",
  waiting: "Microsoft のサインインが完了するのを待っています…",
  cancel: "キャンセル",
  cancelled: "キャンセルしました。何も接続されていません。",
  closed: "サインイン ウィンドウが閉じられました。",
  redirecting: "Microsoft のサインインに移動しています…",
  retry: "再試行",
  reconnect: "再接続",
  connectedAs: (name) => `${name} として接続済み`,
  connectedTo: (a, more) => `接続済み: ${[a.name, a.number].filter(Boolean).join(" · ")}${more ? `、ほか ${new Intl.NumberFormat("ja").format(more)} 件` : ""}`,
  changeAccounts: "アカウントを変更",
  expired: (name, account) => `${name} の接続の有効期限が切れました。広告データを引き続き受け取るには、${account ?? name} として再接続してください。`,
  adminLink: "管理者向けの承認リンク",
  copyLink: "リンクをコピー",
  copied: "コピーしました",
  errors: {
    popup_blocked: "ブラウザーが Microsoft のサインイン ウィンドウをブロックしました。このサイトのポップアップを許可してから、もう一度お試しください。",
    session_token_unavailable: "Microsoft への接続を開始できませんでした。しばらくしてからもう一度お試しください。",
    connect_session_expired: "接続セッションの有効期限が切れました。もう一度お試しください。",
    consent_declined: "Microsoft Advertising に必要なアクセス許可が拒否されました。",
    admin_consent_required: "組織はまだこのアプリを承認していません。",
  },
} satisfies ConnectLabels;
