export { type FakeIssuer, type FakeIssuerMode, startFakeIssuer } from "./idp-server.js";
export { createTestKey, type SignOptions, signToken, type TestAlg, type TestKey } from "./keys.js";
export {
  BROWSER_SITE_HOST,
  browserPageLoadEvent,
  type DistributionInfo,
  EXAMPLE_DISTRIBUTION,
  FETCH_HEADERS,
  FIREFOX_PAGE_LOAD_HEADERS,
  PAGE_LOAD_HEADERS,
  type ViewerRequestEvent,
  type ViewerRequestInput,
  viewerRequestEvent,
} from "./viewer-request-event.js";
