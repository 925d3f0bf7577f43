variable "name" {
  description = "Name of the cluster, service, load balancer and database, and prefix of the secrets."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,26}[a-z0-9]$", var.name)) && !strcontains(var.name, "--") && !startswith(var.name, "internal-")
    error_message = "name must be 3-28 characters of lowercase letters, digits and single '-', starting with a letter and not with \"internal-\": the load balancer's name has at most 32, the RDS identifier prefix \"<name>-\" and the IAM role prefixes \"<name>-exec-\" at most 37 and 38, and RDS refuses \"--\"."
  }
}

variable "vpc_id" {
  description = "ID of the VPC."
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets (at least two AZs) for the load balancer."
  type        = list(string)

  validation {
    condition     = length(var.public_subnet_ids) >= 2
    error_message = "public_subnet_ids needs at least two subnets in different availability zones."
  }
}

variable "private_subnet_ids" {
  description = "Private subnets (at least two AZs) for the tasks and the database. They need a NAT gateway: the default images come from quay.io and public.ecr.aws, which no VPC endpoint reaches. With images mirrored to your own ECR, VPC endpoints for ECR (api, dkr), S3, Secrets Manager and CloudWatch Logs can replace it."
  type        = list(string)

  validation {
    condition     = length(var.private_subnet_ids) >= 2
    error_message = "private_subnet_ids needs at least two subnets in different availability zones."
  }
}

variable "domain" {
  description = "Public host name of Keycloak, e.g. sso.example.com (KC_HOSTNAME is https://<domain>)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$", var.domain))
    error_message = "domain must be a host name such as sso.example.com, without scheme or path."
  }
}

variable "certificate_arn" {
  description = "ARN of an ACM certificate for the domain, in the load balancer's region."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN."
  }
}

variable "route53_zone_id" {
  description = "Route 53 hosted zone in which to create an alias record for the domain. Null creates none."
  type        = string
  default     = null
}

variable "ingress_cidr_blocks" {
  description = "IPv4 ranges allowed to reach the load balancer (HTTPS, and HTTP for the redirect)."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "ingress_ipv6_cidr_blocks" {
  description = "IPv6 ranges allowed to reach the load balancer when ip_address_type is \"dualstack\"."
  type        = list(string)
  default     = ["::/0"]
}

variable "ip_address_type" {
  description = "\"ipv4\" or \"dualstack\" (IPv4 and IPv6; the public subnets need IPv6 ranges). An AAAA record is created only for dualstack."
  type        = string
  default     = "ipv4"

  validation {
    condition     = contains(["ipv4", "dualstack"], var.ip_address_type)
    error_message = "ip_address_type must be ipv4 or dualstack."
  }
}

variable "expose_js_adapter" {
  description = "Also forward /js/ on the public listener (Keycloak's keycloak.js, only for apps that load the adapter from Keycloak rather than from npm). The site's edge function does not need it."
  type        = bool
  default     = false
}

variable "admin_cidr_blocks" {
  description = "IPv4 ranges (CIDR) allowed to reach the admin console, the admin API and the master realm, on the admin listener (https://<domain>:<admin_port>/admin/). Empty (the default): no admin listener at all, the admin console is reachable from nowhere. The public listener never serves them. Include the machine that runs the keycloak-realm module's Terraform."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for c in var.admin_cidr_blocks : can(cidrnetmask(c))])
    error_message = "admin_cidr_blocks must be IPv4 CIDR ranges such as 203.0.113.0/24."
  }
}

variable "admin_port" {
  description = "Port of the admin listener (HTTPS, same certificate), open to admin_cidr_blocks only."
  type        = number
  default     = 8443

  validation {
    condition     = var.admin_port >= 1 && var.admin_port <= 65535 && !contains([80, 443], var.admin_port)
    error_message = "admin_port must be a TCP port other than 80 and 443 (the public listeners)."
  }
}

