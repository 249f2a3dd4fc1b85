import type { RequestHandler } from "express";
import { AppError } from "../errors.js";
import { secretMatcher } from "../tokens/secureToken.js";
import { bearerToken } from "./bearerToken.js";

/** Product-backend routes: `Authorization: Bearer <secret key>`, compared in constant time. */
export function requireSecretKey(secretKey: string): RequestHandler {
  const isSecretKey = secretMatcher(secretKey);
  return (req, _res, next) => {
    const token = bearerToken(req);
    if (!token) throw new AppError("unauthorized", "Missing Authorization: Bearer <secret key> header", 401);
    if (!isSecretKey(token)) throw new AppError("unauthorized", "The secret key is not valid", 401);
    next();
  };
}
