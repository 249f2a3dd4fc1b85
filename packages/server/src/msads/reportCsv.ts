import { setImmediate as nextTurn } from "node:timers/promises";
import { Unzip, UnzipInflate } from "fflate";
import Papa from "papaparse";
import { AppError } from "../errors.js";
import { reportTooLarge } from "./reportDownload.js";

/**
 * Input is inflated 16 KB at a time: deflate expands at most ~1032:1, so one step makes at most
 * ~16 MB and takes a few ms however hostile the file; the size cap is checked after each step.
 */
const INFLATE_STEP = 16 * 1024;
/** Decompressed text reaches the CSV parser in slices this size, so each parse step is short too. */
const PARSE_SLICE = 64 * 1024;
/** A longer row is no campaign report row (and would have to be held whole): refused. */
const MAX_ROW_CHARS = 1024 * 1024;
/** Parsing steps aside for timers and sockets this often. */
const TURN_MS = 10;
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

const invalid = (message: string) => new AppError("report_invalid", message, 502);
const tooLong = () => invalid(`The report's CSV has a row longer than ${MAX_ROW_CHARS} characters (or an unclosed quote)`);

/**
 * The records of the CSV inside a report ZIP, streamed, in batches (one per slice of text): nothing
 * but the current slice is held, whatever the report's size. The first record is the column
 * header. Past `maxCsvBytes` decompressed (a zip bomb), 502 report_too_large; a file that is no
 * ZIP, holds no CSV or is malformed, 502 report_invalid. Stopping the iteration stops the download.
 *
 * Papa Parse's parser (RFC 4180: quotes, "" and line breaks inside quotes) is fed each slice with
 * the unfinished row of the one before, as its own stream does; its Node stream is not used: it
 * pauses and re-slices its input every 16 rows (ten times slower than this), and decodes each chunk
 * alone (a UTF-8 character cut between two chunks would break).
 */
export async function* reportRecords(zip: AsyncIterable<Uint8Array>, maxCsvBytes: number): AsyncGenerator<string[][], void, undefined> {
  // Streaming, so a character cut between two slices survives; a leading BOM is dropped.
  const decoder = new TextDecoder("utf-8");
  let parser: Papa.Parser | null = null;
  let partial = "";
  let turn = performance.now();
  const parse = (text: string, last: boolean): string[][] => {
    const input = partial + text;
    if (!parser) {
      // Microsoft writes CRLF; the end of the header row tells.
      const lf = input.indexOf("\n");
      if (lf === -1 && !last) {
        partial = input;
        if (partial.length > MAX_ROW_CHARS) throw tooLong();
        return [];
      }
      parser = new Papa.Parser({ delimiter: ",", newline: input[lf - 1] === "\r" ? "\r\n" : "\n" });
    }
    const result = parser.parse(input, 0, !last);
    partial = last ? "" : input.slice(result.meta.cursor);
    if (partial.length > MAX_ROW_CHARS) throw tooLong();
    return (result.data as string[][]).filter((row) => !(row.length === 1 && row[0] === ""));
  };
  for await (const bytes of unzippedCsv(zip, maxCsvBytes)) {
    const rows = parse(decoder.decode(bytes, { stream: true }), false);
    if (rows.length > 0) yield rows;
    // Promises alone never let timers and sockets in: step aside now and then.
    if (performance.now() - turn > TURN_MS) {
      await nextTurn();
      turn = performance.now();
    }
  }
  const rows = parse(decoder.decode(), true);
  if (rows.length > 0) yield rows;
}

/** The first .csv entry's bytes, inflated step by step; other entries are inflated and dropped (counted against the cap). */
async function* unzippedCsv(zip: AsyncIterable<Uint8Array>, maxCsvBytes: number): AsyncGenerator<Uint8Array, void, undefined> {
  let pending: Uint8Array[] = [];
  let total = 0;
  let failure: AppError | null = null;
  let csvFound = false;
  let csvDone = false;
  const unzip = new Unzip((file) => {
    const isCsv = !csvFound && file.name.toLowerCase().endsWith(".csv");
    if (isCsv) csvFound = true;
    file.ondata = (err, data, final) => {
      if (failure) return;
      if (err) {
        failure = invalid("The report download is not a readable ZIP file");
        return;
      }
      total += data.byteLength;
      if (total > maxCsvBytes) failure = reportTooLarge("decompressed CSV", maxCsvBytes, "REPORT_MAX_CSV_BYTES");
      else if (isCsv) {
        pending.push(data);
        if (final) csvDone = true;
      }
    };
    try {
      file.start();
    } catch {
      failure = invalid(`The report ZIP's entry ${JSON.stringify(file.name.slice(0, 100))} uses a compression this server cannot read`);
    }
  });
  unzip.register(UnzipInflate);
  const head: number[] = [];
  const push = (data: Uint8Array, final: boolean) => {
    try {
      unzip.push(data, final);
    } catch {
      failure ??= invalid("The report download is not a readable ZIP file");
    }
    if (failure) throw failure;
  };
  for await (const chunk of zip) {
    // A ZIP starts with a local file header: anything else is refused before it is read further.
    for (let i = 0; head.length < ZIP_MAGIC.length && i < chunk.length; i++) {
      head.push(chunk[i]!);
      if (head.at(-1) !== ZIP_MAGIC[head.length - 1]) throw invalid("The report download is not a ZIP file");
    }
    for (let i = 0; i < chunk.length; i += INFLATE_STEP) {
      push(chunk.subarray(i, i + INFLATE_STEP), false);
      yield* slices(pending);
      pending = [];
      // Microsoft's ZIP holds one CSV: what follows it (the central directory) is not needed.
      if (csvDone) return;
    }
  }
  if (head.length < ZIP_MAGIC.length) throw invalid("The report download is not a ZIP file");
  push(new Uint8Array(0), true);
  yield* slices(pending);
  if (!csvFound) throw invalid("The report download holds no CSV file");
  if (!csvDone) throw invalid("The report download ends inside its CSV file");
}

function* slices(chunks: Uint8Array[]): Generator<Uint8Array> {
  for (const chunk of chunks) for (let i = 0; i < chunk.byteLength; i += PARSE_SLICE) yield chunk.subarray(i, i + PARSE_SLICE);
}
