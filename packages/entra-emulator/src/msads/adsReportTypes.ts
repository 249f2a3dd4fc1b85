/** A submitted report: who asked, what for, how often it was polled, its zipped CSV once ready. */
export interface AdsReportJob {
  id: string;
  userId: string;
  request: ReportSpec;
  polls: number;
  status: "Pending" | "Success" | "Error";
  /** Secret part of the download URL (Microsoft's is a pre-signed storage URL). */
  signature: string;
  /** Ready with rows: the download makes the zipped CSV as it is read (null URL when there are none). */
  hasRows: boolean;
}

export interface ReportSpec {
  name: string;
  columns: string[];
  accountIds: string[];
  aggregation: "Daily" | "Summary";
  start: Date;
  end: Date;
  /** "1/1/2026,1/31/2026" as the CSV header shows it. */
  timeLabel: string;
  excludeHeader: boolean;
  excludeFooter: boolean;
  excludeColumnHeaders: boolean;
  /** `Time.ReportTimeZone` as asked: it sets which day "today" is (default Pacific); each account's rows are its own time zone's days. */
  reportTimeZone: string | null;
}

/** Conversions that arrived late, at an instant (ms): they count on the day it falls on in the account's time zone. */
export interface LateConversion {
  at: number;
  conversions: number;
}
