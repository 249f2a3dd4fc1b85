import { z } from "zod";
import { EnvSchema } from "../envSchema.js";

/** What `.meta()` carries on each variable of the env schema (see EnvSchema). */
export interface EnvVariableDoc {
  name: string;
  type: string;
  default: string;
  secret: boolean;
  description: string;
}

interface JsonSchemaProperty {
  type?: string;
  enum?: unknown[];
  format?: string;
  minimum?: number;
  maximum?: number;
  default?: unknown;
  items?: JsonSchemaProperty;
}

/** Every variable of the env schema with its type, default, secrecy and description, in schema order. */
export function envVariableDocs(): EnvVariableDoc[] {
  // Input side: what a person writes (a string, a number); output side: lists after splitting.
  const input = z.toJSONSchema(EnvSchema, { io: "input", unrepresentable: "any" }) as { properties: Record<string, JsonSchemaProperty> };
  const output = z.toJSONSchema(EnvSchema, { io: "output", unrepresentable: "any" }) as { properties: Record<string, JsonSchemaProperty> };
  return Object.entries(EnvSchema.shape).map(([name, schema]) => {
    const meta = (schema.meta() ?? {}) as { description?: string; secret?: boolean; unset?: string };
    const property = input.properties[name] ?? {};
    return {
      name,
      type: typeOf(property, output.properties[name]),
      default: property.default !== undefined ? `\`${String(property.default)}\`` : (meta.unset ?? "—"),
      secret: meta.secret === true,
      description: meta.description ?? "",
    };
  });
}

const range = (p: JsonSchemaProperty) => (p.minimum !== undefined && p.maximum !== undefined ? ` ${p.minimum}–${p.maximum}` : "");

function typeOf(input: JsonSchemaProperty, output: JsonSchemaProperty | undefined): string {
  if (output?.type === "array") return "list (comma-separated)";
  if (input.enum) return input.enum.map((v) => `\`${String(v)}\``).join(" \\| ");
  if (input.type === "integer") return `integer${range(input)}`;
  if (input.type === "number") return `number${range(input)}`;
  if (input.format === "uri") return "URL";
  return input.type ?? "string";
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** docs/reference/configuration.md, generated from the env schema. */
export function renderConfigurationReference(): string {
  const rows = envVariableDocs().map((v) => `| \`${v.name}\` | ${v.type} | ${cell(v.default)} | ${v.secret ? "yes" : "no"} | ${cell(v.description)} |`);
  return [
    "# Configuration reference",
    "",
    "<!-- Generated from the server's environment schema (packages/server/src/envSchema.ts) by `pnpm docs:reference`; do not edit by hand. -->",
    "",
    "Environment variables, checked once at start; each bad value is reported by name. Outside production",
    "(`NODE_ENV` ≠ `production`) the secrets get development defaults, generated once into `DATA_DIR` and",
    "announced in the log; in production they are required. **Secret** values are never logged or returned:",
    "keep them in a secret store, not in the repository.",
    "",
    "| variable | type | default | secret | description |",
    "|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}
