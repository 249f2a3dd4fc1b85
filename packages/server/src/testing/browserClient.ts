import { CookieJar } from "tough-cookie";
import { httpRequest } from "./httpRequest.js";

export interface Page {
  status: number;
  url: string;
  body: string;
  headers: Headers;
}

/**
 * A tiny stand-in for a browser over real HTTP: keeps cookies per site and follows redirects, so a
 * test walks the same path a person's popup does (start → Entra emulator → callback).
 */
export class BrowserClient {
  readonly jar = new CookieJar();
  /** Every URL visited, in order (redirects included). */
  readonly history: string[] = [];

  /** `headers` go with every request, e.g. the browser's `accept-language`. */
  constructor(private readonly headers: Record<string, string> = {}) {}

  async get(url: string, options: { follow?: boolean } = {}): Promise<Page> {
    return this.request(url, { method: "GET" }, options.follow ?? true);
  }

  /** `headers`: what the browser adds itself, e.g. the `Origin` of the page that posted the form. */
  async postForm(url: string, form: Record<string, string>, options: { follow?: boolean; headers?: Record<string, string> } = {}): Promise<Page> {
    return this.request(
      url,
      { method: "POST", body: new URLSearchParams(form).toString(), headers: { "content-type": "application/x-www-form-urlencoded", ...options.headers } },
      options.follow ?? true,
    );
  }

  /** A form POST with an already encoded body (repeated fields, as checkboxes send them). */
  async postBody(url: string, body: string, options: { follow?: boolean } = {}): Promise<Page> {
    return this.request(url, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } }, options.follow ?? true);
  }

  private async request(url: string, init: { method: string; body?: string; headers?: Record<string, string> }, follow: boolean): Promise<Page> {
    let current = url;
    let requestInit = init;
    for (let hops = 0; hops < 20; hops++) {
      this.history.push(current);
      const cookie = await this.jar.getCookieString(current);
      const response = await httpRequest(current, { ...requestInit, headers: { ...this.headers, ...requestInit.headers, ...(cookie ? { cookie } : {}) } });
      for (const setCookie of response.setCookies) await this.jar.setCookie(setCookie, current);
      const location = response.headers.get("location");
      if (follow && location && response.status >= 300 && response.status < 400) {
        current = new URL(location, current).href;
        requestInit = { method: "GET" };
        continue;
      }
      return { status: response.status, url: current, body: response.text, headers: response.headers };
    }
    throw new Error(`Too many redirects from ${url}`);
  }
}
