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
  # The provider checks the shape of the ARN a key is written to.
  mock_resource "aws_cloudfront_key_value_store" {
    override_during = plan
    defaults = {
      arn = "arn:aws:cloudfront::123456789012:key-value-store/00000000-0000-0000-0000-000000000000"
    }
  }
  mock_resource "aws_cloudfront_function" {
    override_during = plan
    defaults = {
      arn = "arn:aws:cloudfront::123456789012:function/site-auth-check"
    }
  }
}

mock_provider "random" {}

# The generated session keys are only known after apply; a fixed value lets the plan know the config.
override_resource {
  target          = random_bytes.session_key
  override_during = plan
  values = {
    base64 = "c2NyYXRjaC1ub3QtYS1zZWNyZXQtMzItYnl0ZXMtLS0="
  }
}

variables {
  function_name           = "site-auth"
  zip_path                = "tests/placeholder.zip"
  session_check_code_path = "tests/session-check.js"
  issuer                  = "https://sso.example.com/realms/demo"
  client_id               = "static-site"
  client_secret           = "not-a-real-secret"
  validate_url            = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/validate"
  validate_route_arn      = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/$default/POST/validate"
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

run "publishes_the_session_check_function_with_its_key_value_store" {
  command = plan

  assert {
    condition     = aws_cloudfront_function.session_check[0].runtime == "cloudfront-js-2.0" && aws_cloudfront_function.session_check[0].publish == true
    error_message = "The fast path's function runs on cloudfront-js-2.0 and is published (the distribution runs LIVE)."
  }

  assert {
    condition     = aws_cloudfront_function.session_check[0].key_value_store_associations == toset(["arn:aws:cloudfront::123456789012:key-value-store/00000000-0000-0000-0000-000000000000"])
    error_message = "The function reads its keys from the module's KeyValueStore."
  }

  assert {
    condition     = aws_cloudfront_function.session_check[0].code == file("tests/session-check.js")
    error_message = "The built function is uploaded as it is."
  }

  assert {
    condition     = keys(aws_cloudfrontkeyvaluestore_key.this) == ["session-key-current", "session-key-previous"]
    error_message = "The store holds the two keys packages/session-check reads."
  }

  assert {
    condition     = jsondecode(local.config_json).mode == "cloudfront-function" && can(jsondecode(local.config_json).sessionKeys.current)
    error_message = "The edge is told its mode and given the key it mints with."
  }

  assert {
    condition     = jsondecode(output.session_check_rules) == { publicPaths = [], logoutPath = "/_auth/logout" }
    error_message = "The function's rules are the edge config's (here its defaults)."
  }
}

run "builds_the_function_rules_from_the_edge_config" {
  command = plan

  variables {
    public_paths    = ["/public/*"]
    path_roles      = { "/staff/*" = ["staff"] }
    cookie_prefix   = "site"
    directory_index = ""
  }

  assert {
    condition = jsondecode(output.session_check_rules) == {
      publicPaths    = ["/public/*"]
      requiredRoles  = { "/staff/*" = ["staff"] }
      cookiePrefix   = "site"
      directoryIndex = ""
      logoutPath     = "/_auth/logout"
    }
    error_message = "session_check_rules holds the edge config's publicPaths, requiredRoles, cookiePrefix, directoryIndex and logoutPath."
  }

  assert {
    condition = alltrue([
      for k, v in jsondecode(output.session_check_rules) : jsondecode(local.config_json)[k] == v
    ])
    error_message = "Every rule the function is built with has the same value in the edge config."
  }
}

run "creates_no_function_store_or_keys_in_mode_lambda_edge" {
  command = plan

  variables {
    mode                    = "lambda-edge"
    session_check_code_path = null
  }

  assert {
    condition     = length(aws_cloudfront_function.session_check) == 0 && length(aws_cloudfront_key_value_store.this) == 0 && length(aws_cloudfrontkeyvaluestore_key.this) == 0 && length(random_bytes.session_key) == 0
    error_message = "Mode lambda-edge: no CloudFront Function, no KeyValueStore, no keys."
  }

  assert {
    condition     = jsondecode(local.config_json).mode == "lambda-edge" && !can(jsondecode(local.config_json).sessionKeys)
    error_message = "Mode lambda-edge: the edge is told its mode and gets no session keys."
  }

  assert {
    condition     = output.session_check_function_arn == null && output.session_key_ids == null
    error_message = "Mode lambda-edge: nothing of the fast path is output."
  }
}

run "refuses_the_fast_path_with_edge_paths_outside_auth" {
  command = plan

  variables {
    callback_path = "/callback"
  }

  expect_failures = [var.mode]
}

run "refuses_the_fast_path_without_the_function" {
  command = plan

  variables {
    session_check_code_path = null
  }

  expect_failures = [var.session_check_code_path]
}

run "keeps_edge_paths_outside_auth_working_in_mode_lambda_edge" {
  command = plan

  variables {
    mode          = "lambda-edge"
    callback_path = "/callback"
  }

  assert {
    condition     = jsondecode(local.config_json).callbackPath == "/callback"
    error_message = "Mode lambda-edge runs the edge on every path, as before: any callback path works."
  }
}

# The edge sends the client secret and the tokens to these URLs: plain HTTP is refused before a plan.
run "refuses_plain_http_urls_and_malformed_settings" {
  command = plan

  variables {
    issuer                = "http://sso.example.com/realms/demo"
    validate_url          = "http://api.example.com/validate"
    log_retention_in_days = 45
    session_key_id        = "k/1"
  }

  expect_failures = [var.issuer, var.validate_url, var.log_retention_in_days, var.session_key_id]
}
