import type { ActionInfo, ActionLoadFailure } from "@ads-connect/shared";
import { z } from "zod";
import type { Action } from "./defineAction.js";

export interface RegisteredAction {
  action: Action;
  info: ActionInfo;
}

/** JSON Schema of a zod schema, or null when it has no such form; built once, at load. */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> | null {
  try {
    return z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** The actions this server runs by name: the pre-built ones, then those ACTIONS_DIR adds; and what failed to load. */
export class ActionRegistry {
  private readonly actions = new Map<string, RegisteredAction>();
  readonly failures: ActionLoadFailure[] = [];

  constructor(prebuilt: readonly Action[] = []) {
    for (const action of prebuilt) {
      const clash = this.add(action, null);
      if (clash) throw new Error(clash);
    }
  }

  /** Registers an action (`file` null: pre-built); returns why not when its name is taken. */
  add(action: Action, file: string | null): string | null {
    const existing = this.actions.get(action.name);
    if (existing)
      return `duplicate action name "${action.name}" (already defined ${existing.info.file ? `in ${existing.info.file}` : "by ads-connect (pre-built)"})`;
    this.actions.set(action.name, {
      action,
      info: {
        name: action.name,
        description: action.description ?? null,
        source: file === null ? "prebuilt" : "custom",
        file,
        input_schema: jsonSchema(action.input, "input"),
        output_schema: jsonSchema(action.output, "output"),
      },
    });
    return null;
  }

  get(name: string): RegisteredAction | undefined {
    return this.actions.get(name);
  }

  list(): { actions: ActionInfo[]; failed: ActionLoadFailure[] } {
    return { actions: [...this.actions.values()].map((a) => a.info), failed: [...this.failures] };
  }
}
