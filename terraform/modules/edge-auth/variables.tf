variable "function_name" {
  description = "Name of the Lambda@Edge function. At the edge the function sees itself as `us-east-1.<function_name>`; the handler strips that prefix and reads its config from `/static-sso/edge-auth/<function_name>/config`."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,54}$", var.function_name))
    error_message = "function_name must be 1-54 characters of letters, digits, '-' or '_' (Lambda's limit of 64 less the `us-east-1.` prefix replicas get)."
  }
}

variable "zip_path" {
  description = "Path to the built function zip (`pnpm build` writes packages/edge-auth/dist/edge-auth.zip)."
  type        = string

  validation {
    condition     = endswith(var.zip_path, ".zip")
    error_message = "zip_path must point to a .zip file."
  }
}

variable "runtime" {
  description = "Lambda runtime. Only Node.js runtimes that Lambda@Edge supports and Lambda does not deprecate; nodejs20.x is deprecated and blocks new functions. nodejs24.x is the longest-supported one."
  type        = string
  default     = "nodejs24.x"

  validation {
    condition     = contains(["nodejs22.x", "nodejs24.x"], var.runtime)
    error_message = "runtime must be nodejs22.x or nodejs24.x (Lambda@Edge-supported and not deprecated)."
  }
}

variable "memory_size" {
  description = "Memory in MB. A viewer-request Lambda@Edge function may use at most 128 MB."
  type        = number
  default     = 128

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 128
    error_message = "memory_size must be 128: Lambda's minimum is 128 MB and viewer-request functions may use at most 128 MB."
  }
}

variable "timeout" {
  description = "Timeout in seconds. A viewer-request Lambda@Edge function may run at most 5 seconds."
  type        = number
  default     = 5

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 5 && floor(var.timeout) == var.timeout
    error_message = "timeout must be a whole number of seconds from 1 to 5 (the viewer-request limit)."
  }
}

variable "issuer" {
  description = "OpenID Connect issuer URL, e.g. https://sso.example.com/realms/demo (the discovery document is read from <issuer>/.well-known/openid-configuration)."
  type        = string

  validation {
    condition     = startswith(var.issuer, "https://")
    error_message = "issuer must start with https://."
  }
}

variable "client_id" {
  description = "OpenID Connect client id of the site."
  type        = string

  validation {
    condition     = length(var.client_id) > 0
    error_message = "client_id must not be empty."
  }
}

variable "client_secret" {
  description = "Client secret of a confidential client. Null for a public client (PKCE alone). Stored only in the SecureString parameter."
  type        = string
  default     = null
  sensitive   = true
}

variable "validate_url" {
  description = "URL of the validation API's POST /validate route (the validate-api module's `validate_url` output)."
  type        = string

  validation {
    condition     = startswith(var.validate_url, "https://")
    error_message = "validate_url must start with https://."
  }
}

variable "validate_route_arn" {
  description = "execute-api ARN of the validation API's POST /validate route (the validate-api module's `validate_route_arn` output). The function's role may invoke exactly this route, and the config tells the function to sign its calls (validateAuth \"iam\", validateRegion from the ARN). Null only for a validation API without IAM authorization, which anyone can call."
  type        = string
  default     = null

  validation {
    condition     = var.validate_route_arn == null || can(regex("^arn:aws[a-z-]*:execute-api:[a-z]{2}(-[a-z]+)+-[0-9]:[0-9]{12}:[A-Za-z0-9]+/[^/]+/POST/", var.validate_route_arn))
    error_message = "validate_route_arn must be the execute-api ARN of a POST route, e.g. arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/$default/POST/validate."
  }
}

variable "scopes" {
  description = "Scopes requested at login."
  type        = list(string)
  default     = ["openid", "profile", "email"]

  validation {
    condition     = contains(var.scopes, "openid")
    error_message = "scopes must include openid."
  }
}

variable "callback_path" {
  description = "Path of the login callback; the IdP client must allow https://<domain><callback_path> as a redirect URI."
  type        = string
  default     = "/_auth/callback"

  validation {
    condition     = startswith(var.callback_path, "/")
    error_message = "callback_path must start with /."
  }
}

variable "logout_path" {
  description = "Path that clears the session and redirects to the IdP's end-session endpoint."
  type        = string
  default     = "/_auth/logout"

  validation {
    condition     = startswith(var.logout_path, "/")
    error_message = "logout_path must start with /."
  }
}

