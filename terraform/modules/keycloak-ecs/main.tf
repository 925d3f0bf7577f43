# Keycloak on ECS Fargate behind an HTTPS Application Load Balancer, with PostgreSQL on RDS (or, for
# non-prod, a postgres container in the same task). Passwords live in Secrets Manager and reach the
# containers through ECS `secrets`; they are in no variable, environment entry or output. RDS generates
# and keeps the database password itself (manage_master_user_password), so it is not in the state either.

data "aws_region" "current" {}

locals {
  use_rds     = var.database_mode == "rds"
  db_name     = "keycloak"
  db_username = "keycloak"
  db_host     = local.use_rds ? aws_db_instance.this[0].address : "localhost"
  # RDS for PostgreSQL 15+ forces TLS; the sidecar is reached over the task's loopback.
  db_url = "jdbc:postgresql://${local.db_host}:5432/${local.db_name}${local.use_rds ? "?sslmode=require" : ""}"

  # The database password's secret: RDS's own (JSON with username and password; ECS picks the password
  # key with the `:password::` suffix) or, in sidecar mode, the module's (the bare password).
  db_password_secret_arn = local.use_rds ? aws_db_instance.this[0].master_user_secret[0].secret_arn : aws_secretsmanager_secret_version.db_password[0].arn
  db_password_value_from = local.use_rds ? "${local.db_password_secret_arn}:password::" : local.db_password_secret_arn

  # The admin console and the master realm, as ALB path patterns: `*` also covers the bare paths (/admin,
  # /realms/master) and everything under them. (It also matches a realm whose name starts with "master",
  # e.g. /realms/master2: such a realm would be admin-only too.)
  admin_path_patterns = ["/admin*", "/realms/master*"]
  # An ALB listener rule takes at most 3 values per condition and 5 across its conditions: the two path
  # patterns leave 3 source ranges per allow rule, so admin_cidr_blocks is spread over as many rules as
  # it needs.
  admin_cidrs_per_rule = 3
  admin_cidr_chunks    = var.admin_cidr_blocks == null ? [] : chunklist(var.admin_cidr_blocks, local.admin_cidrs_per_rule)

  http_port       = 8080
  management_port = 9000
  # Infinispan cluster traffic between tasks (JDBC_PING discovery, Keycloak 26's default stack).
  cluster_ports = [7800, 57800]

  keycloak_container = {
    name      = "keycloak"
    image     = var.keycloak_image
    essential = true
    command   = ["start"]
    portMappings = [
      { containerPort = local.http_port, protocol = "tcp" },
      { containerPort = local.management_port, protocol = "tcp" },
    ]
    environment = [
      { name = "KC_DB", value = "postgres" },
      { name = "KC_DB_URL", value = local.db_url },
      { name = "KC_DB_USERNAME", value = local.db_username },
      { name = "KC_HOSTNAME", value = "https://${var.domain}" },
      { name = "KC_PROXY_HEADERS", value = "xforwarded" },
      { name = "KC_HTTP_ENABLED", value = "true" },
      { name = "KC_HTTP_PORT", value = tostring(local.http_port) },
      { name = "KC_HEALTH_ENABLED", value = "true" },
      { name = "KC_METRICS_ENABLED", value = "true" },
      { name = "KC_BOOTSTRAP_ADMIN_USERNAME", value = var.admin_username },
    ]
    secrets = [
      { name = "KC_DB_PASSWORD", valueFrom = local.db_password_value_from },
      { name = "KC_BOOTSTRAP_ADMIN_PASSWORD", valueFrom = aws_secretsmanager_secret_version.admin_password.arn },
    ]
    dependsOn = local.use_rds ? [] : [{ containerName = "postgres", condition = "HEALTHY" }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this.name
        awslogs-region        = data.aws_region.current.region
        awslogs-stream-prefix = "keycloak"
      }
    }
  }

  postgres_container = {
    name      = "postgres"
    image     = var.sidecar_postgres_image
    essential = true
    environment = [
      { name = "POSTGRES_DB", value = local.db_name },
      { name = "POSTGRES_USER", value = local.db_username },
    ]
    secrets = [
      # Only encoded in sidecar mode, where this is the module's own secret.
      { name = "POSTGRES_PASSWORD", valueFrom = local.db_password_value_from },
    ]
    healthCheck = {
      command     = ["CMD-SHELL", "pg_isready -U ${local.db_username} -d ${local.db_name}"]
      interval    = 10
      timeout     = 5
      retries     = 5
      startPeriod = 10
    }
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this.name
        awslogs-region        = data.aws_region.current.region
        awslogs-stream-prefix = "postgres"
      }
    }
  }
}

