import { renderConfigurationReference } from "./configReference.js";
import { renderErrorReference } from "./errorReference.js";

/** The generated references: path from the repository root → content. */
export function references(): Record<string, string> {
  return {
    "docs/reference/configuration.md": renderConfigurationReference(),
    "docs/reference/errors.md": renderErrorReference(),
  };
}
