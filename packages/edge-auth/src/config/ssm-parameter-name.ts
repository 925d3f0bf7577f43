/**
 * The SSM parameter that holds the edge config, derived from the Lambda function name. At the edge,
 * `context.functionName` arrives as `<region>.<name>` (e.g. `us-east-1.site-auth`); the region prefix is
 * dropped, giving `/static-sso/edge-auth/<name>/config`. The Terraform module writes the same name.
 */
export function ssmParameterName(functionName: string): string {
  const name = functionName.replace(/^[a-z]{2}(?:-[a-z]+)+-\d+\./, "");
  return `/static-sso/edge-auth/${name}/config`;
}
