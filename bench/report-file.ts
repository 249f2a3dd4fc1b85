// Writes a campaign performance report ZIP of about REPORT_BYTES of CSV to a file, streaming (the
// CSV is never held whole): `tsx bench/report-file.ts <file> <csv bytes>` prints {rows, csvBytes,
// zipBytes, last} as JSON. Run by bench/report-download.ts as a child process, so its deflating
// does not weigh on the measured server's memory or event loop.

import { once } from "node:events";
import { closeSync, openSync, writeSync } from "node:fs";
import { crc32, createDeflateRaw } from "node:zlib";

export const REPORT_HEADER =
  "TimePeriod,AccountId,CampaignId,CampaignName,CampaignStatus,CurrencyCode,Impressions,Clicks,Ctr,AverageCpc,Spend,Conversions,Revenue\r\n";
const DAYS = 1096;

/** Row `i`: one campaign-day, numbers from a cheap deterministic generator (so they compress like real ones, not like repeats). */
export function reportRow(i: number): string {
  const day = new Date(Date.UTC(2023, 0, 1) + (i % DAYS) * 86_400_000).toISOString().slice(0, 10);
  const campaign = 100_000_000 + Math.floor(i / DAYS);
  const r = Math.imul(i + 1, 2_654_435_761) >>> 0;
  const impressions = 100 + (r % 90_000);
  const clicks = r % 997;
  const spend = ((r % 100_003) / 100).toFixed(2);
  const name = campaign % 7 === 0 ? `"Spring ""Sale"", ${campaign}"` : `Campaign ${campaign}`;
  return `${day},180278106,${campaign},${name},Active,USD,${impressions},${clicks},${((clicks / impressions) * 100).toFixed(2)}%,${(Number(spend) / Math.max(1, clicks)).toFixed(2)},${spend},${r % 13},${((r % 50_000) / 10).toFixed(2)}\r\n`;
}

async function main(file: string, target: number): Promise<void> {
  const fd = openSync(file, "w");
  const name = Buffer.from("CampaignPerformance.csv");
  // Local file header; CRC and sizes are written into it once known.
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(0, 6);
  local.writeUInt16LE(8, 8);
  local.writeUInt16LE(name.length, 26);
  writeSync(fd, local);
  writeSync(fd, name);
  let zipBytes = 30 + name.length;
  let csvBytes = 0;
  let crc = 0;
  let rows = 0;
  const deflate = createDeflateRaw({ level: 6 });
  deflate.on("data", (chunk: Buffer) => {
    writeSync(fd, chunk);
    zipBytes += chunk.length;
  });
  const feed = async (text: string) => {
    const bytes = Buffer.from(text);
    crc = crc32(bytes, crc);
    csvBytes += bytes.length;
    if (!deflate.write(bytes)) await once(deflate, "drain");
  };
  await feed(REPORT_HEADER);
  let last = "";
  while (csvBytes < target) {
    let batch = "";
    for (let k = 0; k < 2000; k++) batch += reportRow(rows++);
    last = reportRow(rows - 1);
    await feed(batch);
  }
  deflate.end();
  await once(deflate, "end");
  const compressed = zipBytes - 30 - name.length;
  const sizes = Buffer.alloc(12);
  sizes.writeUInt32LE(crc >>> 0, 0);
  sizes.writeUInt32LE(compressed, 4);
  sizes.writeUInt32LE(csvBytes, 8);
  writeSync(fd, sizes, 0, 12, 14);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  sizes.copy(central, 16);
  central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + name.length, 12);
  end.writeUInt32LE(zipBytes, 16);
  writeSync(fd, central);
  writeSync(fd, name);
  writeSync(fd, end);
  zipBytes += 46 + name.length + 22;
  closeSync(fd);
  process.stdout.write(JSON.stringify({ rows, csvBytes, zipBytes, last }));
}

if (process.argv[1]?.endsWith("report-file.ts")) await main(process.argv[2]!, Number(process.argv[3]));
