# Lambda@Edge viewer-request function, its IAM role and its configuration in SSM Parameter Store.
# Everything lives in us-east-1 (Lambda@Edge's home region) through the aws.us_east_1 alias the caller passes.

data "aws_partition" "current" {
  provider = aws.us_east_1
}

data "aws_caller_identity" "current" {
  provider = aws.us_east_1
}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id

  # The handler's convention: at the edge context.functionName is "us-east-1.<name>"; it strips the
  # region prefix and reads /static-sso/edge-auth/<name>/config (packages/edge-auth, ssmParameterName).
  parameter_name = "/static-sso/edge-auth/${var.function_name}/config"
  parameter_arn  = "arn:${local.partition}:ssm:us-east-1:${local.account_id}:parameter${local.parameter_name}"

  # Lambda@Edge writes the logs of a replica to /aws/lambda/us-east-1.<name> in the region of the edge
  # location that ran it; direct invocations in us-east-1 log to /aws/lambda/<name>.
  replica_log_group_name = "/aws/lambda/us-east-1.${var.function_name}"
  function_log_group     = "/aws/lambda/${var.function_name}"

  # Optional keys are left out of the JSON rather than written as null. Each part is encoded on its own
  # and decoded again because Terraform's conditionals cannot join objects of different shapes.
  config_parts = [
    jsonencode({
      issuer       = var.issuer
      clientId     = var.client_id
      validateUrl  = var.validate_url
      scopes       = var.scopes
      callbackPath = var.callback_path
      logoutPath   = var.logout_path
      publicPaths  = var.public_paths
      mode         = var.mode
    }),
    # The fast path's signing keys, the same values as the CloudFront Function's KeyValueStore
    # (session-check.tf): the edge mints the session cookie with the current one.
    !local.fast_path ? "{}" : (
      local.session_key_previous == null
      ? jsonencode({ sessionKeys = { current = local.session_key_current } })
      : jsonencode({ sessionKeys = { current = local.session_key_current, previous = local.session_key_previous } })
    ),
    var.client_secret == null ? "{}" : jsonencode({ clientSecret = var.client_secret }),
    var.cookie_prefix == null ? "{}" : jsonencode({ cookiePrefix = var.cookie_prefix }),
    var.post_logout_redirect_uri == null ? "{}" : jsonencode({ postLogoutRedirectUri = var.post_logout_redirect_uri }),
    var.site_origin == null ? "{}" : jsonencode({ siteOrigin = var.site_origin }),
    var.validate_timeout_ms == null ? "{}" : jsonencode({ validateTimeoutMs = var.validate_timeout_ms }),
    var.idp_timeout_ms == null ? "{}" : jsonencode({ idpTimeoutMs = var.idp_timeout_ms }),
    var.directory_index == null ? "{}" : jsonencode({ directoryIndex = var.directory_index }),
    length(var.path_roles) > 0 ? jsonencode({ requiredRoles = var.path_roles }) : (
      length(var.required_roles) > 0 ? jsonencode({ requiredRoles = var.required_roles }) : "{}"
    ),
    # The validation API takes IAM authorization: the function signs its calls (SigV4, its role's
    # credentials) for the API's region, read from the route's ARN (arn:<partition>:execute-api:<region>:...).
    var.validate_route_arn == null ? "{}" : jsonencode({ validateAuth = "iam", validateRegion = local.validate_region }),
  ]
  config_json = jsonencode(merge([for part in local.config_parts : jsondecode(part)]...))

  validate_region = var.validate_route_arn == null ? null : split(":", var.validate_route_arn)[3]

  # Changes whenever the config does: the parameter's write-only value is written again, and the function's
  # description changes, so `publish = true` cuts a new version and CloudFront moves to it (warm replicas
  # would otherwise keep the config they loaded). A 48-bit prefix of a SHA-256: it identifies a config
  # without revealing the client secret in it (a hash of a high-entropy secret; nonsensitive() only lets
  # the number appear in plans).
  config_version = parseint(substr(nonsensitive(sha256(local.config_json)), 0, 12), 16)
}

################################################################################
# Configuration
################################################################################

resource "aws_ssm_parameter" "this" {
  provider = aws.us_east_1

  name        = local.parameter_name
  description = "Configuration of the Lambda@Edge function ${var.function_name} (static-site-sso edge-auth)."
  type        = "SecureString"
  key_id      = var.kms_key_arn
  # Write-only (Terraform 1.11+, AWS provider 6): the config, client secret included, is sent to SSM and
  # kept in neither the state nor the plan. It is written again when value_wo_version changes.
  value_wo         = local.config_json
  value_wo_version = local.config_version
  tier             = length(local.config_json) > 4096 ? "Advanced" : "Standard"

  tags = var.tags

  # Keys reach the CloudFront Function's store before the edge's config: the Lambda version that mints
  # with a new key is published after this parameter, so no cookie is minted with a key the function
  # cannot check yet.
  depends_on = [aws_cloudfrontkeyvaluestore_key.this]
}

################################################################################
# IAM
################################################################################

