import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { testAdAccount } from "../../testing/testAdAccount.js";
import { renderAccountPickerPage } from "./accountPickerPage.js";
import { loadPickerStrings, PICKER_STRINGS_EN } from "./pickerStrings.js";

const dir = mkdtempSync(path.join(tmpdir(), "picker-strings-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
};

describe("picker strings", () => {
  it("English by default; a file overrides any keys (a translation) and the page uses them, lang included", () => {
    expect(loadPickerStrings(null)).toEqual(PICKER_STRINGS_EN);
    const strings = loadPickerStrings(
      file("de.json", JSON.stringify({ lang: "de", headingMultiple: "Wählen Sie Ihre Konten", submit: "Weiter", number: "Nummer" })),
    );
    expect(strings.legend).toBe(PICKER_STRINGS_EN.legend);
    const html = renderAccountPickerPage(
      { mode: "multiple", accounts: [testAdAccount(1), testAdAccount(2)], action: "https://x.example/a", token: "t", user: "U", productName: "P", strings },
      "nonce",
    );
    expect(html).toContain('<html lang="de">');
    expect(html).toContain("<h1>Wählen Sie Ihre Konten</h1>");
    expect(html).toContain(">Weiter</button>");
    expect(html).toContain(`Nummer ${testAdAccount(1).number}`);
  });

  it("refuses an unknown key or a file that is not JSON, naming the setting", () => {
    expect(() => loadPickerStrings(file("typo.json", JSON.stringify({ submitt: "Go" })))).toThrow(/ACCOUNT_PICKER_STRINGS_FILE/);
    expect(() => loadPickerStrings(file("bad.json", "{"))).toThrow(/ACCOUNT_PICKER_STRINGS_FILE: cannot read it as JSON/);
  });

  it("escapes account names (they come from Microsoft, typed by people)", () => {
    const html = renderAccountPickerPage(
      {
        mode: "single",
        accounts: [testAdAccount(1, { name: '<img src=x onerror="alert(1)">' })],
        action: "https://x.example/a",
        token: "t",
        user: "U",
        productName: "P",
        strings: PICKER_STRINGS_EN,
      },
      "nonce",
    );
    expect(html).not.toContain("<img");
    expect(html).toContain("&#60;img");
  });
});
