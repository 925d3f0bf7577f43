/** A rule in the config that cannot hold: names the field (`publicPaths[0]`, `requiredRoles["/x/*"]`). */
export class RuleError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field} ${message}`);
    this.name = "RuleError";
  }
}
