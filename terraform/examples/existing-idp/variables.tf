variable "name" {
  description = "Name prefix of every resource."
  type        = string
  default     = "static-sso"
}

variable "region" {
  description = "Region of the validation API and the content bucket."
  type        = string
  default     = "eu-west-1"
}

variable "issuer" {
  description = "Issuer URL of the existing OpenID Connect provider, e.g. https://sso.example.com/realms/demo."
  type        = string
}

variable "client_id" {
  description = "Client id registered for the site at the IdP (redirect URI https://<site_domain>/_auth/callback)."
  type        = string
}

variable "client_secret" {
  description = "Client secret of that client. Null for a public client with PKCE alone. Pass it with TF_VAR_client_secret, not in a file."
  type        = string
  default     = null
  sensitive   = true
}

variable "audience" {
  description = "Accepted access token audiences. Null accepts the client id (Keycloak needs an audience mapper for that)."
  type        = list(string)
  default     = null
}

variable "public_paths" {
  description = "Path globs served without login."
  type        = list(string)
  default     = ["/public/*"]
}

variable "path_roles" {
  description = "Roles per path glob."
  type        = map(list(string))
  default     = { "/staff/*" = ["staff"] }
}

variable "site_domain" {
  description = "Host name of the site, e.g. www.example.com. Null serves the site on its cloudfront.net name (then register that callback URL at the IdP after the first apply)."
  type        = string
  default     = null
}

variable "site_certificate_arn" {
  description = "ACM certificate for site_domain, in us-east-1. Needed when site_domain is set."
  type        = string
  default     = null
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
