import { useState } from "react";
import type { ConnectLabels } from "./labelTypes.js";
import { small } from "./styles.js";

/**
 * The administrator's approval link and its copy button, shown only with `admin_consent_required`:
 * loaded then (a chunk of its own), so the button's first load stays small.
 */
export default function AdminLink({ url, l }: { url: string; l: ConnectLabels }) {
  const [copied, setCopied] = useState<string>();
  return (
    <p style={{ margin: 0, display: "flex", gap: "0.75em", alignItems: "baseline" }}>
      <a href={url} target="_blank" rel="noopener noreferrer" data-adsc-admin-link="" style={{ color: "var(--adsc-link)" }}>
        {l.adminLink}
      </a>
      <button
        type="button"
        style={small}
        onClick={() =>
          navigator.clipboard?.writeText(url).then(
            () => setCopied(url),
            () => {},
          )
        }
      >
        {copied === url ? l.copied : l.copyLink}
      </button>
    </p>
  );
}
