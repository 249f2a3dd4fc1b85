import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { documentationFiles, REPO_ROOT, readDoc, withoutCode } from "./markdown.js";

/** Relative link targets of a Markdown text, with their lines: `[text](target)`, `[ref]: target`, `src="target"`. */
function relativeLinks(markdown: string): { target: string; line: number }[] {
  const found: { target: string; line: number }[] = [];
  withoutCode(markdown)
    .split("\n")
    .forEach((text, i) => {
      const targets = [
        ...[...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!),
        ...[...text.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/g)].map((m) => m[1]!),
        ...[...text.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!),
      ];
      for (const target of targets) {
        // Web addresses and other schemes are not ours to check.
        if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//")) continue;
        found.push({ target, line: i + 1 });
      }
    });
  return found;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const line of withoutCode(markdown).split("\n")) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const slug = heading[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    result.add(n === 0 ? slug : `${slug}-${n}`);
  }
  for (const m of markdown.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) result.add(m[1]!);
  return result;
}

describe("relative links in the docs", () => {
  it("point at files and folders that exist, and anchors at headings", () => {
    const files = documentationFiles();
    expect(files).toContain("README.md");
    const broken: string[] = [];
    let checked = 0;
    for (const file of files) {
      for (const { target, line } of relativeLinks(readDoc(file))) {
        checked++;
        const pathPart = decodeURIComponent(target.replace(/[?#].*$/, ""));
        const anchor = /#(.+)$/.exec(target)?.[1];
        const resolved =
          pathPart === ""
            ? path.join(REPO_ROOT, file)
            : pathPart.startsWith("/")
              ? path.join(REPO_ROOT, pathPart)
              : path.resolve(REPO_ROOT, path.dirname(file), pathPart);
        if (!existsSync(resolved)) broken.push(`${file}:${line}: ${target}`);
        // An anchor into a Markdown page must name one of its headings.
        else if (anchor && resolved.endsWith(".md") && !anchors(readDoc(path.relative(REPO_ROOT, resolved))).has(decodeURIComponent(anchor)))
          broken.push(`${file}:${line}: ${target} (no such heading)`);
      }
    }
    expect(checked).toBeGreaterThan(0);
    expect(broken, "these relative links point at nothing").toEqual([]);
  });
});
