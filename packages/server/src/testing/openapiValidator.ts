import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

// ajv-formats is CommonJS: under NodeNext its function is the default import's `default`.
const addFormats = addFormatsModule.default;

interface Doc {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
  components?: unknown;
}

/**
 * Checks answers against an OpenAPI 3.1 document's response schemas (JSON Schema 2020-12, with ajv).
 * `check` finds the response for the status (exact, then `4XX`, then `default`), and returns what is
 * wrong: an undocumented status, or the body's validation errors; [] when the answer conforms.
 */
export function openApiValidator(doc: Doc) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const compiled = new Map<string, ValidateFunction>();
  return {
    check(method: string, path: string, status: number, body: unknown): string[] {
      const operation = doc.paths[path]?.[method.toLowerCase()];
      if (!operation) return [`${method} ${path} is not documented`];
      const key = [String(status), `${String(status)[0]}XX`, "default"].find((k) => operation.responses[k]);
      if (!key) return [`${method} ${path} does not document status ${status}`];
      const schema = operation.responses[key]!.content?.["application/json"]?.schema;
      if (schema === undefined) return [];
      const id = `${method} ${path} ${key}`;
      let validate = compiled.get(id);
      if (!validate) {
        // The response schema inside a root that holds the components, so `#/components/…` resolves.
        validate = ajv.compile({ allOf: [schema], components: doc.components });
        compiled.set(id, validate);
      }
      return validate(body) ? [] : (validate.errors ?? []).map((e) => `${id}: ${e.instancePath || "(body)"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
    },
  };
}
