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
