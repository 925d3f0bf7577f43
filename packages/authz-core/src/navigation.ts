/**
 * A page load rather than fetch/XHR: only a page load is sent through a login redirect; fetch and XHR
 * get 401 JSON. Not a page load: `Sec-Fetch-Mode` other than navigate, or an Accept that asks for JSON
 * and not HTML. One rule for the edge function and the CloudFront Function, so both answer alike.
 */
export const isNavigation = (secFetchMode: string | undefined, accept: string | undefined): boolean => {
  if (secFetchMode !== undefined && secFetchMode !== "navigate") return false;
  const a = accept === undefined ? "" : accept.toLowerCase();
  return !(a.includes("application/json") && !a.includes("text/html"));
};
