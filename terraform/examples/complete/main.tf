# One site behind Keycloak, all of it: Keycloak on ECS -> its realm -> the validation API -> the edge
# function (and, in the default mode, the session-check CloudFront Function) -> CloudFront + S3.

locals {
  # The site's rules, from the file `pnpm build` bakes into the CloudFront Function by default
  # (packages/session-check/site-rules.json): the edge and the function decide from the same rules.
  site_rules = jsondecode(file(coalesce(var.site_rules_path, "${path.root}/../../../packages/session-check/site-rules.json")))
}

module "keycloak" {
  source = "../../modules/keycloak-ecs"

  name               = "${var.name}-kc"
  vpc_id             = var.vpc_id
  public_subnet_ids  = var.public_subnet_ids
  private_subnet_ids = var.private_subnet_ids
  domain             = var.keycloak_domain
  certificate_arn    = var.keycloak_certificate_arn
  route53_zone_id    = var.route53_zone_id
  # The keycloak provider below configures the realm through the admin listener: the machine running
  # Terraform must be in these ranges.
  admin_cidr_blocks = var.keycloak_admin_cidr_blocks
  # An example: `terraform destroy` must work. The module's default (true) is for production.
  deletion_protection = false
}

module "realm" {
  source = "../../modules/keycloak-realm"

  keycloak_url = module.keycloak.url
  domain       = var.site_domain
  realm        = "demo"
  client_id    = "static-site"
  roles        = ["staff"]
}

module "validate_api" {
  source = "../../modules/validate-api"

  name     = "${var.name}-validate"
  zip_path = "${path.root}/../../../packages/validate-api/dist/validate-api.zip"
  issuer   = module.realm.issuer_url
  audience = [module.realm.client_id]
}

module "edge_auth" {
  source = "../../modules/edge-auth"

  providers = {
    aws.us_east_1 = aws.us_east_1
  }

  function_name = "${var.name}-edge-auth"
  zip_path      = "${path.root}/../../../packages/edge-auth/dist/edge-auth.zip"
  issuer        = module.realm.issuer_url
  client_id     = module.realm.client_id
  # Straight from the realm into the SecureString parameter; never a variable or an output.
  client_secret = module.realm.client_secret
  validate_url  = module.validate_api.validate_url
  # The API takes only signed calls: the edge role may invoke exactly this route.
  validate_route_arn = module.validate_api.validate_route_arn
  public_paths       = try(local.site_rules.publicPaths, [])
  path_roles         = try(local.site_rules.requiredRoles, {})
  directory_index    = try(local.site_rules.directoryIndex, null)
  cookie_prefix      = try(local.site_rules.cookiePrefix, null)
  logout_path        = try(local.site_rules.logoutPath, "/_auth/logout")

  mode                    = var.mode
  session_key_id          = var.session_key_id
  previous_session_key_id = var.previous_session_key_id
  session_check_code_path = coalesce(var.session_check_code_path, "${path.root}/../../../packages/session-check/dist/session-check.js")
  # One origin for redirect_uri and logout, whichever hostname (alias or *.cloudfront.net) a visitor used:
  # the IdP only knows the registered one.
  site_origin = "https://${var.site_domain}"
}

module "site" {
  source = "../../modules/static-site"

  name                        = var.name
  mode                        = var.mode
  edge_function_qualified_arn = module.edge_auth.qualified_arn
  session_check_function_arn  = module.edge_auth.session_check_function_arn
  aliases                     = [var.site_domain]
  acm_certificate_arn         = var.site_certificate_arn
}

resource "aws_route53_record" "site" {
  # CloudFront is dual-stack (the module sets is_ipv6_enabled), so both records.
  for_each = var.route53_zone_id == null ? toset([]) : toset(["A", "AAAA"])

  zone_id = var.route53_zone_id
  name    = var.site_domain
  type    = each.key

  alias {
    name                   = module.site.distribution_domain_name
    zone_id                = module.site.distribution_hosted_zone_id
    evaluate_target_health = false
  }
}
