/**
 * An account's `TimeZone` (Customer Management's TimeZoneType) as an IANA zone: Microsoft counts a
 * report's days in it. Every value of the v13 enum is here.
 */
const IANA: Readonly<Record<string, string>> = Object.freeze({
  AbuDhabiMuscat: "Asia/Dubai",
  Adelaide: "Australia/Adelaide",
  Alaska: "America/Anchorage",
  AlmatyNovosibirsk: "Asia/Almaty",
  AmsterdamBerlinBernRomeStockholmVienna: "Europe/Berlin",
  Arizona: "America/Phoenix",
  AstanaDhaka: "Asia/Dhaka",
  AthensBuckarestIstanbul: "Europe/Athens",
  AtlanticTimeCanada: "America/Halifax",
  AucklandWellington: "Pacific/Auckland",
  Azores: "Atlantic/Azores",
  Baghdad: "Asia/Baghdad",
  BakuTbilisiYerevan: "Asia/Baku",
  BangkokHanoiJakarta: "Asia/Bangkok",
  BeijingChongqingHongKongUrumqi: "Asia/Shanghai",
  BelgradeBratislavaBudapestLjubljanaPrague: "Europe/Budapest",
  BogotaLimaQuito: "America/Bogota",
  Brasilia: "America/Sao_Paulo",
  Brisbane: "Australia/Brisbane",
  BrusselsCopenhagenMadridParis: "Europe/Paris",
  Bucharest: "Europe/Bucharest",
  BuenosAiresGeorgetown: "America/Argentina/Buenos_Aires",
  Cairo: "Africa/Cairo",
  CanberraMelbourneSydney: "Australia/Sydney",
  CapeVerdeIsland: "Atlantic/Cape_Verde",
  CaracasLaPaz: "America/Caracas",
  CasablancaMonrovia: "Africa/Casablanca",
  CentralAmerica: "America/Guatemala",
  CentralTimeUSCanada: "America/Chicago",
  ChennaiKolkataMumbaiNewDelhi: "Asia/Kolkata",
  ChihuahuaLaPazMazatlan: "America/Mazatlan",
  Darwin: "Australia/Darwin",
  EasternTimeUSCanada: "America/New_York",
  Ekaterinburg: "Asia/Yekaterinburg",
  FijiKamchatkaMarshallIsland: "Pacific/Fiji",
  Greenland: "America/Nuuk",
  GreenwichMeanTimeDublinEdinburghLisbonLondon: "Europe/London",
  GuadalajaraMexicoCityMonterrey: "America/Mexico_City",
  GuamPortMoresby: "Pacific/Port_Moresby",
  HararePretoria: "Africa/Johannesburg",
  Hawaii: "Pacific/Honolulu",
  HelsinkiKyivRigaSofiaTallinnVilnius: "Europe/Helsinki",
  Hobart: "Australia/Hobart",
  IndianaEast: "America/Indiana/Indianapolis",
  InternationalDateLineWest: "Etc/GMT+12",
  IrkutskUlaanBataar: "Asia/Irkutsk",
  IslamabadKarachiTashkent: "Asia/Karachi",
  Jerusalem: "Asia/Jerusalem",
  Kabul: "Asia/Kabul",
  Kathmandu: "Asia/Kathmandu",
  Krasnoyarsk: "Asia/Krasnoyarsk",
  KualaLumpurSingapore: "Asia/Singapore",
  KuwaitRiyadh: "Asia/Riyadh",
  SolomonIslandNewCaledonia: "Pacific/Guadalcanal",
  MidAtlantic: "Atlantic/South_Georgia",
  MidwayIslandAndSamoa: "Pacific/Pago_Pago",
  MoscowStPetersburgVolgograd: "Europe/Moscow",
  MountainTimeUSCanada: "America/Denver",
  Nairobi: "Africa/Nairobi",
  Newfoundland: "America/St_Johns",
  Nukualofa: "Pacific/Tongatapu",
  OsakaSapporoTokyo: "Asia/Tokyo",
  PacificTimeUSCanadaTijuana: "America/Los_Angeles",
  Perth: "Australia/Perth",
  Rangoon: "Asia/Yangon",
  Santiago: "America/Santiago",
  SarajevoSkopjeWarsawZagreb: "Europe/Warsaw",
  Saskatchewan: "America/Regina",
  Seoul: "Asia/Seoul",
  SriJayawardenepura: "Asia/Colombo",
  Taipei: "Asia/Taipei",
  Tehran: "Asia/Tehran",
  Vladivostok: "Asia/Vladivostok",
  WestCentralAfrica: "Africa/Lagos",
  Yakutsk: "Asia/Yakutsk",
});

/** Customer Management's time zone names (all of them). */
export const ACCOUNT_TIME_ZONES: readonly string[] = Object.keys(IANA);

/**
 * Reporting's ReportTimeZone spells four of Customer Management's zones differently (same enum
 * numbers); sent as the account has it, the report request would be refused.
 */
const REPORT_NAME: Readonly<Record<string, string>> = Object.freeze({
  AthensBuckarestIstanbul: "AthensIslandanbulMinsk",
  IslamabadKarachiTashkent: "IslandamabadKarachiTashkent",
  SolomonIslandNewCaledonia: "MagadanSolomonIslandNewCaledonia",
  MidwayIslandAndSamoa: "MidwayIslandandSamoa",
});

/** Reporting's own default ReportTimeZone: "today" for a request that names none. */
const REPORTING_DEFAULT = "PacificTimeUSCanadaTijuana";

const known = (timeZone: string | null): timeZone is string => timeZone !== null && Object.hasOwn(IANA, timeZone);

/**
 * The ReportTimeZone to ask a report in for an account in `timeZone`: its Reporting name, or null
 * (Microsoft's default, Pacific) for a name this table does not know, which Microsoft might refuse.
 */
export function reportTimeZoneOf(timeZone: string | null): string | null {
  return known(timeZone) ? (REPORT_NAME[timeZone] ?? timeZone) : null;
}

/** The IANA zone whose days the account's reports count: the account's, or Pacific when the report names none (see reportTimeZoneOf). */
export function ianaZoneOf(timeZone: string | null): string {
  return IANA[known(timeZone) ? timeZone : REPORTING_DEFAULT]!;
}