variable "public_paths" {
  description = "Path globs served without login, e.g. [\"/public/*\"]."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for p in var.public_paths : startswith(p, "/")])
    error_message = "Every public path must start with /."
  }
}

variable "cookie_prefix" {
  description = "Prefix of the session cookie names. Null keeps the handler's default (sso)."
  type        = string
  default     = null

  validation {
    condition     = var.cookie_prefix == null || can(regex("^[A-Za-z0-9_-]{1,20}$", var.cookie_prefix))
    error_message = "cookie_prefix must be 1-20 characters of A-Z a-z 0-9 _ -."
  }
}

variable "post_logout_redirect_uri" {
  description = "Where the IdP sends the browser after logout: a path on the site or an https URL on the same host. Null keeps the handler's default (the site's root)."
  type        = string
  default     = null

  validation {
    condition     = var.post_logout_redirect_uri == null || can(regex("^(/|https://)", var.post_logout_redirect_uri))
    error_message = "post_logout_redirect_uri must be a path starting with / or a URL starting with https://."
  }
}

variable "site_origin" {
  description = "The site's origin (https://host) used for redirect URIs instead of the request's Host. Null derives it from the request."
  type        = string
  default     = null

  validation {
    condition     = var.site_origin == null || can(regex("^https://[^/?#]+$", var.site_origin))
    error_message = "site_origin must be an origin such as https://www.example.com (no path, no trailing slash)."
  }
}

variable "validate_timeout_ms" {
  description = "Deadline of one call to the validation API, in milliseconds. Null keeps the handler's default (2000)."
  type        = number
  default     = null

  validation {
    condition     = var.validate_timeout_ms == null || (coalesce(var.validate_timeout_ms, 2000) >= 50 && coalesce(var.validate_timeout_ms, 2000) <= 4500)
    error_message = "validate_timeout_ms must be from 50 to 4500 (the function stops at 5 s)."
  }
}

variable "idp_timeout_ms" {
  description = "Deadline of one call to the IdP (discovery, token endpoint), in milliseconds. Null keeps the handler's default (2500)."
  type        = number
  default     = null

  validation {
    condition     = var.idp_timeout_ms == null || (coalesce(var.idp_timeout_ms, 2500) >= 50 && coalesce(var.idp_timeout_ms, 2500) <= 4500)
    error_message = "idp_timeout_ms must be from 50 to 4500 (the function stops at 5 s)."
  }
}

variable "required_roles" {
  description = "Roles every protected path needs (realm_access.roles or resource_access.<client_id>.roles). Ignored when path_roles is set."
  type        = list(string)
  default     = []
}

variable "path_roles" {
  description = "Roles per path glob, e.g. { \"/staff/*\" = [\"staff\"] }. Takes precedence over required_roles."
  type        = map(list(string))
  default     = {}
}

variable "kms_key_arn" {
  description = "ARN of a customer managed KMS key in us-east-1 for the SecureString parameter. Null uses the AWS managed key alias/aws/ssm."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:us-east-1:[0-9]{12}:key/", var.kms_key_arn))
    error_message = "kms_key_arn must be the ARN of a KMS key in us-east-1."
  }
}

