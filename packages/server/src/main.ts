import { ConfigError } from "./config.js";
import { doctorCli } from "./doctor/doctorCli.js";
import { startAdsConnect } from "./server.js";
import { reencryptCli } from "./tokens/reencrypt.js";

// `ads-connect` starts the server; `ads-connect doctor` checks the setup and exits.
const [command, ...args] = process.argv.slice(2);

if (command === "doctor") {
  process.exitCode = await doctorCli(args, process.env, (text) => process.stdout.write(text));
} else if (command === "reencrypt") {
  process.exitCode = await reencryptCli(args, process.env, (text) => process.stdout.write(text));
} else if (command !== undefined) {
  console.error(`Unknown command "${command}". Run without arguments to start the server, or "doctor" to check the setup.`);
  process.exitCode = 2;
} else {
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
}
