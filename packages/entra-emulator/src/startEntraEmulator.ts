import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createEntraEmulatorApp } from "./createEntraEmulatorApp.js";
import { createSigningKey } from "./createSigningKey.js";
import { DEV_CLIENT_ID } from "./devClient.js";
import { EmulatorState } from "./EmulatorState.js";
import { randomToken } from "./randomToken.js";
import { TEST_USERS } from "./testUsers.js";
import type { EntraEmulator, EntraEmulatorOptions } from "./types.js";

/** Starts an emulator on its own HTTP server; resolves once it listens. */
export async function startEntraEmulator(options: EntraEmulatorOptions = {}): Promise<EntraEmulator> {
  const state = new EmulatorState(await createSigningKey(), options);
  const server = createServer(createEntraEmulatorApp(state));
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  state.baseUrl = `http://${urlHost(host)}:${port}`;
  state.log(`Entra emulator listening at ${state.baseUrl}`);

  let closing: Promise<void> | null = null;
  return {
    url: state.baseUrl,
    users: TEST_USERS,
    stats: state.stats,
    get lastAuthorizeRequest() {
      return state.lastAuthorizeRequest;
    },
    set lastAuthorizeRequest(value: URLSearchParams | null) {
      state.lastAuthorizeRequest = value;
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive connections (fetch keeps them) would otherwise hold close() open.
        server.closeAllConnections();
      });
      return closing;
    },
    injectAuthorizeError(...errors) {
      state.authorizeInjections.push(...errors.map((e) => ({ ...e })));
    },
    injectTokenErrors(grantType, errors) {
      state.injections[grantType].push(...errors.map((e) => ({ ...e })));
    },
    injectTokenNetworkFaults(grantType, faults) {
      state.networkFaults[grantType].push(...faults.map((f) => ({ ...f })));
    },
    issuedRefreshTokens() {
      return [...state.refreshTokens]
        .map(([token, r]) => ({
          token,
          username: r.user.username,
          parent: r.parent ?? null,
          issuedAt: r.issuedAt,
          sequence: r.sequence ?? 0,
          delivered: r.delivered ?? null,
        }))
        .sort((a, b) => a.sequence - b.sequence);
    },
    holdNextTokenResponse(grantType) {
      let release!: () => void;
      let markHeld!: () => void;
      const released = new Promise<void>((r) => (release = r));
      const held = new Promise<void>((r) => (markHeld = r));
      state.holds[grantType] = () => {
        markHeld();
        return released;
      };
      return { held, release };
    },
    holdDiscovery() {
      let release!: () => void;
      let markHeld!: () => void;
      const released = new Promise<void>((r) => (release = r));
      const held = new Promise<void>((r) => (markHeld = r));
      const hold = () => {
        markHeld();
        return released;
      };
      state.discoveryHold = hold;
      return {
        held,
        release() {
          if (state.discoveryHold === hold) state.discoveryHold = null;
          release();
        },
      };
    },
    revokeRefreshTokens: (username) => state.revokeRefreshTokens(username),
    isAccessTokenValid: (accessToken) => state.isAccessTokenValid(accessToken),
    accessTokenInfo(accessToken) {
      const record = state.accessTokens.get(accessToken);
      return record ? { username: record.username, expired: Date.now() >= record.expiresAt } : null;
    },
    setLoginPageCoop(enabled) {
      state.loginPageCoop = enabled;
    },
    addClient: (client) => state.addClient(client),
    adminConsentedTenants: state.adminConsentedTenants,
    mintRefreshToken(username, options = {}) {
      const user = TEST_USERS.find((u) => u.username.toLowerCase() === username.toLowerCase());
      if (!user) throw new Error(`mintRefreshToken: no test user ${username}`);
      const clientId = options.clientId ?? DEV_CLIENT_ID;
      if (!state.clients.has(clientId)) throw new Error(`mintRefreshToken: unknown client ${clientId}`);
      const token = randomToken("1.A", 96);
      const scopes = options.scopes ?? ["https://ads.microsoft.com/msads.manage", "offline_access"];
      state.remember(
        state.refreshTokens,
        token,
        { user, clientId, scopes, tenantSegment: options.tenantSegment ?? "common", issuedAt: Date.now(), revoked: false },
        state.lifetimes.refreshToken,
      );
      return token;
    },
    setAccessTokenLifetimeSeconds(seconds) {
      state.lifetimes.accessToken = seconds * 1000;
    },
  };
}

/** A wildcard bind address is reached through loopback; IPv6 literals need brackets. */
function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}
