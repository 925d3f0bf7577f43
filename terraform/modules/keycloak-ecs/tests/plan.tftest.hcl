# Plan-only tests with a mocked AWS provider (no AWS account): `terraform init -backend=false && terraform
# test` in this folder. The random provider is the real one: it only generates the ephemeral passwords. The random provider is the real one: it only generates the ephemeral passwords.

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

# The database's address and secret are known only after apply; the container definitions and the
# rotation rule are built from them, so the plan gets them here.
override_resource {
  target          = aws_db_instance.this
  override_during = plan
  values = {
    address            = "kc-test.abcdefghijkl.eu-west-1.rds.amazonaws.com"
    endpoint           = "kc-test.abcdefghijkl.eu-west-1.rds.amazonaws.com:5432"
    master_user_secret = [{ secret_arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0000-AbCdEf", kms_key_id = "", secret_status = "active" }]
  }
}

override_resource {
  target          = aws_secretsmanager_secret_version.admin_password
  override_during = plan
  values = {
    arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:kc-test-admin-password-AbCdEf"
  }
}

override_resource {
  target          = aws_security_group.keycloak
  override_during = plan
  values = {
    id = "sg-0000000000000keyc"
  }
}

override_resource {
  target          = aws_ecs_service.this
  override_during = plan
  values = {
    id = "arn:aws:ecs:eu-west-1:123456789012:service/kc-test/kc-test"
  }
}

override_resource {
  target          = aws_secretsmanager_secret_version.db_password
  override_during = plan
  values = {
    arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:kc-test-db-password-AbCdEf"
  }
}

override_resource {
  target          = aws_sfn_state_machine.roll
  override_during = plan
  values = {
    arn = "arn:aws:states:eu-west-1:123456789012:stateMachine:kc-test-roll-0001"
  }
}

override_resource {
  target          = aws_cloudwatch_log_group.this
  override_during = plan
  values = {
    name = "/ecs/kc-test"
  }
}

variables {
  name               = "kc-test"
  vpc_id             = "vpc-0123456789abcdef0"
  public_subnet_ids  = ["subnet-0000000000000000a", "subnet-0000000000000000b"]
  private_subnet_ids = ["subnet-0000000000000000c", "subnet-0000000000000000d"]
  domain             = "sso.example.com"
  certificate_arn    = "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
}

run "serves_only_realms_and_resources_publicly_and_404_for_the_rest" {
  command = plan

  assert {
    condition     = one(aws_lb_listener.https.default_action).type == "fixed-response" && one(one(aws_lb_listener.https.default_action).fixed_response).status_code == "404"
    error_message = "The public listener must answer 404 for every path no rule forwards (the admin console among them)."
  }

  assert {
    condition     = toset(one(one(aws_lb_listener_rule.public.condition).path_pattern).values) == toset(["/realms/*", "/resources/*"])
    error_message = "The public listener forwards exactly /realms/* and /resources/* by default."
  }

  assert {
    condition     = one(aws_lb_listener_rule.public.action).type == "forward" && aws_lb_listener_rule.master_realm_hidden.priority < aws_lb_listener_rule.public.priority
    error_message = "The master realm's 404 rule must be evaluated before the public forward rule."
  }

  assert {
    condition     = one(aws_lb_listener_rule.master_realm_hidden.action).type == "fixed-response"
    error_message = "The master realm is not served on the public listener."
  }
}

run "has_no_admin_listener_without_admin_ranges" {
  command = plan

  assert {
    condition     = length(aws_lb_listener.admin) == 0 && length(aws_vpc_security_group_ingress_rule.alb_admin) == 0
    error_message = "Without admin_cidr_blocks there is no admin listener and no port open for it."
  }

  assert {
    condition     = !contains([for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : e.name], "KC_HOSTNAME_ADMIN") && output.admin_console_url == null
    error_message = "Without admin access Keycloak gets no admin hostname and the module outputs no admin URL."
  }
}

run "opens_the_admin_listener_to_the_admin_ranges_only" {
  command = plan

  variables {
    admin_cidr_blocks = ["203.0.113.0/24", "198.51.100.7/32"]
  }

  assert {
    condition     = aws_lb_listener.admin[0].port == 8443 && one(aws_lb_listener.admin[0].default_action).type == "forward"
    error_message = "The admin listener forwards everything on port 8443."
  }

  assert {
    condition     = toset([for r in aws_vpc_security_group_ingress_rule.alb_admin : "${r.cidr_ipv4}:${r.from_port}-${r.to_port}"]) == toset(["203.0.113.0/24:8443-8443", "198.51.100.7/32:8443-8443"])
    error_message = "The security group opens the admin port to exactly the admin ranges."
  }

  assert {
    condition     = alltrue([for r in aws_vpc_security_group_ingress_rule.alb : r.from_port != 8443])
    error_message = "The public ranges must not reach the admin port."
  }

  assert {
    condition     = contains([for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : "${e.name}=${e.value}"], "KC_HOSTNAME_ADMIN=https://sso.example.com:8443") && output.admin_console_url == "https://sso.example.com:8443/admin/"
    error_message = "Keycloak's admin console URL is the admin listener's."
  }
}

run "refuses_an_admin_port_of_a_public_listener" {
  command = plan

  variables {
    admin_cidr_blocks = ["203.0.113.0/24"]
    admin_port        = 443
  }

  expect_failures = [var.admin_port]
}

run "forms_one_cluster_of_two_tasks" {
  command = plan

  variables {
    desired_count = 2
  }

  assert {
    condition = alltrue([
      for p in ["7800", "57800"] :
      aws_vpc_security_group_ingress_rule.keycloak_cluster[p].from_port == tonumber(p) &&
      aws_vpc_security_group_ingress_rule.keycloak_cluster[p].referenced_security_group_id == aws_security_group.keycloak.id &&
      aws_vpc_security_group_egress_rule.keycloak_cluster[p].referenced_security_group_id == aws_security_group.keycloak.id
    ])
    error_message = "Tasks must reach each other on TCP 7800 (JGroups) and 57800 (failure detection), and only each other."
  }

  assert {
    condition     = contains([for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : "${e.name}=${e.value}"], "KC_CACHE_STACK=jdbc-ping")
    error_message = "The tasks discover each other through the database (JDBC_PING)."
  }

  assert {
    condition     = aws_lb_target_group.this.deregistration_delay == "60" && jsondecode(aws_ecs_task_definition.this.container_definitions)[0].stopTimeout == 120
    error_message = "A leaving task is drained for 60 s, then has Fargate's 120 s to leave the cluster."
  }

  assert {
    condition     = aws_ecs_service.this.deployment_minimum_healthy_percent == 100 && aws_ecs_service.this.wait_for_steady_state == true
    error_message = "New tasks must be healthy before old ones leave, and apply waits for a steady service."
  }

  assert {
    condition     = one(aws_lb_target_group.this.health_check).path == "/health/ready" && one(aws_lb_target_group.this.health_check).port == "9000"
    error_message = "The load balancer sends traffic only to a ready task (management port 9000)."
  }
}

run "opens_no_cluster_ports_for_one_task" {
  command = plan

  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.keycloak_cluster) == 0
    error_message = "One task needs no cluster traffic."
  }
}

