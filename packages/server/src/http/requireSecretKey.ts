import type { RequestHandler } from "express";
import { AppError } from "../errors.js";
import type { SecretKeys } from "../tokens/secretKeys.js";
import { bearerToken } from "./bearerToken.js";

/** Product-backend routes: `Authorization: Bearer <secret key>`, any configured key, compared in constant time. */
export function requireSecretKey(secretKeys: SecretKeys): RequestHandler {
  return (req, _res, next) => {
    const token = bearerToken(req);
    if (!token) throw new AppError("unauthorized", "Missing Authorization: Bearer <secret key> header", 401);
    if (!secretKeys.verify(token)) throw new AppError("unauthorized", "The secret key is not valid", 401);
    next();
  };
}
