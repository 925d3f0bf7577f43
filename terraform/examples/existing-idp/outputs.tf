output "site_url" {
  description = "URL of the site."
  value       = module.site.site_url
}

output "callback_url" {
  description = "Redirect URI to register for the client at the IdP."
  value       = "${trimsuffix(module.site.site_url, "/")}/_auth/callback"
}

output "bucket_id" {
  description = "Content bucket: `aws s3 sync <dir> s3://<bucket_id>/ --delete`."
  value       = module.site.bucket_id
}

output "distribution_id" {
  description = "CloudFront distribution: `aws cloudfront create-invalidation --distribution-id <id> --paths '/*'`."
  value       = module.site.distribution_id
}

output "validate_url" {
  description = "The validation API's POST /validate URL."
  value       = module.validate_api.validate_url
}

output "edge_function_qualified_arn" {
  description = "Published version of the edge function."
  value       = module.edge_auth.qualified_arn
}

output "edge_config_parameter_name" {
  description = "SSM parameter with the edge function's config."
  value       = module.edge_auth.parameter_name
}

output "mode" {
  description = "The mode the site runs in (cloudfront-function or lambda-edge)."
  value       = module.edge_auth.mode
}

output "session_key_ids" {
  description = "Ids of the session signing keys (current, previous); the secrets are never output."
  value       = module.edge_auth.session_key_ids
}

output "session_check_rules" {
  description = "The rules the CloudFront Function must be built with (JSON for `pnpm --filter @static-sso/session-check build --rules <file>`)."
  value       = module.edge_auth.session_check_rules
}

output "session_key_fingerprints" {
  description = "Fingerprints (SHA-256 prefixes) of the current and previous session keys: which key is where after a rotation, without the secrets."
  value       = module.edge_auth.session_key_fingerprints
}

output "key_value_store_arn" {
  description = "The CloudFront Function's KeyValueStore holding the session keys (null in mode lambda-edge)."
  value       = module.edge_auth.key_value_store_arn
}
