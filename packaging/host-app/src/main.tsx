import { createRoot } from "react-dom/client";
import { App } from "./App";

void fetch("/api/config")
  .then((res) => res.json() as Promise<{ serverUrl: string }>)
  .then(({ serverUrl }) => createRoot(document.getElementById("root")!).render(<App serverUrl={serverUrl} />));
