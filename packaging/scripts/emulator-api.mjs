// The emulator's programmatic API, as a product's own test setup would use it.
import { DEV_CLIENT_ID, startEntraEmulator } from "@ads-connect/entra-emulator";

const emulator = await startEntraEmulator({ port: 0 });
const discovery = await fetch(`${emulator.url}/common/v2.0/.well-known/openid-configuration`).then((r) => r.json());
await emulator.close();
console.log(JSON.stringify({ url: emulator.url, clientId: DEV_CLIENT_ID, authorizationEndpoint: discovery.authorization_endpoint }));
