import type { ConnectLabels } from "../labelTypes.js";

// "and N more accounts" in Arabic's plural forms (the number written the Arabic way).
const forms: Partial<Record<Intl.LDMLPluralRule, (n: string) => string>> = {
  one: () => "وحساب آخر",
  two: () => "وحسابان آخران",
  few: (n) => `و${n} حسابات أخرى`,
  many: (n) => `و${n} حسابًا آخر`,
};
const others = (n: number) => (forms[new Intl.PluralRules("ar").select(n)] ?? ((s: string) => `و${s} حساب آخر`))(new Intl.NumberFormat("ar").format(n));

/** Arabic texts of the component (right to left; loaded only when used). */
export default {
  connect: "ربط Microsoft Ads",
  connecting: "جارٍ الربط…",
  openHint: "سجّل الدخول إلى Microsoft في النافذة المفتوحة.",
  waiting: "بانتظار إتمام تسجيل الدخول إلى Microsoft…",
  cancel: "إلغاء",
  cancelled: "أُلغي. لم يُربط أي شيء.",
  closed: "أُغلقت نافذة الدخول.",
  redirecting: "جارٍ الانتقال إلى Microsoft…",
  retry: "إعادة المحاولة",
  reconnect: "إعادة الربط",
  connectedAs: (name) => `متصل باسم ${name}`,
  connectedTo: (a, more) => `متصل: ${[a.name, a.number].filter(Boolean).join(" · ")}${more ? ` ${others(more)}` : ""}`,
  changeAccounts: "تغيير الحسابات",
  expired: (name, account) => `انتهت صلاحية ربط ${name}. أعد الربط وسجّل الدخول باسم ${account ?? name} لمواصلة تلقي بيانات إعلاناتك.`,
  adminLink: "رابط موافقة المسؤول",
  copyLink: "نسخ الرابط",
  copied: "تم النسخ",
  errors: {
    popup_blocked: "حظر متصفحك نافذة تسجيل الدخول. اسمح بالنوافذ المنبثقة لهذا الموقع ثم أعد المحاولة.",
    session_token_unavailable: "تعذّر بدء الربط. أعد المحاولة بعد قليل.",
    connect_session_expired: "انتهت صلاحية جلسة الربط. أعد المحاولة.",
    consent_declined: "رفضت الأذونات اللازمة لـ Microsoft Advertising.",
    admin_consent_required: "لم توافق مؤسستك على هذا التطبيق بعد.",
  },
} satisfies ConnectLabels;
