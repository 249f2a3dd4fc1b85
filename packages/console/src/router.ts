import { type MouseEvent, useEffect, useState } from "react";
import { ROOT } from "./api.js";

/** The path under the console's root (`/`, `/connections`, `/connections/<id>`, `/webhooks`), with its query. */
export function currentRoute(): { path: string; search: URLSearchParams } {
  const path = window.location.pathname.slice(ROOT.length) || "/";
  return { path, search: new URLSearchParams(window.location.search) };
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = `${ROOT}${to === "/" ? "/" : to}`;
  if (options.replace) window.history.replaceState(null, "", url);
  else window.history.pushState(null, "", url);
  window.dispatchEvent(new PopStateEvent("popstate"));
}

export function useRoute(): ReturnType<typeof currentRoute> {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    window.addEventListener("popstate", update);
    return () => window.removeEventListener("popstate", update);
  }, []);
  return route;
}

/** A link inside the console: a real `<a href>` (opens in a new tab too), routed in place on a plain click. */
export function linkProps(to: string): { href: string; onClick: (e: MouseEvent) => void } {
  return {
    href: `${ROOT}${to}`,
    onClick: (e) => {
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      navigate(to);
    },
  };
}
