# Plan-only tests with mocked providers: no AWS account or Keycloak needed, but `terraform init` must be
# able to download the providers. Run with `terraform init -backend=false && terraform test` in this folder.

mock_provider "aws" {
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
  mock_data "aws_region" {
    defaults = {
      region = "eu-west-1"
    }
  }
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
}

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

mock_provider "keycloak" {}

# The edge module checks the route ARN's shape; the mocked API gets a real-looking one.
override_resource {
  target          = module.validate_api.aws_apigatewayv2_api.this
  override_during = plan
  values = {
    id            = "a1b2c3d4e5"
    execution_arn = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5"
    api_endpoint  = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"
  }
}

mock_provider "random" {}

variables {
  # A stand-in for the built function (packages/session-check/dist/session-check.js), which CI's
  # Terraform job does not build.
  session_check_code_path    = "../../modules/edge-auth/tests/session-check.js"
  vpc_id                     = "vpc-0123456789abcdef0"
  public_subnet_ids          = ["subnet-0000000000000000a", "subnet-0000000000000000b"]
  private_subnet_ids         = ["subnet-0000000000000000c", "subnet-0000000000000000d"]
  keycloak_domain            = "sso.example.com"
  keycloak_certificate_arn   = "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
  site_domain                = "www.example.com"
  site_certificate_arn       = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000001"
  route53_zone_id            = "Z0123456789ABCDEFGHIJ"
  keycloak_admin_cidr_blocks = ["203.0.113.0/24"]
}

run "plans_every_module" {
  command = plan

  assert {
    condition     = module.realm.issuer_url == "https://sso.example.com/realms/demo"
    error_message = "The issuer must be the realm's URL on the Keycloak domain."
  }

  assert {
    condition     = module.keycloak.admin_url == "https://sso.example.com:8443"
    error_message = "The keycloak provider configures the realm through the admin listener."
  }
}

run "refuses_no_admin_ranges" {
  command = plan

  variables {
    keycloak_admin_cidr_blocks = []
  }

  expect_failures = [var.keycloak_admin_cidr_blocks]
}

run "plans_the_fast_path_by_default" {
  command = plan

  assert {
    condition     = output.mode == "cloudfront-function" && output.session_key_ids == { current = "k1", previous = null }
    error_message = "The default is the fast path, with one generated key."
  }
}

run "plans_in_mode_lambda_edge" {
  command = plan

  variables {
    mode = "lambda-edge"
  }

  assert {
    condition     = output.mode == "lambda-edge" && module.edge_auth.session_check_function_arn == null && output.session_key_ids == null
    error_message = "Mode lambda-edge plans without the CloudFront Function and its keys."
  }
}

run "gives_the_edge_the_rules_the_function_is_built_with" {
  command = plan

  assert {
    condition     = jsondecode(output.session_check_rules) == merge(jsondecode(file("../../../packages/session-check/site-rules.json")), { logoutPath = "/_auth/logout" })
    error_message = "The edge's rules come from packages/session-check/site-rules.json, the file `pnpm build` bakes into the function."
  }
}
