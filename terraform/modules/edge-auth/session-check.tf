# The fast path (mode "cloudfront-function"): a CloudFront Function checks the session cookie on every
# page view; this Lambda@Edge function runs only under /_auth/ and mints that cookie. Both hold the same
# signing keys: the function reads them from its KeyValueStore, the edge from its config (sessionKeys).
# Nothing here exists in mode "lambda-edge".

locals {
  fast_path = var.mode == "cloudfront-function"
  # Whether keys were given is no secret (their values are): for_each may use it.
  keys_given = nonsensitive(var.session_keys != null)

  # Generated keys: one 32-byte secret per key id, kept as long as its id is current or previous. A
  # rotation names a new current id and the old one as previous: the old secret stays (same for_each
  # key), the new one is generated, the one before both is destroyed.
  generated_key_ids = local.fast_path && !local.keys_given ? toset(compact([var.session_key_id, var.previous_session_key_id])) : toset([])

  # "<kid>:<secret>", the secret as base64url without padding (43 characters for 32 bytes), the shape
  # packages/session-check reads from the store and the edge from its config.
  generated_keys = {
    for kid, bytes in random_bytes.session_key :
    kid => "${kid}:${replace(replace(trimsuffix(bytes.base64, "="), "+", "-"), "/", "_")}"
  }

  session_key_current = !local.fast_path ? null : (
    local.keys_given ? var.session_keys.current : local.generated_keys[var.session_key_id]
  )
  session_key_previous = !local.fast_path ? null : (
    local.keys_given ? var.session_keys.previous : (
      var.previous_session_key_id == null ? null : local.generated_keys[var.previous_session_key_id]
    )
  )

  # The store's two keys (packages/session-check). Without a previous key the current one is written
  # under both names: a cookie of another kid then matches neither and is refused, exactly as with no
  # previous key, and the set of keys never depends on a sensitive value (for_each could not use it).
  kvs_entries = {
    "session-key-current"  = local.session_key_current
    "session-key-previous" = local.session_key_previous == null ? local.session_key_current : local.session_key_previous
  }

  # The rules the function must be built with (`pnpm --filter @static-sso/session-check build --rules
  # <file>`): the same values as the edge config's, so both decide alike. Only what the function reads.
  session_check_rules_parts = [
    jsonencode({ publicPaths = var.public_paths, logoutPath = var.logout_path }),
    var.cookie_prefix == null ? "{}" : jsonencode({ cookiePrefix = var.cookie_prefix }),
    var.directory_index == null ? "{}" : jsonencode({ directoryIndex = var.directory_index }),
    length(var.path_roles) > 0 ? jsonencode({ requiredRoles = var.path_roles }) : (
      length(var.required_roles) > 0 ? jsonencode({ requiredRoles = var.required_roles }) : "{}"
    ),
  ]
  session_check_rules = jsonencode(merge([for part in local.session_check_rules_parts : jsondecode(part)]...))

  # CloudFront's limit is on the code's bytes; length() counts characters, so count through base64
  # (4 characters per 3 bytes, less the padding).
  session_check_code_b64   = local.fast_path ? filebase64(var.session_check_code_path) : ""
  session_check_code_bytes = floor(length(local.session_check_code_b64) * 3 / 4) - length(regex("=*$", local.session_check_code_b64))
}

resource "random_bytes" "session_key" {
  for_each = local.generated_key_ids

  length = 32
}

# CloudFront resources are global; the us-east-1 provider is where their API lives.
resource "aws_cloudfront_key_value_store" "this" {
  provider = aws.us_east_1
  count    = local.fast_path ? 1 : 0

  name    = "${var.function_name}-keys"
  comment = "Session signing keys of ${var.function_name} (static-site-sso); read by its CloudFront Function."
}

# The values are in the state (the provider has no write-only argument for them): see
# docs/deployment.md, "Secrets and state".
resource "aws_cloudfrontkeyvaluestore_key" "this" {
  provider = aws.us_east_1
  for_each = local.fast_path ? toset(["session-key-current", "session-key-previous"]) : toset([])

  key_value_store_arn = aws_cloudfront_key_value_store.this[0].arn
  key                 = each.key
  value               = local.kvs_entries[each.key]
}

resource "aws_cloudfront_function" "session_check" {
  provider = aws.us_east_1
  count    = local.fast_path ? 1 : 0

  name    = "${var.function_name}-check"
  runtime = "cloudfront-js-2.0"
  comment = "static-site-sso: session check on viewer-request (fast path); Lambda@Edge ${var.function_name} serves /_auth/."
  code    = base64decode(local.session_check_code_b64)
  # The distribution runs the LIVE stage: without publishing, a new code would stay in DEVELOPMENT.
  publish                      = true
  key_value_store_associations = [aws_cloudfront_key_value_store.this[0].arn]

  lifecycle {
    precondition {
      condition     = local.session_check_code_bytes <= 10240
      error_message = "The session-check function's code is over CloudFront's 10 KB limit: rebuild it (`pnpm --filter @static-sso/session-check build`), which reports its size."
    }
  }

  # The keys first: a function without them answers 503 (it fails closed).
  depends_on = [aws_cloudfrontkeyvaluestore_key.this]
}
