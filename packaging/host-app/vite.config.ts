import { AdsConnectClient } from "@ads-connect/node";
import { defineConfig, type Plugin } from "vite";

const END_USER_ID = "packaging-user";

/** The product's backend, here as dev-server middleware: it creates connect sessions with the secret key. */
function productBackend(): Plugin {
  return {
    name: "product-backend",
    configureServer(server) {
      const serverUrl = process.env.ADS_CONNECT_URL!;
      const client = new AdsConnectClient({ host: serverUrl, secretKey: process.env.ADS_CONNECT_SECRET_KEY! });
      server.middlewares.use("/api/config", (_req, res) => {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ serverUrl }));
      });
      server.middlewares.use("/api/connect-session", (_req, res) => {
        client.createConnectSession({ end_user: { id: END_USER_ID } }).then(
          ({ data }) => {
            res.setHeader("content-type", "application/json");
            res.end(JSON.stringify({ token: data.token }));
          },
          () => {
            res.statusCode = 502;
            res.end();
          },
        );
      });
    },
  };
}

export default defineConfig({ plugins: [productBackend()] });
