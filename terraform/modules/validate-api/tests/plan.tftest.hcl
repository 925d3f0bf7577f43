# Plan-only tests with a mocked AWS provider (no AWS account): `terraform init -backend=false && terraform
# test` in this folder.

mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
  mock_data "aws_region" {
    defaults = {
      region = "eu-west-1"
    }
  }
}

override_resource {
  target          = aws_apigatewayv2_api.this
  override_during = plan
  values = {
    id            = "a1b2c3d4e5"
    execution_arn = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5"
    api_endpoint  = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"
  }
}

variables {
  name     = "validate"
  zip_path = "tests/placeholder.zip"
  issuer   = "https://sso.example.com/realms/demo"
  audience = ["static-site"]
}

run "takes_only_signed_calls_on_every_route" {
  command = plan

  assert {
    condition     = alltrue([for r in aws_apigatewayv2_route.this : r.authorization_type == "AWS_IAM"]) && length(aws_apigatewayv2_route.this) == 2
    error_message = "Both routes need IAM authorization: an open route lets anyone spend the function's concurrency."
  }
}

run "outputs_the_arn_the_edge_role_is_granted" {
  command = plan

  assert {
    condition     = output.validate_route_arn == "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/$default/POST/validate" && output.region == "eu-west-1"
    error_message = "validate_route_arn is POST /validate on the $default stage; region is the API's."
  }
}

run "reserves_concurrency_and_runs_on_nodejs24" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == 50 && aws_lambda_function.this.runtime == "nodejs24.x"
    error_message = "The function has reserved concurrency by default and runs nodejs24.x."
  }
}

run "refuses_zero_reserved_concurrency" {
  command = plan

  variables {
    reserved_concurrent_executions = 0
  }

  expect_failures = [var.reserved_concurrent_executions]
}

run "keeps_every_log_group_bounded" {
  command = plan

  assert {
    condition     = aws_cloudwatch_log_group.function.retention_in_days == 30 && aws_cloudwatch_log_group.access.retention_in_days == 30
    error_message = "The function's and the access log's groups have a retention."
  }
}
