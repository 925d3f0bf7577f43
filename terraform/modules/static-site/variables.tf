variable "name" {
  description = "Name used for the CloudFront policies, the origin access control and as the bucket name prefix."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,34}[a-z0-9]$", var.name)) && !startswith(var.name, "xn--") && !startswith(var.name, "sthree-") && !startswith(var.name, "amzn-s3-demo-")
    error_message = "name must be 3-36 characters of lowercase letters, digits and '-', not starting with xn--, sthree- or amzn-s3-demo- (S3 reserves them): the bucket name prefix \"<name>-\" may have at most 37 (S3's 63 less the 26 characters AWS appends)."
  }
}

variable "bucket_name" {
  description = "Name of the content bucket. Null lets AWS generate a unique name starting with `<name>-`."
  type        = string
  default     = null

  validation {
    condition     = var.bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name."
  }
}

variable "force_destroy" {
  description = "Allow `terraform destroy` to delete the bucket with its objects."
  type        = bool
  default     = false
}

variable "versioning_enabled" {
  description = "Keep previous versions of the site's objects."
  type        = bool
  default     = true
}

variable "noncurrent_version_expiration_days" {
  description = "With versioning_enabled: days a replaced or deleted object's previous version is kept before S3 deletes it (it is the way back after a bad deploy). Null keeps previous versions forever."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days == null ? true : var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be null or a whole number of days, at least 1."
  }
}

variable "kms_key_arn" {
  description = "Customer managed KMS key for the bucket (SSE-KMS). Null uses SSE-S3. With a key, its key policy must allow cloudfront.amazonaws.com to decrypt for this distribution."
  type        = string
  default     = null
}

variable "edge_function_qualified_arn" {
  description = "Version-qualified ARN of the Lambda@Edge function (the edge-auth module's `qualified_arn` output), attached to viewer-request of the `/_auth/*` behavior, and in mode `lambda-edge` of every behavior."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:lambda:us-east-1:[0-9]{12}:function:[A-Za-z0-9_-]+:[0-9]+$", var.edge_function_qualified_arn))
    error_message = "edge_function_qualified_arn must be a numbered version of a function in us-east-1 (…:function:<name>:<version>); CloudFront refuses $LATEST and aliases."
  }
}

variable "default_root_object" {
  description = "Object returned for requests to /."
  type        = string
  default     = "index.html"
}

variable "aliases" {
  description = "Alternate domain names (CNAMEs) of the distribution. Needs acm_certificate_arn."
  type        = list(string)
  default     = []
}

variable "acm_certificate_arn" {
  description = "ARN of an ACM certificate in us-east-1 covering the aliases. Null uses the *.cloudfront.net certificate."
  type        = string
  default     = null

  validation {
    condition     = var.acm_certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:us-east-1:[0-9]{12}:certificate/", var.acm_certificate_arn))
    error_message = "acm_certificate_arn must be an ACM certificate in us-east-1 (CloudFront only uses certificates from there)."
  }
}

variable "minimum_protocol_version" {
  description = "Minimum TLS version for viewers when a custom certificate is used."
  type        = string
  default     = "TLSv1.2_2021"

  validation {
    condition     = contains(["TLSv1.2_2019", "TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"], var.minimum_protocol_version)
    error_message = "minimum_protocol_version must be TLSv1.2_2019, TLSv1.2_2021, TLSv1.2_2025 or TLSv1.3_2025."
  }
}

variable "price_class" {
  description = "CloudFront price class."
  type        = string
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.price_class)
    error_message = "price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "default_ttl" {
  description = "Time CloudFront keeps an object uploaded without Cache-Control, in seconds. The login check (CloudFront Function or Lambda@Edge, by mode) runs on every request before the cache, so caching never skips it."
  type        = number
  default     = 3600
}

variable "max_ttl" {
  description = "Longest time CloudFront keeps an object, in seconds, whatever its Cache-Control asks for; also the upper bound of assets_min_ttl. The default is a year."
  type        = number
  default     = 31536000

  validation {
    condition     = var.max_ttl >= 0 && floor(var.max_ttl) == var.max_ttl
    error_message = "max_ttl must be a whole number of seconds, at least 0."
  }
}

variable "content_security_policy" {
  description = "Content-Security-Policy header value added to every response. Null adds none."
  type        = string
  default     = null
}

variable "hsts_max_age_seconds" {
  description = "max-age of the Strict-Transport-Security header."
  type        = number
  default     = 63072000

  validation {
    condition     = var.hsts_max_age_seconds >= 31536000
    error_message = "hsts_max_age_seconds must be at least one year (31536000)."
  }
}

variable "custom_error_responses" {
  description = "Custom error responses, e.g. [{ error_code = 404, response_code = 404, response_page_path = \"/404.html\" }]."
  type = list(object({
    error_code            = number
    response_code         = optional(number)
    response_page_path    = optional(string)
    error_caching_min_ttl = optional(number, 10)
  }))
  default = []
}

variable "logging_bucket_domain_name" {
  description = "Domain name of the S3 bucket for CloudFront standard logs (e.g. my-logs.s3.amazonaws.com; the bucket needs ACLs enabled). Null disables logging."
  type        = string
  default     = null
}

