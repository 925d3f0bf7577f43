variable "name" {
  description = "Name of the function, the HTTP API and their log groups."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,57}$", var.name))
    error_message = "name must be 1-57 characters of letters, digits, '-' or '_': the function's role is \"<name>-lambda\", and IAM role names have at most 64."
  }
}

variable "zip_path" {
  description = "Path to the built function zip (`pnpm build` writes packages/validate-api/dist/validate-api.zip)."
  type        = string

  validation {
    condition     = endswith(var.zip_path, ".zip")
    error_message = "zip_path must point to a .zip file."
  }
}

variable "runtime" {
  description = "Lambda runtime (Node.js 22 or newer; nodejs20.x is deprecated and blocks new functions). nodejs24.x is the longest-supported one."
  type        = string
  default     = "nodejs24.x"

  validation {
    condition     = contains(["nodejs22.x", "nodejs24.x"], var.runtime)
    error_message = "runtime must be nodejs22.x or nodejs24.x."
  }
}

variable "architecture" {
  description = "Instruction set of the function. The bundle is plain JavaScript, so arm64 (cheaper) works."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "memory_size" {
  description = "Memory in MB (CPU scales with it; signature checks are CPU bound)."
  type        = number
  default     = 256

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be from 128 to 10240 MB."
  }
}

variable "timeout" {
  description = "Timeout in seconds. Keep it below the edge function's own deadline for the call."
  type        = number
  default     = 10

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 29
    error_message = "timeout must be from 1 to 29 seconds (API Gateway's integration limit)."
  }
}

variable "reserved_concurrent_executions" {
  description = "Reserved concurrency of the function: the most copies that run at once, and a share of the account's concurrency no other function can take (so a burst elsewhere cannot starve the site's logins, and this API cannot starve the rest). Each login check is a few milliseconds, so 50 serve thousands of checks a second. The account must keep 100 unreserved."
  type        = number
  default     = 50

  validation {
    condition     = var.reserved_concurrent_executions >= 1 && floor(var.reserved_concurrent_executions) == var.reserved_concurrent_executions
    error_message = "reserved_concurrent_executions must be a whole number of at least 1 (0 would stop the function)."
  }
}

variable "issuer" {
  description = "Expected `iss` of the tokens (ISSUER), e.g. https://sso.example.com/realms/demo."
  type        = string

  validation {
    condition     = startswith(var.issuer, "https://")
    error_message = "issuer must start with https://."
  }
}

variable "audience" {
  description = "Accepted `aud` values (AUDIENCE, comma-joined), usually the site's client id."
  type        = list(string)

  validation {
    condition     = length(var.audience) > 0 && alltrue([for a in var.audience : length(a) > 0 && !strcontains(a, ",")])
    error_message = "audience needs at least one non-empty value without commas."
  }
}

variable "jwks_uri" {
  description = "JWKS URL (JWKS_URI). Null reads it from the issuer's discovery document."
  type        = string
  default     = null

  validation {
    condition     = var.jwks_uri == null || startswith(coalesce(var.jwks_uri, "https://"), "https://")
    error_message = "jwks_uri must start with https://."
  }
}

variable "allowed_algorithms" {
  description = "Accepted JWS algorithms (ALLOWED_ALGS)."
  type        = list(string)
  default     = ["RS256", "ES256", "PS256"]

  validation {
    condition     = length(var.allowed_algorithms) > 0 && alltrue([for a in var.allowed_algorithms : contains(["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"], a)])
    error_message = "allowed_algorithms must be asymmetric JWS algorithms (RS*, PS*, ES*, EdDSA); 'none' and HMAC are refused."
  }
}

variable "clock_tolerance_seconds" {
  description = "Clock skew tolerated on exp/nbf/iat, in seconds (CLOCK_TOLERANCE_S)."
  type        = number
  default     = 30

  validation {
    condition     = var.clock_tolerance_seconds >= 0 && var.clock_tolerance_seconds <= 300
    error_message = "clock_tolerance_seconds must be from 0 to 300."
  }
}

variable "required_claims" {
  description = "Claims every token must carry (REQUIRED_CLAIMS), e.g. [\"sub\"]. Empty requires none beyond the standard checks."
  type        = list(string)
  default     = []
}

variable "jwks_cache_ttl_seconds" {
  description = "How long fetched keys are kept (JWKS_CACHE_TTL_S). Null keeps the function's default."
  type        = number
  default     = null

  validation {
    condition     = var.jwks_cache_ttl_seconds == null || (coalesce(var.jwks_cache_ttl_seconds, 1) >= 1 && coalesce(var.jwks_cache_ttl_seconds, 1) <= 86400)
    error_message = "jwks_cache_ttl_seconds must be from 1 to 86400."
  }
}

variable "jwks_timeout_ms" {
  description = "Deadline of one JWKS or discovery fetch in milliseconds (JWKS_TIMEOUT_MS). Null keeps the function's default."
  type        = number
  default     = null

  validation {
    condition     = var.jwks_timeout_ms == null || (coalesce(var.jwks_timeout_ms, 100) >= 100 && coalesce(var.jwks_timeout_ms, 100) <= 10000)
    error_message = "jwks_timeout_ms must be from 100 to 10000."
  }
}

variable "max_token_lifetime_seconds" {
  description = "Longest lifetime accepted, in seconds (MAX_TOKEN_LIFETIME_S): `exp - iat`, or `exp - now` without `iat`. The function refuses values outside 60 to 2592000 at cold start, so the module does at plan time."
  type        = number
  default     = 86400

  validation {
    condition     = var.max_token_lifetime_seconds >= 60 && var.max_token_lifetime_seconds <= 2592000 && floor(var.max_token_lifetime_seconds) == var.max_token_lifetime_seconds
    error_message = "max_token_lifetime_seconds must be a whole number from 60 to 2592000 (30 days), the range the function accepts."
  }
}

variable "log_level" {
  description = "Least level the function logs (LOG_LEVEL): debug, info, warn or error, any case. debug adds a line for every valid token."
  type        = string
  default     = "info"

  validation {
    condition     = contains(["debug", "info", "warn", "error"], lower(var.log_level))
    error_message = "log_level must be debug, info, warn or error."
  }
}

variable "throttling_burst_limit" {
  description = "Burst limit of the API's default route settings."
  type        = number
  default     = 500
}

variable "throttling_rate_limit" {
  description = "Steady-state requests per second of the API's default route settings."
  type        = number
  default     = 1000
}

variable "log_retention_in_days" {
  description = "Retention of the function's and the API's log groups. One of the values CloudWatch Logs allows."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "log_kms_key_arn" {
  description = "KMS key to encrypt the log groups with. Null uses CloudWatch Logs' default encryption."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
