# The site modules against an IdP that already exists (Keycloak elsewhere, or any OpenID Connect provider
# whose access tokens are JWTs): the validation API -> the edge function -> CloudFront + S3.

module "validate_api" {
  source = "../../modules/validate-api"

  name     = "${var.name}-validate"
  zip_path = "${path.root}/../../../packages/validate-api/dist/validate-api.zip"
  issuer   = var.issuer
  audience = coalesce(var.audience, [var.client_id])
}

module "edge_auth" {
  source = "../../modules/edge-auth"

  providers = {
    aws.us_east_1 = aws.us_east_1
  }

  function_name = "${var.name}-edge-auth"
  zip_path      = "${path.root}/../../../packages/edge-auth/dist/edge-auth.zip"
  issuer        = var.issuer
  client_id     = var.client_id
  client_secret = var.client_secret
  validate_url  = module.validate_api.validate_url
  # The API takes only signed calls: the edge role may invoke exactly this route.
  validate_route_arn = module.validate_api.validate_route_arn
  public_paths       = var.public_paths
  path_roles         = var.path_roles

  # The function must be built with these rules (the session_check_rules output; README).
  mode                    = var.mode
  session_key_id          = var.session_key_id
  previous_session_key_id = var.previous_session_key_id
  session_check_code_path = coalesce(var.session_check_code_path, "${path.root}/../../../packages/session-check/dist/session-check.js")
  # One origin for redirect_uri and logout, whichever hostname (alias or *.cloudfront.net) a visitor used:
  # the IdP only knows the registered one. Without a site_domain there is no alias: the site answers on its
  # cloudfront.net name only, the config gets no siteOrigin and the function uses the request's Host.
  site_origin = var.site_domain == null ? null : "https://${var.site_domain}"
}

module "site" {
  source = "../../modules/static-site"

  name                        = var.name
  mode                        = var.mode
  edge_function_qualified_arn = module.edge_auth.qualified_arn
  session_check_function_arn  = module.edge_auth.session_check_function_arn
  aliases                     = var.site_domain == null ? [] : [var.site_domain]
  acm_certificate_arn         = var.site_certificate_arn
}
