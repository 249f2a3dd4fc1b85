/** The app registration every emulator knows unless told otherwise. Not a secret: dev only. */
export const DEV_CLIENT_ID = "00000000-0000-4000-8000-00000000ad5c";
export const DEV_CLIENT_SECRET = "emulator-dev-secret";