run "rolls_the_service_when_rds_rotates_the_database_password" {
  command = plan

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.db_password_rotated[0].event_pattern).detail.eventName == ["RotationSucceeded"] && jsondecode(aws_cloudwatch_event_rule.db_password_rotated[0].event_pattern).detail.additionalEventData.SecretId == ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0000-AbCdEf"]
    error_message = "The rule must match a successful rotation of exactly the database's secret."
  }

  assert {
    condition     = aws_cloudwatch_event_target.db_password_rotated[0].arn == aws_sfn_state_machine.roll[0].arn
    error_message = "The rotation event must start the state machine."
  }

  assert {
    condition     = jsondecode(aws_sfn_state_machine.roll[0].definition).States.RollService.Parameters == { Cluster = "kc-test", Service = "kc-test", ForceNewDeployment = true }
    error_message = "The state machine must force a new deployment of this service (the new tasks read the new password)."
  }

  assert {
    condition     = aws_db_instance.this[0].manage_master_user_password == true && aws_secretsmanager_secret_rotation.db_password[0].rotate_immediately == false
    error_message = "RDS generates and rotates the database password itself, not at creation."
  }
}

run "runs_the_postgres_sidecar_without_rotation" {
  command = plan

  variables {
    database_mode = "sidecar"
  }

  assert {
    condition     = length(aws_db_instance.this) == 0 && length(aws_cloudwatch_event_rule.db_password_rotated) == 0 && length(aws_secretsmanager_secret_rotation.db_password) == 0
    error_message = "Sidecar mode has no RDS, so nothing rotates and nothing rolls."
  }

  assert {
    condition     = aws_secretsmanager_secret_version.db_password[0].secret_string_wo_version == 1
    error_message = "Sidecar mode writes the generated postgres password once, write-only."
  }

  assert {
    condition     = [for c in jsondecode(aws_ecs_task_definition.this.container_definitions) : c.memory] == [1536, 512]
    error_message = "The sidecar takes 512 MiB of the 2048; Keycloak the rest."
  }
}

