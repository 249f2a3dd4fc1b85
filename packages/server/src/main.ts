import { ConfigError } from "./config.js";
import { startAdsConnect } from "./server.js";

try {
  const server = await startAdsConnect({ env: process.env });
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
