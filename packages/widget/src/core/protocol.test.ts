import type * as shared from "@ads-connect/shared";
import { expectTypeOf, it } from "vitest";
import type * as widget from "./protocol.js";

// Checked by the type check (`pnpm run typecheck`): a field added, removed or retyped on either side fails it.
it("the widget's own protocol types equal the types inferred from the server's zod schemas", () => {
  expectTypeOf<widget.ErrorCode>().toEqualTypeOf<shared.ErrorCode>();
  expectTypeOf<widget.ErrorActor>().toEqualTypeOf<shared.ErrorActor>();
  expectTypeOf<widget.Account>().toEqualTypeOf<shared.Account>();
  expectTypeOf<widget.AdAccount>().toEqualTypeOf<shared.AdAccount>();
  expectTypeOf<widget.ConnectError>().toEqualTypeOf<shared.ConnectError>();
  expectTypeOf<widget.ConnectSuccess>().toEqualTypeOf<shared.ConnectSuccess>();
  expectTypeOf<widget.ConnectResult>().toEqualTypeOf<shared.ConnectResult>();
  expectTypeOf<widget.SessionStatusResponse>().toEqualTypeOf<shared.SessionStatusResponse>();
});