data "aws_iam_policy_document" "assume" {
  provider = aws.us_east_1

  statement {
    sid     = "LambdaAndEdgeLambda"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com", "edgelambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  provider = aws.us_east_1

  name               = "${var.function_name}-edge"
  description        = "Execution role of the Lambda@Edge function ${var.function_name}."
  assume_role_policy = data.aws_iam_policy_document.assume.json

  tags = var.tags
}

# trivy:ignore:AVD-AWS-0057 Two wildcards, each narrowed: key/* only through SSM in us-east-1 for this parameter's encryption context (when no key is given, the AWS managed key's id is not known here); logs:* regions because replicas log wherever they run.
data "aws_iam_policy_document" "this" {
  provider = aws.us_east_1

  statement {
    sid       = "ReadOwnConfig"
    actions   = ["ssm:GetParameter"]
    resources = [local.parameter_arn]
  }

  # SecureString values are decrypted by SSM on the function's behalf. Scoped to SSM in us-east-1 and to
  # this parameter's encryption context, so the grant cannot decrypt anything else with the key. (With the
  # AWS managed key alias/aws/ssm the key policy already allows this; the statement is then redundant but
  # harmless. With a customer managed key it is required.)
  statement {
    sid       = "DecryptOwnConfig"
    actions   = ["kms:Decrypt"]
    resources = var.kms_key_arn == null ? ["arn:${local.partition}:kms:us-east-1:${local.account_id}:key/*"] : [var.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["ssm.us-east-1.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:PARAMETER_ARN"
      values   = [local.parameter_arn]
    }
  }

  # Exactly the validation API's POST /validate route: not its other routes, not other APIs.
  dynamic "statement" {
    for_each = var.validate_route_arn == null ? [] : [var.validate_route_arn]

    content {
      sid       = "InvokeValidationApi"
      actions   = ["execute-api:Invoke"]
      resources = [statement.value]
    }
  }

  statement {
    sid     = "WriteOwnLogs"
    actions = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    # Replicas log in whatever region served the request, hence the region wildcard.
    resources = [
      "arn:${local.partition}:logs:*:${local.account_id}:log-group:${local.replica_log_group_name}",
      "arn:${local.partition}:logs:*:${local.account_id}:log-group:${local.replica_log_group_name}:*",
      "arn:${local.partition}:logs:us-east-1:${local.account_id}:log-group:${local.function_log_group}",
      "arn:${local.partition}:logs:us-east-1:${local.account_id}:log-group:${local.function_log_group}:*",
    ]
  }
}

resource "aws_iam_role_policy" "this" {
  provider = aws.us_east_1

  name   = "config-and-logs"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

################################################################################
# Logs
################################################################################

resource "aws_cloudwatch_log_group" "function" {
  provider = aws.us_east_1

  name              = local.function_log_group
  retention_in_days = var.log_retention_in_days

  tags = var.tags
}

# Replica log groups. AWS provider 6's per-resource `region` argument lets one provider configuration
# create them in any region (before 6.x this needed one provider alias per region, which a module cannot
# create from a list). Create them before the first request: once Lambda@Edge has created a group itself,
# `apply` fails with ResourceAlreadyExistsException and the group must be imported.
resource "aws_cloudwatch_log_group" "replica" {
  provider = aws.us_east_1
  for_each = toset(concat(["us-east-1"], var.replica_log_regions))

  region            = each.key
  name              = local.replica_log_group_name
  retention_in_days = var.log_retention_in_days

  tags = var.tags
}

################################################################################
# Function
################################################################################

resource "aws_lambda_function" "this" {
  provider = aws.us_east_1

  function_name = var.function_name
  # The config's version in the description: a config-only change then changes the function's
  # configuration too, so `publish = true` cuts a new version and CloudFront moves to it. Without it the
  # parameter would change but warm replicas would keep the config they loaded. Taken through the
  # parameter, so Terraform writes the parameter before it publishes the version that reads it.
  description      = "static-site-sso: OpenID Connect login at the edge (viewer-request); config ${aws_ssm_parameter.this.value_wo_version}."
  role             = aws_iam_role.this.arn
  runtime          = var.runtime
  handler          = "index.handler"
  filename         = var.zip_path
  source_code_hash = filebase64sha256(var.zip_path)
  memory_size      = var.memory_size
  timeout          = var.timeout
  # CloudFront needs a numbered version; $LATEST and aliases are refused.
  publish = true
  # Lambda@Edge runs x86_64 only.
  architectures = ["x86_64"]

  # No environment block: Lambda@Edge rejects functions with environment variables. The configuration
  # comes from the SSM parameter above.

  # Lambda refuses to delete a function while CloudFront still has replicas of it, and CloudFront removes
  # them only hours after the distribution stops using it. So destroy (and a rename, which replaces the
  # function) leaves the function in the account and drops it from the state instead of failing; delete
  # it later with `aws lambda delete-function --region us-east-1 --function-name <name>` (README,
  # "Destroying and renaming the edge function"). A new version on the same name is unaffected.
  skip_destroy = true

  tags = var.tags

  depends_on = [
    aws_iam_role_policy.this,
    aws_cloudwatch_log_group.function,
  ]
}
