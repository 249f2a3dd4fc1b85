/**
 * The account time zones (Customer Management's `TimeZone` names) the emulator knows, as IANA
 * zones: Microsoft counts a report's days in them.
 */
const IANA: Readonly<Record<string, string>> = Object.freeze({
  PacificTimeUSCanadaTijuana: "America/Los_Angeles",
  MountainTimeUSCanada: "America/Denver",
  Arizona: "America/Phoenix",
  CentralTimeUSCanada: "America/Chicago",
  EasternTimeUSCanada: "America/New_York",
  Hawaii: "Pacific/Honolulu",
  GreenwichMeanTimeDublinEdinburghLisbonLondon: "Europe/London",
  AmsterdamBerlinBernRomeStockholmVienna: "Europe/Berlin",
  BrusselsCopenhagenMadridParis: "Europe/Paris",
  AthensBuckarestIstanbul: "Europe/Athens",
  ChennaiKolkataMumbaiNewDelhi: "Asia/Kolkata",
  OsakaSapporoTokyo: "Asia/Tokyo",
  CanberraMelbourneSydney: "Australia/Sydney",
  AucklandWellington: "Pacific/Auckland",
});

/** Reporting's ReportTimeZone spells some Customer Management zones differently (Athens: one of four). */
const REPORT_NAMES: Readonly<Record<string, string>> = Object.freeze({ AthensBuckarestIstanbul: "AthensIslandanbulMinsk" });

/** Microsoft's default ReportTimeZone ("today" for a request that names none). */
export const DEFAULT_REPORT_TIME_ZONE = "PacificTimeUSCanadaTijuana";
export const KNOWN_TIME_ZONES = Object.keys(IANA);
/** The ReportTimeZone values the emulator accepts. */
export const REPORT_TIME_ZONES = KNOWN_TIME_ZONES.map((name) => REPORT_NAMES[name] ?? name);

export const isKnownTimeZone = (name: string): boolean => Object.hasOwn(IANA, name);

/** The account time zone a ReportTimeZone value names; undefined for one Reporting does not have (a Customer Management spelling too). */
export function zoneOfReportTimeZone(name: string): string | undefined {
  const index = REPORT_TIME_ZONES.indexOf(name);
  return index === -1 ? undefined : KNOWN_TIME_ZONES[index];
}

const HOUR = 3_600_000;
const DAY = 86_400_000;
const formats = new Map<string, Intl.DateTimeFormat>();

function ianaOf(name: string): string {
  const zone = IANA[name];
  if (!zone) throw new Error(`The emulator knows no time zone ${name}; it knows ${KNOWN_TIME_ZONES.join(", ")}`);
  return zone;
}

/** The zone's wall clock at `ms`, read as if it were UTC (its offset is this minus `ms`). */
function wallClock(ms: number, zone: string): number {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formats.set(zone, format);
  }
  const p = Object.fromEntries(format.formatToParts(new Date(ms)).map((part) => [part.type, Number(part.value)]));
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
}

/** The day (`YYYY-MM-DD`) an instant falls on in the Microsoft time zone. */
export function dayIn(ms: number, timeZone: string): string {
  return new Date(wallClock(ms, ianaOf(timeZone))).toISOString().slice(0, 10);
}

/** The instant (ms) the day (`YYYY-MM-DD`) starts in the Microsoft time zone. */
export function dayStart(day: string, timeZone: string): number {
  const zone = ianaOf(timeZone);
  const midnight = Date.parse(`${day}T00:00:00Z`);
  // The offset at a guess, then again at the corrected instant (a daylight-saving change between).
  let start = midnight - (wallClock(midnight, zone) - midnight);
  start = midnight - (wallClock(start, zone) - start);
  return start;
}

/** The whole UTC hours (their start, in hours since 1970) whose start lies in the zone's day: [from, to). */
export function hoursOfDay(day: string, timeZone: string): [number, number] {
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
  return [Math.ceil(dayStart(day, timeZone) / HOUR), Math.ceil(dayStart(next, timeZone) / HOUR)];
}
