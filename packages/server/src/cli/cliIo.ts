/** What a CLI command reads and writes: the environment and the two output streams. */
export interface CliIo {
  env: Record<string, string | undefined>;
  out: (text: string) => void;
  err: (text: string) => void;
}