################################################################################
# Secrets
################################################################################

# Generated here, so no one types them into a variable. They are in the Terraform state (marked
# sensitive): keep the state in an encrypted backend with restricted access. The RDS database's password
# is not among them: RDS generates it and keeps it in a secret of its own.
resource "random_password" "admin" {
  length           = 32
  special          = true
  override_special = "-_.~!#%^*"
}

# Sidecar mode only: the postgres container's password.
resource "random_password" "db" {
  count = local.use_rds ? 0 : 1

  length = 32
  # RDS refuses '/', '@', '"' and spaces in the master password.
  special          = true
  override_special = "-_.~!#%^*"
}

resource "aws_secretsmanager_secret" "admin_password" {
  name_prefix             = "${var.name}-admin-password-"
  description             = "Password of the Keycloak bootstrap admin '${var.admin_username}' (${var.name})."
  kms_key_id              = var.secrets_kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_in_days

  tags = var.tags
}

resource "aws_secretsmanager_secret_version" "admin_password" {
  secret_id     = aws_secretsmanager_secret.admin_password.id
  secret_string = random_password.admin.result
}

resource "aws_secretsmanager_secret" "db_password" {
  count = local.use_rds ? 0 : 1

  name_prefix             = "${var.name}-db-password-"
  description             = "Password of the Keycloak database user (${var.name})."
  kms_key_id              = var.secrets_kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_in_days

  tags = var.tags
}

resource "aws_secretsmanager_secret_version" "db_password" {
  count = local.use_rds ? 0 : 1

  secret_id     = aws_secretsmanager_secret.db_password[0].id
  secret_string = random_password.db[0].result
}

# RDS rotates the secret it manages every 7 days unless told otherwise. Keycloak reads the password once,
# when a task starts: after a rotation its new database connections fail until the tasks are replaced
# (`aws ecs update-service --force-new-deployment`). The schedule is therefore the module's choice,
# db_password_rotation_days, and it does not rotate on creation.
resource "aws_secretsmanager_secret_rotation" "db_password" {
  count = local.use_rds ? 1 : 0

  secret_id          = aws_db_instance.this[0].master_user_secret[0].secret_arn
  rotate_immediately = false

  rotation_rules {
    automatically_after_days = var.db_password_rotation_days
  }
}

################################################################################
# Security groups: internet -> ALB -> Keycloak -> database
################################################################################

resource "aws_security_group" "alb" {
  name_prefix = "${var.name}-alb-"
  description = "Keycloak load balancer"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-alb" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "alb" {
  for_each = { for pair in setproduct(var.ingress_cidr_blocks, [80, 443]) : "${pair[0]}-${pair[1]}" => pair }

  security_group_id = aws_security_group.alb.id
  description       = each.value[1] == 443 ? "HTTPS" : "HTTP, redirected to HTTPS"
  ip_protocol       = "tcp"
  from_port         = each.value[1]
  to_port           = each.value[1]
  cidr_ipv4         = each.value[0]
}

resource "aws_vpc_security_group_egress_rule" "alb_to_keycloak" {
  for_each = toset([tostring(local.http_port), tostring(local.management_port)])

  security_group_id            = aws_security_group.alb.id
  description                  = "To Keycloak (traffic and health checks)"
  ip_protocol                  = "tcp"
  from_port                    = tonumber(each.key)
  to_port                      = tonumber(each.key)
  referenced_security_group_id = aws_security_group.keycloak.id
}

resource "aws_security_group" "keycloak" {
  name_prefix = "${var.name}-keycloak-"
  description = "Keycloak tasks"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-keycloak" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "keycloak_from_alb" {
  for_each = toset([tostring(local.http_port), tostring(local.management_port)])

  security_group_id            = aws_security_group.keycloak.id
  description                  = "From the load balancer only"
  ip_protocol                  = "tcp"
  from_port                    = tonumber(each.key)
  to_port                      = tonumber(each.key)
  referenced_security_group_id = aws_security_group.alb.id
}

