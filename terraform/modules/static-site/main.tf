# Private S3 bucket behind a CloudFront distribution. Only the distribution can read the bucket (origin
# access control); every viewer request passes the login check before the cache: in mode
# "cloudfront-function" the session-check CloudFront Function on the site's behaviors and Lambda@Edge on
# /_auth/*, in mode "lambda-edge" Lambda@Edge everywhere.
#
# Caching. The objects carry the Cache-Control the browser should see (the deploy sets it, always
# `private`, so no shared cache such as a TLS-inspecting proxy keeps protected content), and no response
# headers policy replaces it (override = false): the edge function's own answers (login redirect, 401,
# 403, 503) keep their `no-store` whatever CloudFront does with response headers policies on generated
# responses. CloudFront still caches the fingerprinted assets because their cache behavior's policy has a
# minimum TTL above 0, which the CloudFront API reference (CachePolicyConfig) documents as: "CloudFront
# will cache content for at least the duration specified in the cache policy's minimum TTL, even if the
# Cache-Control: no-cache, no-store, or private directives are present in the origin headers." The
# default behavior's minimum TTL stays 0, so CloudFront honours the HTML's `private, no-cache` and asks S3
# every time: a deploy shows at once.

locals {
  origin_id     = "s3-${var.name}"
  custom_domain = var.acm_certificate_arn != null
  use_kms       = var.kms_key_arn != null

  # Null or "" turns the assets behavior off: everything then goes through the default behavior.
  assets_path_pattern = var.assets_path_pattern == null ? "" : trimspace(var.assets_path_pattern)
  assets_behavior     = local.assets_path_pattern != ""

  # Which check runs on the viewer-request of the site's behaviors (default and assets): exactly one of
  # the two lists holds an ARN, so every such behavior gets exactly one association.
  fast_path          = var.mode == "cloudfront-function"
  site_function_arns = local.fast_path ? [var.session_check_function_arn] : []
  site_lambda_arns   = local.fast_path ? [] : [var.edge_function_qualified_arn]
}

# Nothing under /_auth/ is cached: every answer there is Lambda@Edge's own (login redirect, callback,
# refresh, logout), each for one viewer.
data "aws_cloudfront_cache_policy" "caching_disabled" {
  name = "Managed-CachingDisabled"
}

################################################################################
# Bucket
################################################################################

# trivy:ignore:AVD-AWS-0132 SSE-S3 by default, SSE-KMS with kms_key_arn: a customer managed key is the caller's choice.
# trivy:ignore:AVD-AWS-0089 Access goes through CloudFront, whose access logs record it (logging_bucket_domain_name).
resource "aws_s3_bucket" "this" {
  bucket        = var.bucket_name
  bucket_prefix = var.bucket_name == null ? "${var.name}-" : null
  force_destroy = var.force_destroy

  tags = var.tags
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = aws_s3_bucket.this.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = local.use_kms ? "aws:kms" : "AES256"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = local.use_kms
  }
}

resource "aws_s3_bucket_versioning" "this" {
  count = var.versioning_enabled ? 1 : 0

  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}