variable "logging_prefix" {
  description = "Prefix of the CloudFront log objects."
  type        = string
  default     = "cloudfront/"
}

variable "web_acl_id" {
  description = "ARN of a WAFv2 web ACL (scope CLOUDFRONT) to associate. Null associates none."
  type        = string
  default     = null
}

variable "geo_restriction_type" {
  description = "Geo restriction type: none, whitelist or blacklist."
  type        = string
  default     = "none"

  validation {
    condition     = contains(["none", "whitelist", "blacklist"], var.geo_restriction_type)
    error_message = "geo_restriction_type must be none, whitelist or blacklist."
  }
}

variable "geo_restriction_locations" {
  description = "ISO 3166-1 alpha-2 country codes for the geo restriction."
  type        = list(string)
  default     = []
}

variable "wait_for_deployment" {
  description = "Wait until the distribution is deployed."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}

variable "assets_path_pattern" {
  description = "Path pattern of the fingerprinted assets (a new version gets a new name), e.g. `/assets/*`: an ordered cache behavior (with the edge function on viewer-request, like the default one) whose cache policy keeps them at the edge for at least assets_min_ttl although their Cache-Control says `private`. Upload them with `private, max-age=31536000, immutable`. Null or \"\" turns the behavior off: everything then goes through the default behavior (min TTL 0)."
  type        = string
  default     = "/assets/*"

  validation {
    condition = var.assets_path_pattern == null ? true : (
      trimspace(var.assets_path_pattern) == "" || (
        can(regex("^/?[A-Za-z0-9_.$/~\"'@:+&*-]{1,255}$", trimspace(var.assets_path_pattern))) &&
        !contains(["*", "/*"], trimspace(var.assets_path_pattern)) &&
        !startswith(trimprefix(trimspace(var.assets_path_pattern), "/"), "_auth/")
      )
    )
    error_message = "assets_path_pattern must be null, \"\" or a CloudFront path pattern of at most 255 characters (A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & *) that does not match every path (\"*\" or \"/*\" would make CloudFront keep the HTML for assets_min_ttl) and is not under /_auth/ (the edge's own paths)."
  }
}

variable "assets_min_ttl" {
  description = "Minimum time, in seconds, CloudFront keeps an object under assets_path_pattern (the assets behavior's cache policy). Above 0, CloudFront caches it for at least this long even though its Cache-Control says `private` (documented for CachePolicyConfig's MinTTL), so upload only fingerprinted files there: a changed file keeps its old content at the edge until an invalidation. At most max_ttl."
  type        = number
  default     = 31536000
  nullable    = false

  validation {
    condition     = var.assets_min_ttl > 0 && floor(var.assets_min_ttl) == var.assets_min_ttl
    error_message = "assets_min_ttl must be a whole number of seconds above 0: with 0, CloudFront would honour the assets' `private` and cache none of them."
  }
}

variable "default_cache_control" {
  description = "Cache-Control added to responses that have none: objects uploaded without one, and S3's 403 for a missing object. It never replaces an existing one (override = false), so the objects' own and the edge function's `no-store` reach the browser unchanged. It must say `private` (or `no-store`): the content is behind the login, so no shared cache (a TLS-inspecting proxy, say) may keep it."
  type        = string
  default     = "private, no-cache"
  nullable    = false

  validation {
    condition = (
      anytrue([for d in split(",", lower(var.default_cache_control)) : contains(["private", "no-store"], trimspace(d))]) &&
      !anytrue([for d in split(",", lower(var.default_cache_control)) : trimspace(d) == "public" || startswith(trimspace(d), "s-maxage")])
    )
    error_message = "default_cache_control must hold the directive private (or no-store) and neither public nor s-maxage: the content is behind the login, so no shared cache may keep it."
  }
}

variable "mode" {
  description = "Which check runs on viewer-request of the site's behaviors (default and assets): `cloudfront-function` (the fast path) the session-check CloudFront Function (session_check_function_arn), `lambda-edge` the Lambda@Edge function. The `/_auth/*` behavior runs the Lambda@Edge function in both. Give the edge-auth module the same value."
  type        = string
  default     = "cloudfront-function"
  nullable    = false

  validation {
    condition     = contains(["cloudfront-function", "lambda-edge"], var.mode)
    error_message = "mode must be \"cloudfront-function\" or \"lambda-edge\"."
  }
}

variable "session_check_function_arn" {
  description = "ARN of the session-check CloudFront Function (the edge-auth module's `session_check_function_arn` output), attached to viewer-request of the site's behaviors in mode `cloudfront-function`. Required in that mode, unused in mode `lambda-edge`."
  type        = string
  default     = null

  validation {
    condition     = var.session_check_function_arn == null || can(regex("^arn:aws[a-z-]*:cloudfront::[0-9]{12}:function/[A-Za-z0-9_-]{1,64}$", coalesce(var.session_check_function_arn, "-")))
    error_message = "session_check_function_arn must be a CloudFront Function ARN (arn:aws:cloudfront::<account>:function/<name>)."
  }
}