run "refuses_the_sidecar_with_two_tasks" {
  command = plan

  variables {
    database_mode = "sidecar"
    desired_count = 2
  }

  expect_failures = [aws_ecs_service.this]
}

run "sizes_the_jvm_heap_from_the_task_memory" {
  command = plan

  variables {
    cpu    = 1024
    memory = 4096
  }

  assert {
    condition     = contains([for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : "${e.name}=${e.value}"], "JAVA_OPTS_KC_HEAP=-Xms1433m -Xmx2867m")
    error_message = "The heap is 70% of Keycloak's memory (-Xmx), half of that at start (-Xms)."
  }
}

run "refuses_a_cpu_and_memory_pair_fargate_refuses" {
  command = plan

  variables {
    cpu    = 1024
    memory = 1024
  }

  expect_failures = [var.memory]
}

run "refuses_memory_off_fargates_steps" {
  command = plan

  variables {
    cpu    = 8192
    memory = 18432
  }

  expect_failures = [var.memory]
}

run "writes_only_an_a_record_for_an_ipv4_load_balancer" {
  command = plan

  variables {
    route53_zone_id = "Z0123456789ABCDEFGHIJ"
  }

  assert {
    condition     = keys(aws_route53_record.this) == ["A"] && length(aws_vpc_security_group_ingress_rule.alb_ipv6) == 0
    error_message = "An IPv4-only load balancer gets no AAAA record and no IPv6 ingress."
  }
}

run "writes_an_aaaa_record_for_a_dualstack_load_balancer" {
  command = plan

  variables {
    route53_zone_id = "Z0123456789ABCDEFGHIJ"
    ip_address_type = "dualstack"
  }

  assert {
    condition     = keys(aws_route53_record.this) == ["A", "AAAA"] && aws_lb.this.ip_address_type == "dualstack" && length(aws_vpc_security_group_ingress_rule.alb_ipv6) == 2
    error_message = "A dual-stack load balancer gets A and AAAA records and IPv6 ingress on 80 and 443."
  }
}

run "protects_the_database_and_load_balancer_by_default" {
  command = plan

  assert {
    condition     = aws_lb.this.enable_deletion_protection == true && aws_db_instance.this[0].deletion_protection == true
    error_message = "deletion_protection is on by default."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.retention_in_days == 30
    error_message = "The container log group has a retention."
  }
}
