variable "name" {
  description = "Name prefix of every resource."
  type        = string
  default     = "static-sso"
}

variable "region" {
  description = "Region of the validation API, Keycloak and the content bucket."
  type        = string
  default     = "eu-west-1"
}

variable "vpc_id" {
  description = "VPC for Keycloak."
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets for Keycloak's load balancer."
  type        = list(string)
}

variable "private_subnet_ids" {
  description = "Private subnets for the Keycloak tasks and database."
  type        = list(string)
}

variable "keycloak_domain" {
  description = "Host name of Keycloak, e.g. sso.example.com."
  type        = string
}

variable "keycloak_certificate_arn" {
  description = "ACM certificate for keycloak_domain, in var.region."
  type        = string
}

variable "site_domain" {
  description = "Host name of the site, e.g. www.example.com. Required: the realm's redirect URIs, the distribution's alias and the edge function's site_origin are built from it."
  type        = string
  nullable    = false
}

variable "site_certificate_arn" {
  description = "ACM certificate for site_domain, in us-east-1."
  type        = string
}

variable "route53_zone_id" {
  description = "Hosted zone for the Keycloak record and the site's alias. Null creates no records."
  type        = string
  default     = null
}

variable "keycloak_admin_cidr_blocks" {
  description = "IPv4 ranges allowed to reach Keycloak's admin listener (the admin console, and the admin API this example's keycloak provider uses): include the machine running Terraform. Nothing else can reach them."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.keycloak_admin_cidr_blocks) > 0
    error_message = "keycloak_admin_cidr_blocks needs at least the range of the machine running Terraform: the realm is configured through the admin listener."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}

variable "mode" {
  description = "`cloudfront-function` (default, the fast path: a CloudFront Function checks every page view, Lambda@Edge runs only under /_auth/) or `lambda-edge` (every request through Lambda@Edge)."
  type        = string
  default     = "cloudfront-function"
  nullable    = false
}

variable "session_check_code_path" {
  description = "The built CloudFront Function (mode `cloudfront-function`). Null: packages/session-check/dist/session-check.js, where `pnpm build` writes it."
  type        = string
  default     = null
}

variable "site_rules_path" {
  description = "JSON file with the site's rules (publicPaths, requiredRoles as a map, and optionally directoryIndex, cookiePrefix, logoutPath), given to the edge function; build the CloudFront Function from the same file. Null: packages/session-check/site-rules.json, the one `pnpm build` uses."
  type        = string
  default     = null
}

variable "session_key_id" {
  description = "Id of the generated key the edge signs session cookies with (mode `cloudfront-function`). Rotate by moving it to previous_session_key_id and naming a new one (docs/key-rotation.md)."
  type        = string
  default     = "k1"
  nullable    = false
}

variable "previous_session_key_id" {
  description = "Id of the key before session_key_id, still accepted after a rotation so that no one is logged out. Null: none."
  type        = string
  default     = null
}