variable "ssl_policy" {
  description = "TLS policy of the HTTPS listener."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

variable "keycloak_image" {
  description = "Keycloak container image, pinned to a 26.x tag (or a digest)."
  type        = string
  default     = "quay.io/keycloak/keycloak:26.4.2"

  validation {
    condition     = can(regex(":26\\.[0-9]+\\.[0-9]+(@sha256:[0-9a-f]{64})?$", var.keycloak_image)) || can(regex("@sha256:[0-9a-f]{64}$", var.keycloak_image))
    error_message = "keycloak_image must be pinned: a 26.x.y tag or a sha256 digest, never latest."
  }
}

variable "cpu" {
  description = "Task CPU units (Fargate sizes: 256, 512, 1024, 2048, 4096, ...)."
  type        = number
  default     = 1024

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.cpu)
    error_message = "cpu must be a Fargate CPU size: 256, 512, 1024, 2048, 4096, 8192 or 16384."
  }
}

variable "memory" {
  description = "Task memory in MiB. Fargate takes only certain sizes per cpu: 256: 512-2048 (512, 1024, 2048); 512: 1024-4096; 1024: 2048-8192; 2048: 4096-16384 (steps of 1024); 4096: 8192-30720 (steps of 1024); 8192: 16384-61440 (steps of 4096); 16384: 32768-122880 (steps of 8192). Keycloak wants at least 1024 (2048 for comfort); the sidecar database takes 512 of it."
  type        = number
  default     = 2048

  validation {
    condition     = var.memory >= 1024
    error_message = "memory must be at least 1024 MiB for Keycloak."
  }

  # Fargate's table of CPU and memory pairs: any other pair fails only at apply (RegisterTaskDefinition).
  validation {
    condition = (
      var.cpu == 256 ? contains([512, 1024, 2048], var.memory) :
      var.cpu == 512 ? var.memory >= 1024 && var.memory <= 4096 && var.memory % 1024 == 0 :
      var.cpu == 1024 ? var.memory >= 2048 && var.memory <= 8192 && var.memory % 1024 == 0 :
      var.cpu == 2048 ? var.memory >= 4096 && var.memory <= 16384 && var.memory % 1024 == 0 :
      var.cpu == 4096 ? var.memory >= 8192 && var.memory <= 30720 && var.memory % 1024 == 0 :
      var.cpu == 8192 ? var.memory >= 16384 && var.memory <= 61440 && var.memory % 4096 == 0 :
      var.cpu == 16384 ? var.memory >= 32768 && var.memory <= 122880 && var.memory % 8192 == 0 :
      false
    )
    error_message = "memory is not a Fargate size for this cpu: 256 takes 512, 1024 or 2048; 512 takes 1024-4096 and 1024 takes 2048-8192 and 2048 takes 4096-16384 and 4096 takes 8192-30720, in steps of 1024; 8192 takes 16384-61440 in steps of 4096; 16384 takes 32768-122880 in steps of 8192."
  }
}

variable "jvm_heap_percent" {
  description = "Share of Keycloak's memory (the task's, less the sidecar database's 512 MiB) given to the JVM heap as -Xmx (and half of it as -Xms), through JAVA_OPTS_KC_HEAP. The rest is for metaspace, threads and direct buffers."
  type        = number
  default     = 70

  validation {
    condition     = var.jvm_heap_percent >= 25 && var.jvm_heap_percent <= 85
    error_message = "jvm_heap_percent must be from 25 to 85: above, the JVM's off-heap memory no longer fits and the task is killed for memory."
  }
}

variable "deregistration_delay" {
  description = "Seconds the load balancer lets a leaving task finish its requests (no new ones reach it) before ECS stops it."
  type        = number
  default     = 60

  validation {
    condition     = var.deregistration_delay >= 0 && var.deregistration_delay <= 3600
    error_message = "deregistration_delay must be from 0 to 3600 seconds."
  }
}

