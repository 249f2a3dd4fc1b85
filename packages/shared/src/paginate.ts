/**
 * Microsoft Advertising's paging: a zero-based page index (not an offset), at most 1000 a page, no total.
 *
 * @example
 * ```ts
 * import type { PageInfo } from "@ads-connect/node";
 *
 * const searchAccounts = async (PageInfo: PageInfo) => {
 *   const body = { Predicates: [{ Field: "UserId", Operator: "Equals", Value: "123" }], Ordering: null, PageInfo };
 *   return (await client.proxy<{ Accounts: { Id: string }[] }>({ connectionId, method: "POST", endpoint: "/CustomerManagement/v13/Accounts/Search", data: body })).data.Accounts;
 * };
 * ```
 */
export interface PageInfo {
  Index: number;
  Size: number;
}

/**
 * The most items Microsoft Advertising returns a page (`PageInfo.Size`): 1000.
 *
 * @example
 * ```ts
 * import { MAX_PAGE_SIZE, type PageInfo } from "@ads-connect/node";
 *
 * const firstPage: PageInfo = { Index: 0, Size: MAX_PAGE_SIZE };
 * ```
 */
export const MAX_PAGE_SIZE = 1000;

/**
 * How {@link pages} and {@link paginate} walk the pages: the page size and a bound on the number of pages.
 *
 * @example
 * ```ts
 * import { type PageOptions, paginate } from "@ads-connect/node";
 *
 * const options: PageOptions = { size: 100, maxPages: 50 };
 * const accounts = await paginate(searchAccounts, options);
 * ```
 */
export interface PageOptions {
  /** Items a page, 1-1000 (default 1000). */
  size?: number;
  /** Bounds a service that never returns a short page (default 1000 pages). */
  maxPages?: number;
}

/**
 * Microsoft's pages in order, one array each, until one comes back shorter than `size` (Microsoft
 * gives no total and no next link). `fetchPage` gets the `PageInfo` to send.
 *
 * @example
 * ```ts
 * import { pages } from "@ads-connect/node";
 *
 * for await (const accounts of pages(searchAccounts, { size: 500 })) console.log(accounts.length);
 * ```
 */
export async function* pages<T>(fetchPage: (page: PageInfo) => Promise<T[]>, options: PageOptions = {}): AsyncGenerator<T[], void, undefined> {
  const size = options.size ?? MAX_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) throw new RangeError(`page size must be 1-${MAX_PAGE_SIZE}`);
  const maxPages = options.maxPages ?? 1000;
  for (let index = 0; index < maxPages; index++) {
    const page = await fetchPage({ Index: index, Size: size });
    yield page;
    if (page.length < size) return;
  }
  throw new RangeError(`more than ${maxPages} pages of ${size}`);
}

/**
 * Every item of every page, concatenated in Microsoft's order.
 *
 * @example
 * ```ts
 * import { paginate } from "@ads-connect/node";
 *
 * const accounts = await paginate(searchAccounts); // every page, concatenated
 * ```
 */
export async function paginate<T>(fetchPage: (page: PageInfo) => Promise<T[]>, options: PageOptions = {}): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages(fetchPage, options)) all.push(...page);
  return all;
}

/**
 * A paged Microsoft Advertising call: the same request with `PageInfo` set in the body for each
 * page; the page's items are the response's `items` array (e.g. "Accounts").
 *
 * @example
 * ```ts
 * import type { PagedRequest } from "@ads-connect/node";
 *
 * const request: PagedRequest = { endpoint: "/CustomerManagement/v13/Accounts/Search", data: { Predicates: [], Ordering: null }, items: "Accounts" };
 * for await (const accounts of client.paginate({ ...request, connectionId })) console.log(accounts.length);
 * ```
 */
export interface PagedRequest extends PageOptions {
  /** e.g. "/CustomerManagement/v13/Accounts/Search". */
  endpoint: string;
  /** Default POST (Microsoft's REST API takes its paged searches as POST bodies). */
  method?: string;
  /** The request body without `PageInfo`. */
  data?: Record<string, unknown>;
  /** The key of the response's item array: "Accounts", "Customers", … */
  items: string;
  customerId?: string;
  accountId?: string;
  headers?: Record<string, string>;
}

/**
 * Walks a paged call through `send` (a proxy call answering the parsed body). `items: null` is an
 * empty page; a response without the `items` key is an error (a wrong key would read as "no items").
 *
 * @example
 * ```ts
 * import { pagedRequest } from "@ads-connect/node";
 *
 * const request = { endpoint: "/CustomerManagement/v13/Accounts/Search", data: { Predicates: [] }, items: "Accounts" };
 * const send = async (data: Record<string, unknown>) => (await client.proxy({ connectionId, method: "POST", endpoint: request.endpoint, data })).data;
 * for await (const accounts of pagedRequest<{ Id: string }>(request, send)) console.log(accounts.map((a) => a.Id));
 * ```
 */
export function pagedRequest<T>(request: PagedRequest, send: (data: Record<string, unknown>) => Promise<unknown>): AsyncGenerator<T[], void, undefined> {
  return pages<T>(async (PageInfo) => {
    const body = await send({ ...request.data, PageInfo });
    if (typeof body !== "object" || body === null || !(request.items in body))
      throw new TypeError(`The response to ${request.endpoint} has no "${request.items}" list`);
    const list = (body as Record<string, unknown>)[request.items];
    return Array.isArray(list) ? (list as T[]) : [];
  }, request);
}
