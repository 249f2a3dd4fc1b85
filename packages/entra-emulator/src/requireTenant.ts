import type { Request, Response } from "express";
import { AADSTS } from "./aadsts.js";
import { entraErrorBody } from "./entraErrorBody.js";
import { type ResolvedTenant, resolveTenant } from "./resolveTenant.js";

/** The request's tenant, or null after answering 400 AADSTS90002 as Entra does. */
export function requireTenant(req: Request, res: Response): ResolvedTenant | null {
  const segment = String(req.params.tenant ?? "");
  const tenant = resolveTenant(segment);
  if (!tenant) res.status(400).json(entraErrorBody("invalid_tenant", AADSTS.tenantNotFound(segment)));
  return tenant;
}
