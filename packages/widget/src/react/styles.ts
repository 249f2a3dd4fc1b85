import type { CSSProperties } from "react";

// Inline styles only (no global CSS). Fits the host page: its font and text colour (currentColor),
// never a colour of its own chosen from prefers-color-scheme, which can differ from the card the
// widget sits on. Hosts set the rest through custom properties; one left unset inherits.
export const root: CSSProperties = { display: "inline-flex", flexDirection: "column", alignItems: "flex-start", gap: "0.5em" };
export const button: CSSProperties = {
  display: "inline-flex",
  alignItems: "center",
  gap: "0.6em",
  padding: "0.6em 1.1em",
  border: "1px solid var(--adsc-border, currentColor)",
  borderRadius: "var(--adsc-radius, 4px)",
  background: "var(--adsc-button-bg, transparent)",
  color: "var(--adsc-button-text, inherit)",
  font: "inherit",
  fontWeight: 600,
  cursor: "pointer",
};
export const small: CSSProperties = { ...button, padding: "0.2em 0.6em", fontWeight: 400 };
