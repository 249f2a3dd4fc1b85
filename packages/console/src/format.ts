export const when = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleString() : "—");

export const STATUS_LABEL: Record<string, string> = { connected: "Connected", refreshing: "Refreshing", expired: "Expired", error: "Error" };
