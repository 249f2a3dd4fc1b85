import { CONNECT_ERROR, type ConnectResult } from "@ads-connect/shared";

/**
 * What the connect sessions and attempts that made (or reopened) a connection show once it is
 * deleted, in place of their result (which named the Microsoft user and the chosen ad accounts):
 * the same `not_found` a change of accounts answers for a connection that no longer exists. A
 * finished session whose connection was deleted reads as `error` with it.
 */
export const DELETED_CONNECTION_RESULT: ConnectResult = {
  type: CONNECT_ERROR,
  error: {
    code: "not_found",
    message: "The connection this sign-in made has since been deleted. Connect again from the app.",
    actor: "end_user",
    aadsts: null,
  },
};
