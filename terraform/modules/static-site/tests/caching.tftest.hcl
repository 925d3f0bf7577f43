# Plan-only tests of the cache key, the TTLs, the response headers and the bucket's lockdown, with a mocked
# AWS provider: `terraform init -backend=false && terraform test` in this folder.

mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

# Ids a plan does not know, for the assertions that compare them.
override_resource {
  target          = aws_cloudfront_response_headers_policy.this
  override_during = plan
  values = {
    id = "00000000-0000-0000-0000-000000000001"
  }
}

override_resource {
  target          = aws_cloudfront_origin_access_control.this
  override_during = plan
  values = {
    id = "E0000000000OAC"
  }
}

variables {
  name                        = "my-site"
  edge_function_qualified_arn = "arn:aws:lambda:us-east-1:123456789012:function:site-auth:1"
  session_check_function_arn  = "arn:aws:cloudfront::123456789012:function/site-auth-check"
}

run "keeps_sessions_out_of_every_cache_key" {
  command = plan

  assert {
    condition = alltrue([
      for p in concat([aws_cloudfront_cache_policy.this], aws_cloudfront_cache_policy.assets) : alltrue([
        for k in p.parameters_in_cache_key_and_forwarded_to_origin :
        one(k.cookies_config).cookie_behavior == "none" && one(k.headers_config).header_behavior == "none" && one(k.query_strings_config).query_string_behavior == "none"
      ])
    ])
    error_message = "No cache policy forwards or keys on cookies, headers or query strings: a session cookie never enters the cache key or reaches S3."
  }

  assert {
    condition     = alltrue([for b in concat(tolist(aws_cloudfront_distribution.this.default_cache_behavior), aws_cloudfront_distribution.this.ordered_cache_behavior) : b.viewer_protocol_policy == "redirect-to-https" && length(b.forwarded_values) == 0])
    error_message = "Every behavior redirects to HTTPS and uses a cache policy, not forwarded_values."
  }
}

run "honours_the_objects_cache_control_outside_the_assets" {
  command = plan

  assert {
    condition     = aws_cloudfront_cache_policy.this.min_ttl == 0
    error_message = "Above 0, CloudFront would keep the `private, no-cache` HTML and a deploy would not show at once."
  }

  assert {
    condition     = aws_cloudfront_cache_policy.assets[0].min_ttl == 31536000 && aws_cloudfront_cache_policy.assets[0].default_ttl == 31536000
    error_message = "The assets are cached despite `private` (minimum TTL above 0, a year by default)."
  }
}

run "sends_security_headers_and_never_overrides_cache_control" {
  command = plan

  assert {
    condition     = alltrue([for b in concat(tolist(aws_cloudfront_distribution.this.default_cache_behavior), aws_cloudfront_distribution.this.ordered_cache_behavior) : b.response_headers_policy_id == aws_cloudfront_response_headers_policy.this.id])
    error_message = "One response headers policy on every behavior."
  }

  assert {
    condition = alltrue([
      for s in aws_cloudfront_response_headers_policy.this.security_headers_config :
      length(s.strict_transport_security) == 1 && length(s.content_type_options) == 1 && length(s.frame_options) == 1 && length(s.referrer_policy) == 1
    ])
    error_message = "HSTS, nosniff, frame options and a referrer policy."
  }

  assert {
    condition     = [for i in one(aws_cloudfront_response_headers_policy.this.custom_headers_config).items : [i.value, i.override] if lower(i.header) == "cache-control"] == [["private, no-cache", false]]
    error_message = "Cache-Control is only a default (override = false): the objects' own and the edge function's no-store reach the browser."
  }
}

run "keeps_the_bucket_private_behind_origin_access_control" {
  command = plan

  assert {
    condition     = aws_s3_bucket_public_access_block.this.block_public_acls && aws_s3_bucket_public_access_block.this.block_public_policy && aws_s3_bucket_public_access_block.this.ignore_public_acls && aws_s3_bucket_public_access_block.this.restrict_public_buckets
    error_message = "Every public access block is on."
  }

  assert {
    condition     = one(aws_cloudfront_distribution.this.origin).origin_access_control_id == aws_cloudfront_origin_access_control.this.id && aws_cloudfront_origin_access_control.this.signing_behavior == "always"
    error_message = "The distribution reads the bucket through its origin access control, signing every request."
  }

  assert {
    condition     = one(aws_s3_bucket_ownership_controls.this.rule).object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs are off."
  }
}

run "expires_previous_versions" {
  command = plan

  assert {
    condition     = length(aws_s3_bucket_lifecycle_configuration.this) == 1 && one(one(aws_s3_bucket_lifecycle_configuration.this[0].rule).noncurrent_version_expiration).noncurrent_days > 0
    error_message = "Each deploy's replaced files expire instead of being kept forever."
  }
}

run "keeps_the_assets_default_ttl_between_their_min_and_max" {
  command = plan

  variables {
    assets_min_ttl = 86400
    default_ttl    = 604800
  }

  assert {
    condition     = aws_cloudfront_cache_policy.assets[0].default_ttl == 604800 && aws_cloudfront_cache_policy.assets[0].min_ttl == 86400
    error_message = "default_ttl is used when it lies between the assets' minimum and the maximum."
  }
}

run "refuses_an_assets_min_ttl_above_max_ttl" {
  command = plan

  variables {
    max_ttl = 86400
  }

  expect_failures = [aws_cloudfront_cache_policy.assets]
}

run "builds_no_assets_behavior_or_policy_for_a_blank_pattern" {
  command = plan

  variables {
    assets_path_pattern = "  "
  }

  assert {
    condition     = length(aws_cloudfront_cache_policy.assets) == 0 && [for o in aws_cloudfront_distribution.this.ordered_cache_behavior : o.path_pattern] == ["/_auth/*"]
    error_message = "A blank pattern turns the assets behavior and its policy off."
  }
}

run "builds_no_assets_behavior_or_policy_for_a_null_pattern" {
  command = plan

  variables {
    assets_path_pattern = null
  }

  assert {
    condition     = length(aws_cloudfront_cache_policy.assets) == 0
    error_message = "A null pattern turns the assets behavior and its policy off."
  }
}

# A Cache-Control without `private` would let shared caches keep protected pages.
run "refuses_a_shared_cache_control" {
  command = plan

  variables {
    default_cache_control = "public, no-cache"
  }

  expect_failures = [var.default_cache_control]
}

run "refuses_a_cache_control_that_is_private_for_one_header_only" {
  command = plan

  variables {
    default_cache_control = "private=\"Set-Cookie\", no-cache"
  }

  expect_failures = [var.default_cache_control]
}

run "refuses_an_assets_min_ttl_of_zero_and_a_catch_all_assets_pattern" {
  command = plan

  variables {
    assets_min_ttl      = 0
    assets_path_pattern = "/*"
  }

  expect_failures = [var.assets_min_ttl, var.assets_path_pattern]
}

run "accepts_other_private_cache_controls" {
  command = plan

  variables {
    default_cache_control = "Private, Max-Age=0"
    assets_path_pattern   = "/static/*.js"
  }

  assert {
    condition     = aws_cloudfront_distribution.this.ordered_cache_behavior[1].path_pattern == "/static/*.js"
    error_message = "A narrower assets pattern is taken as given."
  }
}
