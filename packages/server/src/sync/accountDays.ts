/** Microsoft Advertising's time zone names → IANA, for the common ones; others count days in UTC. */
const IANA: Record<string, string> = {
  PacificTimeUSCanadaTijuana: "America/Los_Angeles",
  MountainTimeUSCanada: "America/Denver",
  Arizona: "America/Phoenix",
  CentralTimeUSCanada: "America/Chicago",
  EasternTimeUSCanada: "America/New_York",
  AtlanticTimeCanada: "America/Halifax",
  Alaska: "America/Anchorage",
  Hawaii: "Pacific/Honolulu",
  GreenwichMeanTimeDublinEdinburghLisbonLondon: "Europe/London",
  AmsterdamBerlinBernRomeStockholmVienna: "Europe/Berlin",
  BrusselsCopenhagenMadridParis: "Europe/Paris",
  BelgradeBratislavaBudapestLjubljanaPrague: "Europe/Prague",
  SarajevoSkopjeWarsawZagreb: "Europe/Warsaw",
  AthensBuckarestIstanbul: "Europe/Athens",
  HelsinkiKyivRigaSofiaTallinnVilnius: "Europe/Helsinki",
  MoscowStPetersburgVolgograd: "Europe/Moscow",
  Brasilia: "America/Sao_Paulo",
  MexicoCity: "America/Mexico_City",
  ChennaiKolkataMumbaiNewDelhi: "Asia/Kolkata",
  BeijingChongqingHongKongUrumqi: "Asia/Shanghai",
  OsakaSapporoTokyo: "Asia/Tokyo",
  Seoul: "Asia/Seoul",
  Singapore: "Asia/Singapore",
  CanberraMelbourneSydney: "Australia/Sydney",
  AucklandWellington: "Pacific/Auckland",
};

const DAY_MS = 86_400_000;

/** Today (`YYYY-MM-DD`) in the account's time zone: Microsoft's daily rows are the account's days. */
export function todayIn(timeZone: string | null, now: number): string {
  const zone = (timeZone && IANA[timeZone]) || "UTC";
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(now));
}

/** `day` plus `n` days (n may be negative). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** [start, end] split into ranges of at most `size` days (Microsoft's reports: a year at a time). */
export function chunks(start: string, end: string, size: number): { start: string; end: string }[] {
  const out: { start: string; end: string }[] = [];
  for (let s = start; s <= end; s = addDays(s, size)) {
    const e = addDays(s, size - 1);
    out.push({ start: s, end: e < end ? e : end });
  }
  return out;
}
