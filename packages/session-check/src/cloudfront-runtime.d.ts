// The module cloudfront-js-2.0 offers the function (`import cf from "cloudfront"`): only what we use.
declare module "cloudfront" {
  interface KeyValueStoreHandle {
    /** Resolves to the value as text; rejects when the key does not exist. */
    get(key: string): Promise<string>;
  }
  const cf: { kvs(id?: string): KeyValueStoreHandle };
  // biome-ignore lint/style/noDefaultExport: the runtime's module is a default export (`import cf from "cloudfront"`).
  export default cf;
}