variable "log_retention_in_days" {
  description = "Retention of the function's log groups. One of the values CloudWatch Logs allows."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "replica_log_regions" {
  description = "Regions (besides us-east-1) in which to pre-create the replica log group `/aws/lambda/us-east-1.<function_name>` with retention. Lambda@Edge writes logs in the region of the CloudFront regional edge cache that served the request; groups it creates itself never expire. The default is every region with a regional edge cache. A group Lambda@Edge already created must be imported first (README)."
  type        = list(string)
  default     = ["us-east-2", "us-west-1", "us-west-2", "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "eu-central-1", "eu-west-1", "eu-west-2", "sa-east-1"]

  validation {
    condition     = alltrue([for r in var.replica_log_regions : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", r)) && r != "us-east-1"])
    error_message = "replica_log_regions must be AWS region names other than us-east-1 (us-east-1 is always created)."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}

variable "directory_index" {
  type        = string
  description = "Appended by the function to URIs ending in / before they reach the S3 origin, which has no index documents (config directoryIndex). Null keeps the function's default, index.html; an empty string turns it off."
  default     = null

  validation {
    condition     = var.directory_index == null || can(regex("^([A-Za-z0-9][A-Za-z0-9._-]{0,63})?$", var.directory_index))
    error_message = "directory_index must be a file name such as index.html, or empty."
  }
}

variable "mode" {
  description = "How the site's requests are checked. `cloudfront-function` (the fast path): a CloudFront Function (session_check_code_path) checks the session cookie on every page view and this Lambda@Edge function runs only under `/_auth/` (login, callback, refresh, logout), minting that cookie. `lambda-edge`: every request runs this function, as before the fast path. Give the static-site module the same value."
  type        = string
  default     = "cloudfront-function"
  nullable    = false

  validation {
    condition     = contains(["cloudfront-function", "lambda-edge"], var.mode)
    error_message = "mode must be \"cloudfront-function\" or \"lambda-edge\"."
  }

  # Only the /_auth/* cache behavior runs Lambda@Edge in the fast path: a callback or logout elsewhere
  # would reach the CloudFront Function, which cannot complete them.
  validation {
    condition     = var.mode != "cloudfront-function" || (startswith(var.callback_path, "/_auth/") && startswith(var.logout_path, "/_auth/"))
    error_message = "In mode \"cloudfront-function\" callback_path and logout_path must lie under /_auth/ (the only paths Lambda@Edge serves there)."
  }
}

variable "session_check_code_path" {
  description = "Mode `cloudfront-function`: path to the built CloudFront Function (`pnpm build` writes packages/session-check/dist/session-check.js for the demo site's rules; another site: `pnpm --filter @static-sso/session-check build --rules <file> --out <file>` with the `session_check_rules` output). Uploaded as is, at most 10 KB. Unused in mode `lambda-edge`."
  type        = string
  default     = null

  validation {
    condition     = var.mode != "cloudfront-function" || (var.session_check_code_path != null && endswith(coalesce(var.session_check_code_path, "-"), ".js"))
    error_message = "In mode \"cloudfront-function\" session_check_code_path must point to the built function's .js file."
  }
}

variable "session_key_id" {
  description = "Mode `cloudfront-function`, keys generated here (session_keys null): the id (kid) of the key the edge mints session cookies with; a random 32-byte secret is generated for it and kept while the id is current or previous. To rotate: set previous_session_key_id to this id and this to a new one (docs/key-rotation.md)."
  type        = string
  default     = "k1"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,32}$", var.session_key_id))
    error_message = "session_key_id must be 1-32 characters of A-Z a-z 0-9 _ -."
  }
}

variable "previous_session_key_id" {
  description = "Mode `cloudfront-function`, keys generated here: the id of the key before session_key_id, still accepted so that a rotation logs no one out (its secret is the one generated when it was current). Null: only the current key is accepted."
  type        = string
  default     = null

  validation {
    condition     = var.previous_session_key_id == null || (can(regex("^[A-Za-z0-9_-]{1,32}$", coalesce(var.previous_session_key_id, "-"))) && var.previous_session_key_id != var.session_key_id)
    error_message = "previous_session_key_id must be 1-32 characters of A-Z a-z 0-9 _ - and differ from session_key_id."
  }
}

variable "session_keys" {
  description = "Mode `cloudfront-function`: session signing keys given instead of generated, each `<kid>:<secret>` (kid 1-32 of A-Z a-z 0-9 _ -, secret at least 43 base64url characters, e.g. `openssl rand 32 | basenc --base64url | tr -d =`): `current` mints, `previous` (optional) is still accepted. Null generates them (session_key_id, previous_session_key_id). Written to the function's KeyValueStore (kept in the state) and the edge's config (not in the state)."
  type = object({
    current  = string
    previous = optional(string)
  })
  default   = null
  sensitive = true

  validation {
    condition = var.session_keys == null || (
      can(regex("^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9_-]{43,}$", try(var.session_keys.current, ""))) &&
      (try(var.session_keys.previous, null) == null || can(regex("^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9_-]{43,}$", try(var.session_keys.previous, "")))) &&
      (try(var.session_keys.previous, null) == null || try(split(":", var.session_keys.previous)[0] != split(":", var.session_keys.current)[0], false))
    )
    error_message = "session_keys.current and .previous must each be <kid>:<secret> (kid 1-32 of A-Z a-z 0-9 _ -, secret at least 43 base64url characters), with two different kids."
  }
}
