import { createRoot } from "react-dom/client";
import { App } from "./App.js";

const config = (await fetch("/api/config").then((r) => r.json())) as { serverUrl: string };
createRoot(document.getElementById("root")!).render(<App serverUrl={config.serverUrl} />);
