/** Microsoft's paging lives in @ads-connect/shared (the backend client walks it too). */
export { MAX_PAGE_SIZE, pagedRequest, pages, paginate, type PageInfo, type PagedRequest, type PageOptions } from "@ads-connect/shared";
