variable "keycloak_url" {
  description = "Base URL of Keycloak (the keycloak-ecs module's `url`), used to build the issuer URL."
  type        = string

  validation {
    condition     = startswith(var.keycloak_url, "https://") && !endswith(var.keycloak_url, "/")
    error_message = "keycloak_url must start with https:// and have no trailing slash."
  }
}

variable "realm" {
  description = "Name of the realm (the issuer is <keycloak_url>/realms/<realm>)."
  type        = string
  default     = "demo"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]+$", var.realm)) && var.realm != "master"
    error_message = "realm must be letters, digits, '-' or '_', and not master."
  }
}

variable "realm_display_name" {
  description = "Display name of the realm on the login page. Null uses the realm name."
  type        = string
  default     = null
}

variable "domain" {
  description = "Host name of the site, e.g. www.example.com; redirect URIs are built from it."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$", var.domain))
    error_message = "domain must be a host name such as www.example.com, without scheme or path."
  }
}

variable "client_id" {
  description = "Client id of the site's OpenID Connect client (also put into the access token's aud)."
  type        = string
  default     = "static-site"
}

variable "callback_path" {
  description = "Path of the edge function's login callback; the redirect URI is https://<domain><callback_path>."
  type        = string
  default     = "/_auth/callback"

  validation {
    condition     = startswith(var.callback_path, "/")
    error_message = "callback_path must start with /."
  }
}

variable "post_logout_redirect_paths" {
  description = "Paths on https://<domain> the IdP may send the browser to after logout (valid post-logout redirect URIs). The edge function's default is the site's root; add the path of its post_logout_redirect_uri when you set one."
  type        = list(string)
  default     = ["/"]

  validation {
    condition     = length(var.post_logout_redirect_paths) > 0 && alltrue([for p in var.post_logout_redirect_paths : startswith(p, "/") && !startswith(p, "//") && !strcontains(p, "*") && !strcontains(p, "#")])
    error_message = "post_logout_redirect_paths needs at least one path; each must start with a single / and have no wildcard (*) or fragment (#)."
  }
}

variable "pkce_method" {
  description = "PKCE code challenge method the client must use."
  type        = string
  default     = "S256"

  validation {
    condition     = var.pkce_method == "S256"
    error_message = "pkce_method must be S256 (plain offers no protection)."
  }
}

variable "roles" {
  description = "Realm roles to create, e.g. the role /staff/ needs."
  type        = list(string)
  default     = ["staff"]
}

variable "users" {
  description = "Users to create, keyed by user name. Their roles must be among var.roles. Leave empty when users come from a brokered IdP or a user federation."
  type = map(object({
    email      = string
    first_name = optional(string)
    last_name  = optional(string)
    roles      = optional(list(string), [])
  }))
  default = {}
}

variable "user_initial_passwords" {
  description = "Temporary passwords by user name (to be changed at first login). Users without one get none."
  type        = map(string)
  default     = {}
  sensitive   = true
}

variable "access_token_lifespan" {
  description = "Lifetime of access tokens (Go duration, e.g. 5m)."
  type        = string
  default     = "5m"
}

variable "sso_session_idle_timeout" {
  description = "Idle timeout of the SSO session (Go duration)."
  type        = string
  default     = "30m"
}

variable "sso_session_max_lifespan" {
  description = "Maximum lifetime of the SSO session (Go duration)."
  type        = string
  default     = "10h"
}

variable "max_login_failures" {
  description = "Failed logins before brute force detection locks the user temporarily."
  type        = number
  default     = 5
}
