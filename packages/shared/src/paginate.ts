/** Microsoft Advertising's paging: a zero-based page index (not an offset), at most 1000 a page, no total. */
export interface PageInfo {
  Index: number;
  Size: number;
}

export const MAX_PAGE_SIZE = 1000;

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
 * for await (const accounts of pages((PageInfo) => searchAccounts({ PageInfo }))) console.log(accounts.length);
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

/** Every item of every page, concatenated in Microsoft's order. */
export async function paginate<T>(fetchPage: (page: PageInfo) => Promise<T[]>, options: PageOptions = {}): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages(fetchPage, options)) all.push(...page);
  return all;
}

/**
 * A paged Microsoft Advertising call: the same request with `PageInfo` set in the body for each
 * page; the page's items are the response's `items` array (e.g. "Accounts").
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
