output "validate_url" {
  description = "URL of POST /validate (the edge-auth module's `validate_url`)."
  value       = "${aws_apigatewayv2_api.this.api_endpoint}/validate"
}

output "health_url" {
  description = "URL of GET /health."
  value       = "${aws_apigatewayv2_api.this.api_endpoint}/health"
}

output "api_id" {
  description = "ID of the HTTP API."
  value       = aws_apigatewayv2_api.this.id
}

output "api_endpoint" {
  description = "Base URL of the HTTP API."
  value       = aws_apigatewayv2_api.this.api_endpoint
}

output "function_name" {
  description = "Name of the validation function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the validation function."
  value       = aws_lambda_function.this.arn
}

output "role_arn" {
  description = "ARN of the function's execution role."
  value       = aws_iam_role.this.arn
}

output "log_group_names" {
  description = "Names of the function's and the access log's log groups."
  value = {
    function = aws_cloudwatch_log_group.function.name
    access   = aws_cloudwatch_log_group.access.name
  }
}
