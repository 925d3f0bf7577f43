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

variables {
  name               = "kc-test"
  vpc_id             = "vpc-0123456789abcdef0"
  public_subnet_ids  = ["subnet-0000000000000000a", "subnet-0000000000000000b"]
  private_subnet_ids = ["subnet-0000000000000000c", "subnet-0000000000000000d"]
  domain             = "sso.example.com"
  certificate_arn    = "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
}

run "plans_rds_with_a_cluster_of_two" {
  command = plan

  variables {
    desired_count = 2
  }

  assert {
    condition     = length(aws_db_instance.this) == 1 && length(aws_vpc_security_group_ingress_rule.keycloak_cluster) == 2
    error_message = "RDS mode with two tasks needs the database and the cluster ports."
  }

  assert {
    condition     = aws_db_instance.this[0].manage_master_user_password == true && length(random_password.db) == 0 && length(aws_secretsmanager_secret.db_password) == 0
    error_message = "In RDS mode RDS manages the database password: no random_password, no secret of the module."
  }
}

run "plans_the_postgres_sidecar" {
  command = plan

  variables {
    database_mode = "sidecar"
  }

  assert {
    condition     = length(aws_db_instance.this) == 0 && length(aws_security_group.db) == 0
    error_message = "Sidecar mode creates no RDS database."
  }

  assert {
    condition     = length(random_password.db) == 1 && length(aws_secretsmanager_secret_version.db_password) == 1 && length(aws_secretsmanager_secret_rotation.db_password) == 0
    error_message = "Sidecar mode generates the postgres password and keeps it in the module's secret."
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

run "spreads_admin_ranges_over_rules_within_the_alb_limits" {
  command = plan

  variables {
    admin_cidr_blocks = ["198.51.100.0/24", "198.51.101.0/24", "198.51.102.0/24", "198.51.103.0/24", "198.51.104.0/24", "198.51.105.0/24", "203.0.113.7/32"]
  }

  assert {
    condition     = length(aws_lb_listener_rule.admin_allowed) == 3 && length(aws_lb_listener_rule.admin_denied) == 1
    error_message = "Seven admin ranges need three allow rules (3 + 3 + 1) and one deny rule."
  }
}
