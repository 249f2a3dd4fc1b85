const MAX_REDIRECTS = 3;

/**
 * One request with redirects followed by hand (`redirect: "manual"`), each Location checked with
 * `allowed` before anything is sent there; a 307/308 keeps the method and body, others become GET.
 * A redirect that may not be followed (no Location, off the allow-list, more than 3 hops) is
 * returned as is, its body dropped: the caller refuses it.
 */
export async function fetchFollowingRedirects(
  fetchFn: typeof fetch,
  url: string,
  init: { method: string; headers: Record<string, string>; body: Uint8Array | null; signal: AbortSignal },
  allowed: (url: URL) => boolean,
): Promise<Response> {
  let current = url;
  let method = init.method;
  let body = init.body;
  for (let hop = 0; ; hop++) {
    const response = await fetchFn(current, {
      method,
      headers: init.headers,
      ...(body && method !== "GET" && method !== "HEAD" ? { body: new Uint8Array(body) } : {}),
      redirect: "manual",
      signal: init.signal,
    });
    if (response.status < 300 || response.status >= 400 || response.status === 304) return response;
    await response.body?.cancel().catch(() => {});
    const location = response.headers.get("location");
    const next = location ? safeUrl(location, current) : null;
    if (!next || !allowed(next) || hop >= MAX_REDIRECTS) return response;
    current = next.href;
    if (response.status !== 307 && response.status !== 308) {
      method = "GET";
      body = null;
    }
  }
}

function safeUrl(location: string, base: string): URL | null {
  try {
    return new URL(location, base);
  } catch {
    return null;
  }
}
