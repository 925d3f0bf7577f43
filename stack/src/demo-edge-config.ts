/** The IdP client and the validation API an edge config points at. */
export interface EdgeConfigParts {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  validateUrl: string;
}

/**
 * The demo site's edge config: `/public/` open to all, `/staff/` for the realm role `staff` (the role in
 * stack/realm/demo.json). One definition for the local stack and the suites that stand in for it.
 */
export function demoEdgeConfig(parts: EdgeConfigParts): Record<string, unknown> {
  return {
    ...parts,
    publicPaths: ["/public/*"],
    requiredRoles: { "/staff/*": ["staff"] },
  };
}