resource "aws_vpc_security_group_ingress_rule" "keycloak_cluster" {
  for_each = var.desired_count > 1 ? toset([for p in local.cluster_ports : tostring(p)]) : toset([])

  security_group_id            = aws_security_group.keycloak.id
  description                  = "Infinispan cluster traffic between Keycloak tasks"
  ip_protocol                  = "tcp"
  from_port                    = tonumber(each.key)
  to_port                      = tonumber(each.key)
  referenced_security_group_id = aws_security_group.keycloak.id
}

# Keycloak needs outbound HTTPS (image pull, Secrets Manager, CloudWatch Logs, identity brokering) and
# the database.
resource "aws_vpc_security_group_egress_rule" "keycloak_https" {
  security_group_id = aws_security_group.keycloak.id
  description       = "HTTPS out (ECR, Secrets Manager, CloudWatch Logs, brokered IdPs)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "keycloak_to_db" {
  count = local.use_rds ? 1 : 0

  security_group_id            = aws_security_group.keycloak.id
  description                  = "To the database"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.db[0].id
}

resource "aws_vpc_security_group_egress_rule" "keycloak_cluster" {
  for_each = var.desired_count > 1 ? toset([for p in local.cluster_ports : tostring(p)]) : toset([])

  security_group_id            = aws_security_group.keycloak.id
  description                  = "Infinispan cluster traffic between Keycloak tasks"
  ip_protocol                  = "tcp"
  from_port                    = tonumber(each.key)
  to_port                      = tonumber(each.key)
  referenced_security_group_id = aws_security_group.keycloak.id
}

resource "aws_security_group" "db" {
  count = local.use_rds ? 1 : 0

  name_prefix = "${var.name}-db-"
  description = "Keycloak database"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-db" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "db_from_keycloak" {
  count = local.use_rds ? 1 : 0

  security_group_id            = aws_security_group.db[0].id
  description                  = "From Keycloak only"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.keycloak.id
}

################################################################################
# Database (RDS)
################################################################################

resource "aws_db_subnet_group" "this" {
  count = local.use_rds ? 1 : 0

  name_prefix = "${var.name}-"
  description = "Keycloak database subnets"
  subnet_ids  = var.private_subnet_ids

  tags = var.tags
}

resource "random_id" "final_snapshot" {
  count = local.use_rds ? 1 : 0

  byte_length = 4
}

resource "aws_db_instance" "this" {
  count = local.use_rds ? 1 : 0

  identifier_prefix = "${var.name}-"
  engine            = "postgres"
  engine_version    = var.db_engine_version
  instance_class    = var.db_instance_class

  db_name  = local.db_name
  username = local.db_username
  # RDS generates the password and keeps it in a Secrets Manager secret of its own (master_user_secret),
  # encrypted with secrets_kms_key_arn when set: it never passes through Terraform or its state.
  manage_master_user_password   = true
  master_user_secret_kms_key_id = var.secrets_kms_key_arn

  allocated_storage     = var.db_allocated_storage
  max_allocated_storage = var.db_max_allocated_storage
  storage_type          = "gp3"
  storage_encrypted     = true

  db_subnet_group_name   = aws_db_subnet_group.this[0].name
  vpc_security_group_ids = [aws_security_group.db[0].id]
  publicly_accessible    = false
  multi_az               = var.db_multi_az

  backup_retention_period = var.db_backup_retention_days
  copy_tags_to_snapshot   = true
  deletion_protection     = var.deletion_protection
  skip_final_snapshot     = false
  # Unique per database: a second destroy (or a second deployment with the same name) must not collide
  # with an earlier final snapshot. The suffix is random once and then stable, so plans do not churn.
  final_snapshot_identifier  = "${var.name}-final-${random_id.final_snapshot[0].hex}"
  auto_minor_version_upgrade = true
  apply_immediately          = false


  tags = var.tags
}

################################################################################
# Load balancer
################################################################################

resource "aws_lb" "this" {
  name               = var.name
  load_balancer_type = "application"
  internal           = false
  subnets            = var.public_subnet_ids
  security_groups    = [aws_security_group.alb.id]

  drop_invalid_header_fields = true
  enable_deletion_protection = var.deletion_protection

  tags = var.tags
}

