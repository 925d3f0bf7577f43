/**
 * The V8 heap limits Lambda's Node.js runtime bootstrap gives a function of `memoryMb`: new space a tenth of
 * the memory (two semi-spaces), old space the rest. Children that stand in for a Lambda container run with
 * them, so their memory behaves as in a 128 MB Lambda@Edge function rather than on a roomy desktop.
 */
export function lambdaNodeFlags(memoryMb = 128): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [`--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${memoryMb - newSpace}`];
}
