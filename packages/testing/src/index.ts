export { type FakeIssuer, type FakeIssuerMode, startFakeIssuer } from "./idp-server.js";
export { createTestKey, type SignOptions, signToken, type TestAlg, type TestKey } from "./keys.js";
export {
  FETCH_HEADERS,
  PAGE_LOAD_HEADERS,
  type ViewerRequestInput,
  viewerRequestEvent,
} from "./viewer-request-event.js";
