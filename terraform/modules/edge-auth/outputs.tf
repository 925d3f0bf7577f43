output "qualified_arn" {
  description = "Version-qualified ARN of the published function, for the CloudFront viewer-request association."
  value       = aws_lambda_function.this.qualified_arn
}

output "function_name" {
  description = "Name of the function (replicas run as `us-east-1.<function_name>`)."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "Unqualified ARN of the function."
  value       = aws_lambda_function.this.arn
}

output "version" {
  description = "Published version number of the function."
  value       = aws_lambda_function.this.version
}

output "role_arn" {
  description = "ARN of the function's execution role."
  value       = aws_iam_role.this.arn
}

output "parameter_name" {
  description = "Name of the SecureString parameter holding the function's config (its value is never output)."
  value       = aws_ssm_parameter.this.name
}

output "parameter_arn" {
  description = "ARN of the SecureString config parameter."
  value       = aws_ssm_parameter.this.arn
}

output "config_version" {
  description = "Version of the config the function was published with (a 48-bit prefix of the config's SHA-256; it changes whenever the config does)."
  value       = local.config_version
}

output "log_group_names" {
  description = "Log groups created with retention, by region."
  value       = { for region, group in aws_cloudwatch_log_group.replica : region => group.name }
}

output "mode" {
  description = "The mode the function was configured for (`cloudfront-function` or `lambda-edge`)."
  value       = var.mode
}

output "session_check_function_arn" {
  description = "ARN of the published CloudFront Function (mode `cloudfront-function`), for the site's viewer-request function associations; null in mode `lambda-edge`."
  value       = one(aws_cloudfront_function.session_check[*].arn)
}

output "key_value_store_arn" {
  description = "ARN of the CloudFront KeyValueStore holding the session signing keys (mode `cloudfront-function`); null in mode `lambda-edge`."
  value       = one(aws_cloudfront_key_value_store.this[*].arn)
}

output "session_key_ids" {
  description = "Ids (kid) of the session signing keys: `current` mints, `previous` is still accepted (null when there is none). The secrets are never output."
  value = !local.fast_path ? null : {
    current  = nonsensitive(split(":", local.session_key_current)[0])
    previous = nonsensitive(local.session_key_previous == null ? null : split(":", local.session_key_previous)[0])
  }
}

output "session_check_rules" {
  description = "The rules the CloudFront Function must be built with, as JSON (the edge config's publicPaths, requiredRoles, directoryIndex, cookiePrefix, logoutPath): write it to a file for `pnpm --filter @static-sso/session-check build --rules <file>`."
  value       = local.session_check_rules
}

output "session_key_fingerprints" {
  description = "A fingerprint of each session signing key (`current`, `previous`; the first 12 hex digits of the SHA-256 of `<kid>:<secret>`), the same whether read from the KeyValueStore or the edge config: shows which key is where, e.g. after a rotation, without revealing it. Null in mode `lambda-edge`."
  value = !local.fast_path ? null : {
    current  = nonsensitive(substr(sha256(local.session_key_current), 0, 12))
    previous = nonsensitive(local.session_key_previous == null ? null : substr(sha256(local.session_key_previous), 0, 12))
  }
}
