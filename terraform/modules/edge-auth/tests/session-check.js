// Placeholder for `terraform test`: the real file is built by packages/session-check (pnpm build).
// biome-ignore lint/correctness/noUnusedVariables: CloudFront calls the top-level handler by name.
async function handler(event) {
  return event.request;
}
