output "bucket_id" {
  description = "Name of the content bucket (the target of `aws s3 sync`)."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of the content bucket."
  value       = aws_s3_bucket.this.arn
}

output "distribution_id" {
  description = "ID of the CloudFront distribution (for `aws cloudfront create-invalidation`)."
  value       = aws_cloudfront_distribution.this.id
}

output "distribution_arn" {
  description = "ARN of the CloudFront distribution."
  value       = aws_cloudfront_distribution.this.arn
}

output "distribution_domain_name" {
  description = "Domain name of the distribution (xxxx.cloudfront.net)."
  value       = aws_cloudfront_distribution.this.domain_name
}

output "distribution_hosted_zone_id" {
  description = "Route 53 zone ID of the distribution, for alias records."
  value       = aws_cloudfront_distribution.this.hosted_zone_id
}

output "site_url" {
  description = "URL of the site: the first alias when set, else the cloudfront.net domain."
  value       = "https://${length(var.aliases) > 0 ? var.aliases[0] : aws_cloudfront_distribution.this.domain_name}/"
}

output "cache_policy_id" {
  description = "ID of the default cache behavior's cache policy (path-only cache key, min TTL 0)."
  value       = aws_cloudfront_cache_policy.this.id
}

output "assets_cache_policy_id" {
  description = "ID of the assets cache behavior's cache policy (path-only cache key, min TTL assets_min_ttl); null without assets_path_pattern."
  value       = one(aws_cloudfront_cache_policy.assets[*].id)
}

output "response_headers_policy_id" {
  description = "ID of the response headers policy of every cache behavior (security headers, default_cache_control where a response has no Cache-Control)."
  value       = aws_cloudfront_response_headers_policy.this.id
}