variable "desired_count" {
  description = "Number of Keycloak tasks. More than one forms one cluster (Keycloak 26's JDBC_PING discovery through the database, TCP 7800 between the tasks); needs the RDS database."
  type        = number
  default     = 1

  validation {
    condition     = var.desired_count >= 1
    error_message = "desired_count must be at least 1."
  }
}

variable "admin_username" {
  description = "User name of the bootstrap admin (KC_BOOTSTRAP_ADMIN_USERNAME); its generated password is kept in Secrets Manager."
  type        = string
  default     = "admin"
}

variable "database_mode" {
  description = "\"rds\" (default): PostgreSQL on RDS. \"sidecar\": a postgres container in the task, as the 2020 set-up ran it; its data is lost with the task, so only for non-prod and only with desired_count = 1."
  type        = string
  default     = "rds"

  validation {
    condition     = contains(["rds", "sidecar"], var.database_mode)
    error_message = "database_mode must be rds or sidecar."
  }
}

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.micro"

  validation {
    condition     = startswith(var.db_instance_class, "db.")
    error_message = "db_instance_class must be an RDS instance class such as db.t4g.micro."
  }
}

variable "db_engine_version" {
  description = "PostgreSQL major version on RDS."
  type        = string
  default     = "17"
}

variable "db_allocated_storage" {
  description = "Initial storage of the database in GiB."
  type        = number
  default     = 20
}

variable "db_max_allocated_storage" {
  description = "Upper limit for storage autoscaling in GiB."
  type        = number
  default     = 100
}

variable "db_multi_az" {
  description = "Run the RDS database in two availability zones."
  type        = bool
  default     = false
}

variable "db_backup_retention_days" {
  description = "Days of automated RDS backups."
  type        = number
  default     = 7

  validation {
    condition     = var.db_backup_retention_days >= 1 && var.db_backup_retention_days <= 35
    error_message = "db_backup_retention_days must be from 1 to 35."
  }
}

variable "db_password_rotation_days" {
  description = "Days between RDS's rotations of the database password it manages (RDS's own default is 7). Keycloak reads the password when a task starts, so each successful rotation starts a new deployment of the service (EventBridge -> Step Functions -> ecs:UpdateService); new database connections of the old tasks fail until the new ones are healthy. RDS mode only."
  type        = number
  default     = 365

  validation {
    condition     = var.db_password_rotation_days >= 1 && var.db_password_rotation_days <= 1000 && floor(var.db_password_rotation_days) == var.db_password_rotation_days
    error_message = "db_password_rotation_days must be a whole number of days from 1 to 1000 (Secrets Manager's range)."
  }
}

variable "deletion_protection" {
  description = "Protect the load balancer and the RDS database from deletion (on by default; turn it off, apply, then destroy)."
  type        = bool
  default     = true
}

variable "sidecar_postgres_image" {
  description = "Image of the postgres container in sidecar mode."
  type        = string
  default     = "public.ecr.aws/docker/library/postgres:17.6"
}

variable "secrets_kms_key_arn" {
  description = "KMS key for the Secrets Manager secrets (the module's and the one RDS manages for the database password). Null uses the AWS managed key aws/secretsmanager."
  type        = string
  default     = null
}

variable "secret_recovery_window_in_days" {
  description = "Days Secrets Manager keeps a deleted secret recoverable (0 deletes at once)."
  type        = number
  default     = 7

  validation {
    condition     = var.secret_recovery_window_in_days == 0 || (var.secret_recovery_window_in_days >= 7 && var.secret_recovery_window_in_days <= 30)
    error_message = "secret_recovery_window_in_days must be 0 or from 7 to 30."
  }
}

variable "log_retention_in_days" {
  description = "Retention of the container log group. One of the values CloudWatch Logs allows."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "log_kms_key_arn" {
  description = "KMS key to encrypt the container log group with. Null uses CloudWatch Logs' default encryption."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
