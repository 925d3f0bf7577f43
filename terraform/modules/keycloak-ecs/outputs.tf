output "url" {
  description = "Base URL of Keycloak (https://<domain>); realms are under /realms/<name>."
  value       = "https://${var.domain}"
}

output "admin_url" {
  description = "Base URL of the admin listener (https://<domain>:<admin_port>), for the admin console and a Keycloak Terraform provider; null without admin_cidr_blocks."
  value       = local.admin_enabled ? local.admin_url : null
}

output "admin_console_url" {
  description = "URL of the admin console on the admin listener; null without admin_cidr_blocks (then it is reachable from nowhere)."
  value       = local.admin_enabled ? "${local.admin_url}/admin/" : null
}

output "admin_username" {
  description = "User name of the bootstrap admin."
  value       = var.admin_username
}

# Taken from the secret versions, not the secrets: whoever reads the secret through this ARN (the complete
# example's data source) then waits until it holds a value.
output "admin_password_secret_arn" {
  description = "ARN of the Secrets Manager secret with the bootstrap admin's password (the ARN, never the value); known once the secret has its value."
  value       = aws_secretsmanager_secret_version.admin_password.arn
}

output "db_password_secret_arn" {
  description = "ARN of the Secrets Manager secret with the database password (the ARN, never the value): in RDS mode the secret RDS manages (JSON with username and password, rotated every db_password_rotation_days), in sidecar mode the module's."
  value       = local.db_password_secret_arn
}

output "alb_dns_name" {
  description = "DNS name of the load balancer (point the domain at it when route53_zone_id is not set)."
  value       = aws_lb.this.dns_name
}

output "alb_zone_id" {
  description = "Route 53 zone ID of the load balancer, for alias records."
  value       = aws_lb.this.zone_id
}

output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "service_name" {
  description = "Name of the ECS service."
  value       = aws_ecs_service.this.name
}

output "log_group_name" {
  description = "CloudWatch log group of the containers."
  value       = aws_cloudwatch_log_group.this.name
}

output "db_endpoint" {
  description = "Endpoint of the RDS database (null in sidecar mode)."
  value       = local.use_rds ? aws_db_instance.this[0].endpoint : null
}

output "security_group_ids" {
  description = "Security groups of the load balancer, the tasks and the database."
  value = {
    alb      = aws_security_group.alb.id
    keycloak = aws_security_group.keycloak.id
    db       = local.use_rds ? aws_security_group.db[0].id : null
  }
}
