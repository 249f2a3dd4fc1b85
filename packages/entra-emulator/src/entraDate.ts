/** Dates as Entra writes them in messages: `2024-05-01T10:00:00.0000000Z`. */
export function entraDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");
}

/** A duration as .NET's TimeSpan prints it: `90.00:00:00`, or `00:00:01` under a day. */
export function entraTimeSpan(ms: number): string {
  const total = Math.round(ms / 1000);
  const days = Math.floor(total / 86400);
  const pad = (n: number) => String(n).padStart(2, "0");
  const time = `${pad(Math.floor((total % 86400) / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
  return days > 0 ? `${days}.${time}` : time;
}
