import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

/** The Markdown a reader meets: the README, the guides and references in docs/, each package's README. */
export function documentationFiles(): string[] {
  const docs = existsSync(path.join(REPO_ROOT, "docs"))
    ? readdirSync(path.join(REPO_ROOT, "docs"), { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".md"))
        .map((f) => path.join("docs", f))
    : [];
  const packages = readdirSync(path.join(REPO_ROOT, "packages"))
    .map((p) => path.join("packages", p, "README.md"))
    .filter((f) => existsSync(path.join(REPO_ROOT, f)));
  return ["README.md", ...docs.sort(), ...packages];
}

export interface CodeBlock {
  /** The fence's info string: language first (`ts`), then flags (`no-check`). */
  lang: string;
  flags: string[];
  code: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The HTML comment right above the fence, if any (e.g. `<!-- actions-example: file.ts -->`). */
  comment: string | null;
}

/** Every fenced code block of a Markdown text. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split("\n");
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith("```"));
    if (end === -1) break;
    let above = i - 1;
    while (above >= 0 && lines[above]!.trim() === "") above--;
    const comment = above >= 0 && /^<!--.*-->$/.test(lines[above]!.trim()) ? lines[above]!.trim() : null;
    blocks.push({ lang: open[1]!, flags: open[2]!.trim().split(/\s+/).filter(Boolean), code: `${lines.slice(i + 1, end).join("\n")}\n`, line: i + 1, comment });
    i = end;
  }
  return blocks;
}

/** Markdown with its fenced code blocks blanked (line numbers kept): links inside code are examples. */
export function withoutCode(markdown: string): string {
  let inside = false;
  return markdown
    .split("\n")
    .map((l) => {
      if (l.startsWith("```")) inside = !inside;
      return inside || l.startsWith("```") ? "" : l.replace(/`[^`\n]*`/g, (m) => " ".repeat(m.length));
    })
    .join("\n");
}

export const readDoc = (file: string) => readFileSync(path.join(REPO_ROOT, file), "utf8");
