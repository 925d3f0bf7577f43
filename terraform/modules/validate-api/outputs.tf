output "validate_url" {
  description = "URL of POST /validate (the edge-auth module's `validate_url`)."
  value       = "${aws_apigatewayv2_api.this.api_endpoint}/validate"
}

output "health_url" {
  description = "URL of GET /health."
  value       = "${aws_apigatewayv2_api.this.api_endpoint}/health"
}

output "validate_route_arn" {
  description = "execute-api ARN of POST /validate, the only thing a caller's role needs execute-api:Invoke on (the edge-auth module's `validate_route_arn`)."
  value       = local.route_arns["POST /validate"]
}

output "health_route_arn" {
  description = "execute-api ARN of GET /health (IAM-authorized too: grant execute-api:Invoke on it to whatever monitors the API)."
  value       = local.route_arns["GET /health"]
}

output "region" {
  description = "Region of the API, the region the edge function signs its calls for (SigV4)."
  value       = data.aws_region.current.region
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
