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

run "proxies_both_routes_with_payload_format_2_and_throttles" {
  command = plan

  assert {
    condition     = aws_apigatewayv2_integration.this.integration_type == "AWS_PROXY" && aws_apigatewayv2_integration.this.payload_format_version == "2.0" && toset(keys(aws_apigatewayv2_route.this)) == toset(["POST /validate", "GET /health"])
    error_message = "POST /validate and GET /health go to the function as payload format 2.0, which its handler reads."
  }

  assert {
    condition     = one(aws_apigatewayv2_stage.this.default_route_settings).throttling_rate_limit == 1000 && one(aws_apigatewayv2_stage.this.default_route_settings).throttling_burst_limit == 500 && length(aws_apigatewayv2_stage.this.access_log_settings) == 1
    error_message = "The stage throttles and writes access logs."
  }

  assert {
    condition     = output.validate_url == "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/validate"
    error_message = "validate_url is the API's POST /validate."
  }
}

run "gives_the_function_its_token_lifetime_and_log_level" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.environment[0].variables["MAX_TOKEN_LIFETIME_S"] == "86400" && aws_lambda_function.this.environment[0].variables["LOG_LEVEL"] == "info"
    error_message = "By default the function accepts tokens of up to a day and logs from info up, as it does without the variables."
  }
}

run "passes_a_given_token_lifetime_and_log_level" {
  command = plan

  variables {
    max_token_lifetime_seconds = 3600
    log_level                  = "WARN"
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables["MAX_TOKEN_LIFETIME_S"] == "3600" && aws_lambda_function.this.environment[0].variables["LOG_LEVEL"] == "WARN"
    error_message = "max_token_lifetime_seconds and log_level reach MAX_TOKEN_LIFETIME_S and LOG_LEVEL (any case, as the function reads it)."
  }
}

# Values the function would refuse at cold start (every request then a 500) are refused at plan time.
run "refuses_a_token_lifetime_and_log_level_the_function_refuses" {
  command = plan

  variables {
    max_token_lifetime_seconds = 0
    log_level                  = "verbose"
  }

  expect_failures = [var.max_token_lifetime_seconds, var.log_level]
}

run "refuses_a_token_lifetime_above_30_days" {
  command = plan

  variables {
    max_token_lifetime_seconds = 2592001
  }

  expect_failures = [var.max_token_lifetime_seconds]
}
