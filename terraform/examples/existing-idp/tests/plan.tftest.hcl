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
  session_check_code_path = "../../modules/edge-auth/tests/session-check.js"
  issuer                  = "https://sso.example.com/realms/demo"
  client_id               = "static-site"
  client_secret           = "not-a-real-secret"
  site_domain             = "www.example.com"
  site_certificate_arn    = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
}

run "plans_the_site_modules" {
  command = plan

  assert {
    condition     = module.validate_api.validate_route_arn == "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/$default/POST/validate"
    error_message = "The edge function is granted the validation API's POST /validate route."
  }

  assert {
    condition     = module.edge_auth.parameter_name == "/static-sso/edge-auth/static-sso-edge-auth/config"
    error_message = "The edge config parameter must be named /static-sso/edge-auth/<function_name>/config."
  }
}

# site_domain's documented default: no alias, no certificate, the site on its cloudfront.net name. The edge
# function then gets no site_origin and builds redirect URIs from the request's Host.
run "plans_without_a_site_domain" {
  command = plan

  variables {
    site_domain          = null
    site_certificate_arn = null
  }

  assert {
    condition     = module.edge_auth.parameter_name == "/static-sso/edge-auth/static-sso-edge-auth/config"
    error_message = "The example must plan without a site_domain."
  }
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

run "rotates_the_session_key_through_the_example" {
  command = plan

  variables {
    session_key_id          = "k2"
    previous_session_key_id = "k1"
  }

  assert {
    condition     = output.session_key_ids == { current = "k2", previous = "k1" }
    error_message = "The example passes the key ids to the edge module (docs/key-rotation.md)."
  }
}
