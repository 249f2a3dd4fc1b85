export * from "./errorCodes.js";
export * from "./connectSession.js";
export * from "./connectResult.js";
export * from "./connection.js";
export * from "./webhook.js";
export * from "./aadstsCatalogue.js";
export * from "./integrationStatus.js";
export * from "./adAccount.js";
