export { type FakeIssuer, startFakeIssuer } from "./idp-server.js";
export { createTestKey, type SignOptions, signToken, type TestAlg, type TestKey } from "./keys.js";
