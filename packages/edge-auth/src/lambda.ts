import { loadConfig } from "./config/load-config.js";
import { createLambdaHandler } from "./lambda-handler.js";

/**
 * The esbuild entry: `dist/index.js` exports `handler`. Module scope holds only the per-container
 * handler (config and caches), created on the first request.
 */
export const handler = createLambdaHandler({
  load: (functionName, deadline) => loadConfig(__dirname, functionName, deadline),
});
