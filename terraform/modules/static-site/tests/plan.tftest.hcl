# Plan-only tests with a mocked AWS provider (no AWS account): `terraform init -backend=false && terraform
# test` in this folder.

mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

override_resource {
  target          = aws_s3_bucket.this
  override_during = plan
  values = {
    id  = "my-site-0001"
    arn = "arn:aws:s3:::my-site-0001"
  }
}

override_resource {
  target          = aws_cloudfront_distribution.this
  override_during = plan
  values = {
    arn = "arn:aws:cloudfront::123456789012:distribution/E0000000000001"
  }
}

variables {
  name                        = "my-site"
  edge_function_qualified_arn = "arn:aws:lambda:us-east-1:123456789012:function:site-auth:1"
  session_check_function_arn  = "arn:aws:cloudfront::123456789012:function/site-auth-check"
}

run "lets_only_the_distribution_read_and_list_the_bucket" {
  command = plan

  assert {
    condition = toset([
      for s in data.aws_iam_policy_document.bucket.statement :
      "${join(",", s.actions)} on ${join(",", s.resources)} for ${join(",", flatten([for c in s.condition : c.values]))}"
      if s.effect != "Deny"
      ]) == toset([
      "s3:GetObject on arn:aws:s3:::my-site-0001/* for arn:aws:cloudfront::123456789012:distribution/E0000000000001",
      "s3:ListBucket on arn:aws:s3:::my-site-0001 for arn:aws:cloudfront::123456789012:distribution/E0000000000001",
    ])
    error_message = "The distribution (and only it, by source ARN) may read objects and list the bucket, so a missing page is a 404, not a 403."
  }

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.bucket.statement : s.effect == "Deny" || one(s.principals).identifiers == toset(["cloudfront.amazonaws.com"])])
    error_message = "Every grant is to CloudFront's service principal."
  }
}

# The site's behaviors: every cache behavior but /_auth/*. Each must run exactly one login check on
# viewer-request (a behavior without one would serve the protected content to anyone).
run "checks_every_site_behavior_with_the_cloudfront_function_in_the_fast_path" {
  command = plan

  assert {
    condition     = length(aws_cloudfront_distribution.this.ordered_cache_behavior) == 2 && length(aws_cloudfront_distribution.this.default_cache_behavior) == 1
    error_message = "The default behavior, /_auth/* and the assets."
  }

  assert {
    condition = alltrue([
      for b in concat(tolist(aws_cloudfront_distribution.this.default_cache_behavior), [for o in aws_cloudfront_distribution.this.ordered_cache_behavior : o if o.path_pattern != "/_auth/*"]) :
      b.function_association == toset([{ event_type = "viewer-request", function_arn = "arn:aws:cloudfront::123456789012:function/site-auth-check" }]) && length(b.lambda_function_association) == 0
    ])
    error_message = "Mode cloudfront-function: every site behavior runs the session-check function on viewer-request, and no Lambda@Edge."
  }

  assert {
    condition = [
      for o in aws_cloudfront_distribution.this.ordered_cache_behavior : o.lambda_function_association if o.path_pattern == "/_auth/*"
      ] == [toset([{
        event_type   = "viewer-request"
        include_body = false
        lambda_arn   = "arn:aws:lambda:us-east-1:123456789012:function:site-auth:1"
    }])]
    error_message = "/_auth/* runs the Lambda@Edge function on viewer-request."
  }

  assert {
    condition     = alltrue([for o in aws_cloudfront_distribution.this.ordered_cache_behavior : length(o.function_association) == 0 if o.path_pattern == "/_auth/*"])
    error_message = "/_auth/* is the edge's: the session check does not run there."
  }

  assert {
    condition = alltrue([
      for o in aws_cloudfront_distribution.this.ordered_cache_behavior :
      contains(o.allowed_methods, "POST") && o.cache_policy_id == data.aws_cloudfront_cache_policy.caching_disabled.id
      if o.path_pattern == "/_auth/*"
    ])
    error_message = "/_auth/* takes the logout form's POST and caches nothing."
  }

  assert {
    condition     = data.aws_cloudfront_cache_policy.caching_disabled.name == "Managed-CachingDisabled"
    error_message = "/_auth/* uses the managed CachingDisabled policy."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.ordered_cache_behavior[0].path_pattern == "/_auth/*"
    error_message = "/_auth/* comes first, before any other ordered behavior can match its paths."
  }
}

run "checks_every_behavior_with_lambda_edge_in_mode_lambda_edge" {
  command = plan

  variables {
    mode                       = "lambda-edge"
    session_check_function_arn = null
  }

  assert {
    condition = alltrue([
      for b in concat(tolist(aws_cloudfront_distribution.this.default_cache_behavior), aws_cloudfront_distribution.this.ordered_cache_behavior) :
      b.lambda_function_association == toset([{ event_type = "viewer-request", include_body = false, lambda_arn = "arn:aws:lambda:us-east-1:123456789012:function:site-auth:1" }]) && length(b.function_association) == 0
    ])
    error_message = "Mode lambda-edge: every behavior, /_auth/* included, runs the Lambda@Edge function on viewer-request, as before the fast path."
  }

  assert {
    condition     = alltrue([for o in aws_cloudfront_distribution.this.ordered_cache_behavior : contains(o.allowed_methods, "POST") if o.path_pattern == "/_auth/*"])
    error_message = "The logout form's POST reaches the edge in this mode too."
  }
}

run "keeps_every_site_behavior_checked_without_the_assets_behavior" {
  command = plan

  variables {
    assets_path_pattern = ""
  }

  assert {
    condition     = [for o in aws_cloudfront_distribution.this.ordered_cache_behavior : o.path_pattern] == ["/_auth/*"]
    error_message = "Without assets, /_auth/* is the only ordered behavior."
  }

  assert {
    condition     = length(aws_cloudfront_distribution.this.default_cache_behavior[0].function_association) == 1
    error_message = "The default behavior runs the session check."
  }
}

run "refuses_the_fast_path_without_its_function" {
  command = plan

  variables {
    session_check_function_arn = null
  }

  expect_failures = [aws_cloudfront_distribution.this]
}

run "refuses_an_unknown_mode_and_assets_under_auth" {
  command = plan

  variables {
    mode                = "cloudfront-functions"
    assets_path_pattern = "/_auth/assets/*"
  }

  expect_failures = [var.mode, var.assets_path_pattern]
}
