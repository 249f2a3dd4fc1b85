import { z } from "zod";

/** Field types the env schema's parts share. */
export const httpUrl = z.url({ protocol: /^https?$/, error: "must be an absolute http(s) URL" }).transform((u) => u.replace(/\/+$/, ""));

export const onOff = z.enum(["on", "off", "true", "false"], { error: "must be on or off" });
export const days = z.coerce.number().min(0, "must be 0 or more days").max(3650);

export const secret = z.string().min(32, "must be at least 32 characters");
export const seconds = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
