# The JWT validation API: a Lambda function behind an API Gateway HTTP API (payload format 2.0) with
# POST /validate and GET /health. Both routes take IAM authorization (SigV4): only principals granted
# execute-api:Invoke on a route (the edge function's role, on POST /validate) may call them, so nobody on
# the internet can spend the function's concurrency and make the site answer 503.

data "aws_region" "current" {}

locals {
  routes = toset(["POST /validate", "GET /health"])

  # execute-api ARNs of the routes on the $default stage (arn:...:<api-id>/<stage>/<METHOD>/<path>): what
  # a caller's IAM policy grants execute-api:Invoke on.
  route_arns = {
    for route in local.routes :
    route => "${aws_apigatewayv2_api.this.execution_arn}/$default/${split(" ", route)[0]}${split(" ", route)[1]}"
  }

  environment = merge(
    {
      ISSUER               = var.issuer
      AUDIENCE             = join(",", var.audience)
      ALLOWED_ALGS         = join(",", var.allowed_algorithms)
      CLOCK_TOLERANCE_S    = tostring(var.clock_tolerance_seconds)
      MAX_TOKEN_LIFETIME_S = tostring(var.max_token_lifetime_seconds)
      LOG_LEVEL            = var.log_level
    },
    var.jwks_uri == null ? {} : { JWKS_URI = var.jwks_uri },
    length(var.required_claims) == 0 ? {} : { REQUIRED_CLAIMS = join(",", var.required_claims) },
    var.jwks_cache_ttl_seconds == null ? {} : { JWKS_CACHE_TTL_S = tostring(var.jwks_cache_ttl_seconds) },
    var.jwks_timeout_ms == null ? {} : { JWKS_TIMEOUT_MS = tostring(var.jwks_timeout_ms) },
  )
}

################################################################################
# Function
################################################################################

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = "${var.name}-lambda"
  description        = "Execution role of the validation API ${var.name}."
  assume_role_policy = data.aws_iam_policy_document.assume.json

  tags = var.tags
}

data "aws_iam_policy_document" "logs" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.function.arn}:*"]
  }
}

resource "aws_iam_role_policy" "logs" {
  name   = "logs"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.logs.json
}

resource "aws_cloudwatch_log_group" "function" {
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_in_days
  kms_key_id        = var.log_kms_key_arn

  tags = var.tags
}

resource "aws_lambda_function" "this" {
  function_name                  = var.name
  description                    = "static-site-sso: verifies JWTs against the issuer's JWKS."
  role                           = aws_iam_role.this.arn
  runtime                        = var.runtime
  handler                        = "index.handler"
  filename                       = var.zip_path
  source_code_hash               = filebase64sha256(var.zip_path)
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  architectures                  = [var.architecture]
  reserved_concurrent_executions = var.reserved_concurrent_executions

  environment {
    variables = local.environment
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.function.name
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.logs]
}

################################################################################
# HTTP API
################################################################################

resource "aws_apigatewayv2_api" "this" {
  name          = var.name
  description   = "static-site-sso token validation"
  protocol_type = "HTTP"

  tags = var.tags
}

resource "aws_apigatewayv2_integration" "this" {
  api_id                 = aws_apigatewayv2_api.this.id
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = aws_lambda_function.this.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = min(29000, (var.timeout + 1) * 1000)
}

resource "aws_apigatewayv2_route" "this" {
  for_each = local.routes

  api_id             = aws_apigatewayv2_api.this.id
  route_key          = each.key
  target             = "integrations/${aws_apigatewayv2_integration.this.id}"
  authorization_type = "AWS_IAM"
}

resource "aws_cloudwatch_log_group" "access" {
  name              = "/aws/apigateway/${var.name}"
  retention_in_days = var.log_retention_in_days
  kms_key_id        = var.log_kms_key_arn

  tags = var.tags
}

resource "aws_apigatewayv2_stage" "this" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_burst_limit   = var.throttling_burst_limit
    throttling_rate_limit    = var.throttling_rate_limit
    detailed_metrics_enabled = true
  }

  # No headers in the access log: the Authorization header carries the token.
  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format = jsonencode({
      requestId          = "$context.requestId"
      requestTime        = "$context.requestTime"
      sourceIp           = "$context.identity.sourceIp"
      httpMethod         = "$context.httpMethod"
      routeKey           = "$context.routeKey"
      status             = "$context.status"
      protocol           = "$context.protocol"
      responseLength     = "$context.responseLength"
      responseLatency    = "$context.responseLatency"
      integrationLatency = "$context.integrationLatency"
      integrationError   = "$context.integrationErrorMessage"
    })
  }

  tags = var.tags
}

resource "aws_lambda_permission" "api" {
  statement_id  = "AllowHttpApiInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this.execution_arn}/*/*"
}
