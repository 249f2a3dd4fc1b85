/** Microsoft's paging: a zero-based page index (not an offset), at most 1000 a page, no total. */
export interface PageInfo {
  Index: number;
  Size: number;
}

export const MAX_PAGE_SIZE = 1000;

/**
 * Reads pages until one comes back shorter than `size` (Microsoft gives no total and no next link),
 * concatenated in Microsoft's order. `maxPages` bounds a service that never returns a short page.
 */
export async function paginate<T>(fetchPage: (page: PageInfo) => Promise<T[]>, options: { size?: number; maxPages?: number } = {}): Promise<T[]> {
  const size = options.size ?? MAX_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) throw new RangeError(`page size must be 1-${MAX_PAGE_SIZE}`);
  const maxPages = options.maxPages ?? 1000;
  const all: T[] = [];
  for (let index = 0; index < maxPages; index++) {
    const page = await fetchPage({ Index: index, Size: size });
    all.push(...page);
    if (page.length < size) return all;
  }
  throw new RangeError(`more than ${maxPages} pages of ${size}`);
}
