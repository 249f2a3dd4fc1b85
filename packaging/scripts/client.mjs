// A product backend in plain Node ESM with the installed client package.
import { AdsConnectClient } from "@ads-connect/node";

const client = new AdsConnectClient({ host: process.env.ADS_CONNECT_URL, secretKey: process.env.ADS_CONNECT_SECRET_KEY });
const { data: session } = await client.createConnectSession({ end_user: { id: process.env.END_USER_ID } });
const { connections } = await client.listConnections({ endUserId: process.env.END_USER_ID });
const connection = await client.getConnection(connections[0].connection_id);
// Only shapes and lengths: tokens never go to a log.
console.log(
  JSON.stringify({
    sessionTokenLength: session.token.length,
    connections: connections.map((c) => ({ username: c.account.username, status: c.status })),
    accessTokenLength: connection.credentials.access_token.length,
  }),
);
