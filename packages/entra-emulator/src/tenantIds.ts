/** Fixed tenants of the emulator; ids are stable so tests and fixtures can name them. */
export const CONTOSO_TENANT_ID = "c0a705c0-0000-4000-8000-00000000c0a7";
export const FABRIKAM_TENANT_ID = "fab71ca0-0000-4000-8000-00000000fab7";
/** Entra's real tenant id for personal Microsoft accounts. */
export const CONSUMERS_TENANT_ID = "9188040d-6c67-4c5b-b112-36a304b66dad";

/** Verified domains and display names of the fixed tenants. */
export const TENANT_DIRECTORY: Readonly<Record<string, { domain: string; name: string }>> = {
  [CONTOSO_TENANT_ID]: { domain: "contoso.example", name: "Contoso" },
  [FABRIKAM_TENANT_ID]: { domain: "fabrikam.example", name: "Fabrikam" },
  [CONSUMERS_TENANT_ID]: { domain: "outlook.example", name: "Microsoft Accounts" },
};
