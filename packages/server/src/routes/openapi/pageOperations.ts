import { PROVIDER_CONFIG_KEY } from "@ads-connect/shared";
import {
  ACCOUNT_PICKER_PATH,
  ADMIN_CONSENT_CALLBACK_PATH,
  CONNECT_CONTINUE_PATH,
  CONNECT_REDIRECT_PATH,
  SIGN_IN_CALLBACK_PATH,
} from "../../oauth/redirectUris.js";
import { type Operation, page } from "./operationShapes.js";

/** Browser pages of the popup and of admin consent (HTML, not an API). */
export const PAGE_OPERATIONS: Operation[] = [
  {
    method: "get",
    path: "/oauth/connect/{integration}",
    operationId: "startPage",
    summary: "The popup's start page (opened by the widget with the session token)",
    tag: "Browser pages",
    auth: "none",
    pathParams: { integration: `"${PROVIDER_CONFIG_KEY}"` },
    responses: { "200": page("The start page"), default: page("A result page") },
  },
  {
    method: "post",
    path: CONNECT_CONTINUE_PATH,
    operationId: "continuePage",
    summary: "The start page's Continue (form post)",
    tag: "Browser pages",
    auth: "none",
    responses: { "303": { description: "To Microsoft's sign-in", body: "empty" }, default: page("The picker or a result page") },
  },
  {
    method: "post",
    path: CONNECT_REDIRECT_PATH,
    operationId: "redirectStart",
    summary: "Redirect mode's start: a form post from the product page (session token, flow, return URL; its Origin must be allowed)",
    tag: "Browser pages",
    auth: "none",
    responses: { "303": { description: "To Microsoft's sign-in, or back to the return URL with the result", body: "empty" }, default: page("A result page") },
  },
  {
    method: "get",
    path: SIGN_IN_CALLBACK_PATH,
    operationId: "signInCallback",
    summary: "Microsoft's redirect after sign-in",
    tag: "Browser pages",
    auth: "none",
    responses: { "200": page("The picker or the result page"), default: page("A result page") },
  },
  {
    method: "post",
    path: ACCOUNT_PICKER_PATH,
    operationId: "accountPicker",
    summary: "The account picker's form post",
    tag: "Browser pages",
    auth: "none",
    responses: { "200": page("The result page"), default: page("The picker again or a result page") },
  },
  {
    method: "get",
    path: "/oauth/admin-consent",
    operationId: "adminConsentStart",
    summary: "The administrator's approval link (to Microsoft)",
    tag: "Browser pages",
    auth: "none",
    responses: { "302": { description: "To Microsoft's admin consent", body: "empty" }, default: page("Why not") },
  },
  {
    method: "get",
    path: ADMIN_CONSENT_CALLBACK_PATH,
    operationId: "adminConsentCallback",
    summary: "Microsoft's redirect after admin consent",
    tag: "Browser pages",
    auth: "none",
    responses: { default: page("The outcome") },
  },
];
