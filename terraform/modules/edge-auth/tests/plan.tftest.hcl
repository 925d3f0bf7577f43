# Plan-only tests with a mocked AWS provider (no AWS account): `terraform init -backend=false && terraform
# test` in this folder.

mock_provider "aws" {
  alias = "us_east_1"

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
}

variables {
  function_name      = "site-auth"
  zip_path           = "tests/placeholder.zip"
  issuer             = "https://sso.example.com/realms/demo"
  client_id          = "static-site"
  client_secret      = "not-a-real-secret"
  validate_url       = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/validate"
  validate_route_arn = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/$default/POST/validate"
}

run "may_invoke_exactly_the_validation_route" {
  command = plan

  assert {
    condition = [
      for s in data.aws_iam_policy_document.this.statement : { actions = s.actions, resources = s.resources }
      if anytrue([for a in s.actions : startswith(a, "execute-api:")])
      ] == [{
        actions   = toset(["execute-api:Invoke"])
        resources = toset(["arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/$default/POST/validate"])
    }]
    error_message = "The role may call execute-api:Invoke on the POST /validate route's ARN and nothing else of API Gateway."
  }
}

run "grants_no_api_gateway_access_without_a_route" {
  command = plan

  variables {
    validate_route_arn = null
  }

  assert {
    condition     = length([for s in data.aws_iam_policy_document.this.statement : s if anytrue([for a in s.actions : startswith(a, "execute-api:")])]) == 0
    error_message = "Without an IAM-authorized validation API the role gets no execute-api permission."
  }
}

run "refuses_a_route_arn_that_is_not_a_post_route" {
  command = plan

  variables {
    validate_route_arn = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/*/*"
  }

  expect_failures = [var.validate_route_arn]
}

run "runs_within_the_viewer_request_limits_on_nodejs24" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.runtime == "nodejs24.x" && aws_lambda_function.this.memory_size <= 128 && aws_lambda_function.this.timeout <= 5
    error_message = "Default: nodejs24.x, at most 128 MB and 5 s (viewer-request limits)."
  }

  assert {
    condition     = length(aws_lambda_function.this.environment) == 0 && aws_lambda_function.this.publish == true && aws_lambda_function.this.architectures == tolist(["x86_64"])
    error_message = "Lambda@Edge: no environment variables, a published version, x86_64."
  }
}

run "refuses_more_than_the_viewer_request_limits" {
  command = plan

  variables {
    memory_size = 256
    timeout     = 10
    runtime     = "nodejs20.x"
  }

  expect_failures = [var.memory_size, var.timeout, var.runtime]
}

run "survives_destroy_while_cloudfront_still_has_replicas" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.skip_destroy == true
    error_message = "Destroy and rename must not fail on replicas: the function is left for a later delete."
  }
}

run "publishes_a_new_version_for_a_new_config" {
  command = plan

  assert {
    condition     = aws_ssm_parameter.this.value_wo_version == output.config_version && strcontains(aws_lambda_function.this.description, tostring(output.config_version))
    error_message = "The config's version drives both the write-only parameter value and the function's description."
  }

  assert {
    condition     = aws_ssm_parameter.this.type == "SecureString"
    error_message = "The config (client secret included) is a SecureString."
  }
}

run "changes_the_config_version_with_the_secret" {
  command = plan

  variables {
    client_secret = "another-secret"
  }

  assert {
    condition     = output.config_version != run.publishes_a_new_version_for_a_new_config.config_version
    error_message = "A new client secret is a new config: the parameter is written again and a version published."
  }
}

run "sets_retention_on_the_replica_log_groups_of_every_regional_edge_cache" {
  command = plan

  assert {
    condition     = length(aws_cloudwatch_log_group.replica) == 13 && alltrue([for g in aws_cloudwatch_log_group.replica : g.retention_in_days == 30 && g.name == "/aws/lambda/us-east-1.site-auth"])
    error_message = "us-east-1 and the 12 other regional edge cache regions get the replica log group with retention."
  }
}