resource "aws_lb_target_group" "this" {
  name_prefix          = "kc-"
  port                 = local.http_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 30

  # Keycloak 26 serves health on the management port, not on the traffic port.
  health_check {
    enabled             = true
    port                = tostring(local.management_port)
    protocol            = "HTTP"
    path                = "/health/ready"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  # Keeps a browser on one node during the login flow, which saves cross-node cache lookups.
  stickiness {
    type            = "lb_cookie"
    enabled         = var.desired_count > 1
    cookie_duration = 86400
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }

  tags = var.tags
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }

  tags = var.tags
}

# With admin_cidr_blocks set: the admin console and the master realm answer only those ranges (one allow
# rule per 3 ranges, then a 403 for everyone else). An empty list closes them to everyone.
resource "aws_lb_listener_rule" "admin_allowed" {
  count = length(local.admin_cidr_chunks)

  listener_arn = aws_lb_listener.https.arn
  priority     = 10 + count.index

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }

  condition {
    path_pattern {
      values = local.admin_path_patterns
    }
  }

  condition {
    source_ip {
      values = local.admin_cidr_chunks[count.index]
    }
  }

  tags = var.tags
}

resource "aws_lb_listener_rule" "admin_denied" {
  count = var.admin_cidr_blocks == null ? 0 : 1

  listener_arn = aws_lb_listener.https.arn
  # After every allow rule: admin_cidr_blocks holds at most 30 ranges, so at most 10 rules (10-19).
  priority = 50

  action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "Forbidden"
      status_code  = "403"
    }
  }

  condition {
    path_pattern {
      values = local.admin_path_patterns
    }
  }

  tags = var.tags
}

resource "aws_route53_record" "this" {
  for_each = var.route53_zone_id == null ? toset([]) : toset(["A", "AAAA"])

  zone_id = var.route53_zone_id
  name    = var.domain
  type    = each.key

  alias {
    name                   = aws_lb.this.dns_name
    zone_id                = aws_lb.this.zone_id
    evaluate_target_health = true
  }
}

################################################################################
# ECS
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  name              = "/ecs/${var.name}"
  retention_in_days = var.log_retention_in_days

  tags = var.tags
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  tags = var.tags
}

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

# Used by the ECS agent: pull the image, write logs, read the two secrets (the admin's, and the database's:
# RDS's own secret, or the module's in sidecar mode).
resource "aws_iam_role" "execution" {
  name_prefix        = "${var.name}-exec-"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_partition" "current" {}

data "aws_iam_policy_document" "execution_secrets" {
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.admin_password.arn, local.db_password_secret_arn]
  }

  dynamic "statement" {
    for_each = var.secrets_kms_key_arn == null ? [] : [var.secrets_kms_key_arn]

    content {
      actions   = ["kms:Decrypt"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${data.aws_region.current.region}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role_policy" "execution_secrets" {
  name   = "read-keycloak-secrets"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution_secrets.json
}

# The containers themselves call no AWS API: the task role has no permissions.
resource "aws_iam_role" "task" {
  name_prefix        = "${var.name}-task-"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json

  tags = var.tags
}

resource "aws_ecs_task_definition" "this" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  # Encoded one by one: the two containers are objects of different shapes, which a conditional cannot join.
  container_definitions = "[${join(",", concat(
    [jsonencode(local.keycloak_container)],
    local.use_rds ? [] : [jsonencode(local.postgres_container)],
  ))}]"

  tags = var.tags
}

resource "aws_ecs_service" "this" {
  name            = var.name
  cluster         = aws_ecs_cluster.this.id
  task_definition = aws_ecs_task_definition.this.arn
  desired_count   = var.desired_count
  launch_type     = "FARGATE"

  # Keycloak builds its configuration on first start ("start" without --optimized); give it time.
  health_check_grace_period_seconds = 300
  enable_execute_command            = false
  propagate_tags                    = "SERVICE"

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.keycloak.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.this.arn
    container_name   = "keycloak"
    container_port   = local.http_port
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  tags = var.tags

  # The secrets must hold a value before a task tries to read them.
  depends_on = [
    aws_lb_listener.https,
    aws_iam_role_policy.execution_secrets,
    aws_secretsmanager_secret_version.admin_password,
    aws_secretsmanager_secret_version.db_password,
  ]

  lifecycle {
    precondition {
      condition     = local.use_rds || var.desired_count == 1
      error_message = "The sidecar database lives inside one task: database_mode = \"sidecar\" needs desired_count = 1."
    }
  }
}