# Every deploy (`aws s3 sync --delete`) turns the replaced and deleted files into noncurrent versions;
# without an expiry they are kept, and paid for, forever.
resource "aws_s3_bucket_lifecycle_configuration" "this" {
  count = var.versioning_enabled && var.noncurrent_version_expiration_days != null ? 1 : 0

  bucket = aws_s3_bucket.this.id

  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"

    # The whole bucket.
    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    # A delete marker whose older versions have all expired hides nothing any more.
    expiration {
      expired_object_delete_marker = true
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

data "aws_iam_policy_document" "bucket" {
  statement {
    sid       = "CloudFrontOriginAccessControlRead"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.this.arn}/*"]

    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.this.arn]
    }
  }

  # Without ListBucket, S3 answers a missing key with 403 AccessDenied (it will not tell a caller that
  # may not list whether a key exists), so a missing page would be a 403; with it, a 404. Same principal
  # and condition as the read: only this distribution, through its origin access control.
  statement {
    sid       = "CloudFrontOriginAccessControlList"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.this.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.this.arn]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.bucket.json

  depends_on = [aws_s3_bucket_public_access_block.this]
}

################################################################################
# CloudFront
################################################################################

resource "aws_cloudfront_origin_access_control" "this" {
  name                              = var.name
  description                       = "Read access of ${var.name} to its content bucket."
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

# The cache key is path only: no cookies, no headers, no query strings. Session cookies therefore never
# become part of the cache key (no per-user cache entries, no cache busting by cookie) and are not
# forwarded to S3. The login check is not affected: viewer-request runs before the cache on every request.
#
# The default behavior's policy: min_ttl 0, so CloudFront honours the objects' own Cache-Control. The
# deploy uploads the HTML with `private, no-cache`, which CloudFront therefore fetches from S3 on every
# request (a deploy shows at once, nothing stale). default_ttl only applies to objects uploaded without a
# Cache-Control, max_ttl caps what an object asks for.
resource "aws_cloudfront_cache_policy" "this" {
  name        = "${var.name}-static"
  comment     = "Static content behind edge login: path-only cache key, min TTL 0."
  default_ttl = var.default_ttl
  max_ttl     = var.max_ttl
  min_ttl     = 0

  parameters_in_cache_key_and_forwarded_to_origin {
    enable_accept_encoding_brotli = true
    enable_accept_encoding_gzip   = true

    cookies_config {
      cookie_behavior = "none"
    }

    headers_config {
      header_behavior = "none"
    }

    query_strings_config {
      query_string_behavior = "none"
    }
  }
}

# The assets behavior's policy: the same path-only cache key, and min_ttl = assets_min_ttl (> 0), so that
# CloudFront keeps the fingerprinted assets for at least that long although their Cache-Control says
# `private` (documented for CachePolicyConfig's MinTTL). A new version of an asset has a new name, and
# every deploy invalidates /*, so nothing stays stale. default_ttl must lie between min_ttl and max_ttl.
resource "aws_cloudfront_cache_policy" "assets" {
  count = local.assets_behavior ? 1 : 0

  name        = "${var.name}-assets"
  comment     = "Fingerprinted assets behind edge login: path-only cache key, cached despite private."
  default_ttl = max(var.assets_min_ttl, min(var.default_ttl, var.max_ttl))
  max_ttl     = var.max_ttl
  min_ttl     = var.assets_min_ttl

  parameters_in_cache_key_and_forwarded_to_origin {
    enable_accept_encoding_brotli = true
    enable_accept_encoding_gzip   = true

    cookies_config {
      cookie_behavior = "none"
    }

    headers_config {
      header_behavior = "none"
    }

    query_strings_config {
      query_string_behavior = "none"
    }
  }

  lifecycle {
    precondition {
      condition     = var.assets_min_ttl <= var.max_ttl
      error_message = "assets_min_ttl must not exceed max_ttl: CloudFront refuses a cache policy whose minimum TTL is above its maximum."
    }
  }
}

# One response headers policy for every cache behavior, so the security headers are the same
# everywhere. Cache-Control is only a default for objects uploaded without one (and for S3's 403 for a
# missing object, which carries none): override = false keeps the objects' own and the edge function's
# `no-store`.
resource "aws_cloudfront_response_headers_policy" "this" {
  name    = "${var.name}-security-headers"
  comment = "Security headers for ${var.name}; Cache-Control only where a response has none."

  security_headers_config {
    strict_transport_security {
      access_control_max_age_sec = var.hsts_max_age_seconds
      include_subdomains         = true
      preload                    = false
      override                   = true
    }

    content_type_options {
      override = true
    }

    frame_options {
      frame_option = "DENY"
      override     = true
    }

    referrer_policy {
      referrer_policy = "strict-origin-when-cross-origin"
      override        = true
    }

    dynamic "content_security_policy" {
      for_each = var.content_security_policy == null ? [] : [var.content_security_policy]

      content {
        content_security_policy = content_security_policy.value
        override                = true
      }
    }
  }

  custom_headers_config {
    items {
      header   = "Cache-Control"
      value    = var.default_cache_control
      override = false
    }
  }
}

# trivy:ignore:AVD-AWS-0011 A WAF web ACL is the caller's choice (web_acl_id); every request passes the login check.
# trivy:ignore:AVD-AWS-0013 TLSv1 only with the *.cloudfront.net certificate, where CloudFront allows nothing else; custom domains use minimum_protocol_version (TLSv1.2_2021).
# trivy:ignore:AVD-AWS-0010 Access logs are the caller's choice (logging_bucket_domain_name).
resource "aws_cloudfront_distribution" "this" {
  enabled             = true
  comment             = "${var.name}: static site behind OpenID Connect login"
  is_ipv6_enabled     = true
  http_version        = "http2and3"
  price_class         = var.price_class
  default_root_object = var.default_root_object
  aliases             = var.aliases
  web_acl_id          = var.web_acl_id
  wait_for_deployment = var.wait_for_deployment

  origin {
    origin_id                = local.origin_id
    domain_name              = aws_s3_bucket.this.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.this.id
  }

  default_cache_behavior {
    target_origin_id           = local.origin_id
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD", "OPTIONS"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = aws_cloudfront_cache_policy.this.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.this.id

    dynamic "function_association" {
      for_each = local.site_function_arns

      content {
        event_type   = "viewer-request"
        function_arn = function_association.value
      }
    }

    dynamic "lambda_function_association" {
      for_each = local.site_lambda_arns

      content {
        event_type   = "viewer-request"
        lambda_arn   = lambda_function_association.value
        include_body = false
      }
    }
  }

  # The edge's own paths (login, callback, refresh, logout), in both modes: Lambda@Edge on
  # viewer-request answers every request here itself. All methods, because the logout confirmation page
  # POSTs its form to the logout path; nothing reaches S3's bucket policy but reads anyway. Nothing
  # cached, and no cookie or query string forwarded: a viewer-request function sees the viewer's whole
  # request whatever the policies say (they decide what goes to the origin and into the cache key).
  ordered_cache_behavior {
    path_pattern               = "/_auth/*"
    target_origin_id           = local.origin_id
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = data.aws_cloudfront_cache_policy.caching_disabled.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.this.id

    # The logout form's body is not read (the request's method and origin decide), so not sent along.
    lambda_function_association {
      event_type   = "viewer-request"
      lambda_arn   = var.edge_function_qualified_arn
      include_body = false
    }
  }

  # The fingerprinted assets: cached by CloudFront for at least assets_min_ttl (their own cache policy),
  # kept by the browser as long as their `private` Cache-Control says. Every cache behavior must run the
  # login check on viewer-request: a behavior without it would serve the protected content to anyone.
  dynamic "ordered_cache_behavior" {
    for_each = local.assets_behavior ? [local.assets_path_pattern] : []

    content {
      path_pattern               = ordered_cache_behavior.value
      target_origin_id           = local.origin_id
      viewer_protocol_policy     = "redirect-to-https"
      allowed_methods            = ["GET", "HEAD", "OPTIONS"]
      cached_methods             = ["GET", "HEAD"]
      compress                   = true
      cache_policy_id            = aws_cloudfront_cache_policy.assets[0].id
      response_headers_policy_id = aws_cloudfront_response_headers_policy.this.id

      dynamic "function_association" {
        for_each = local.site_function_arns

        content {
          event_type   = "viewer-request"
          function_arn = function_association.value
        }
      }

      dynamic "lambda_function_association" {
        for_each = local.site_lambda_arns

        content {
          event_type   = "viewer-request"
          lambda_arn   = lambda_function_association.value
          include_body = false
        }
      }
    }
  }

  dynamic "custom_error_response" {
    for_each = var.custom_error_responses

    content {
      error_code            = custom_error_response.value.error_code
      response_code         = custom_error_response.value.response_code
      response_page_path    = custom_error_response.value.response_page_path
      error_caching_min_ttl = custom_error_response.value.error_caching_min_ttl
    }
  }

  dynamic "logging_config" {
    for_each = var.logging_bucket_domain_name == null ? [] : [var.logging_bucket_domain_name]

    content {
      bucket = logging_config.value
      prefix = var.logging_prefix
      # Cookies hold the session: never write them to the logs.
      include_cookies = false
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = var.geo_restriction_type
      locations        = var.geo_restriction_locations
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = !local.custom_domain
    acm_certificate_arn            = var.acm_certificate_arn
    ssl_support_method             = local.custom_domain ? "sni-only" : null
    minimum_protocol_version       = local.custom_domain ? var.minimum_protocol_version : "TLSv1"
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = length(var.aliases) == 0 || var.acm_certificate_arn != null
      error_message = "aliases need acm_certificate_arn: CloudFront serves custom domains only with a certificate that covers them."
    }

    # Fails closed: the fast path without its function would leave the site's behaviors unchecked.
    precondition {
      condition     = !local.fast_path || var.session_check_function_arn != null
      error_message = "mode \"cloudfront-function\" needs session_check_function_arn (the edge-auth module's session_check_function_arn output)."
    }
  }
}
