output "qualified_arn" {
  description = "Version-qualified ARN of the published function, for the CloudFront viewer-request association."
  value       = aws_lambda_function.this.qualified_arn
}

output "function_name" {
  description = "Name of the function (replicas run as `us-east-1.<function_name>`)."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "Unqualified ARN of the function."
  value       = aws_lambda_function.this.arn
}

output "version" {
  description = "Published version number of the function."
  value       = aws_lambda_function.this.version
}

output "role_arn" {
  description = "ARN of the function's execution role."
  value       = aws_iam_role.this.arn
}

output "parameter_name" {
  description = "Name of the SecureString parameter holding the function's config (its value is never output)."
  value       = aws_ssm_parameter.this.name
}

output "parameter_arn" {
  description = "ARN of the SecureString config parameter."
  value       = aws_ssm_parameter.this.arn
}

output "config_version" {
  description = "Version of the config the function was published with (a 48-bit prefix of the config's SHA-256; it changes whenever the config does)."
  value       = local.config_version
}

output "log_group_names" {
  description = "Log groups created with retention, by region."
  value       = { for region, group in aws_cloudwatch_log_group.replica : region => group.name }
}
