terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.19"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.7"
    }
    keycloak = {
      source  = "keycloak/keycloak"
      version = "~> 5.5"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = var.tags
  }
}

# Lambda@Edge functions and CloudFront certificates live in us-east-1.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"

  default_tags {
    tags = var.tags
  }
}

# The bootstrap admin's password is read from Secrets Manager on every run through an ephemeral resource:
# it is never a variable, an output or in the state (a data source would keep it in the state). Keycloak
# must be up before this provider can work: the first apply is two steps (README). The module's output
# comes from the secret's version, so the read waits until the secret holds the password.
ephemeral "aws_secretsmanager_secret_version" "keycloak_admin" {
  secret_id = module.keycloak.admin_password_secret_arn
}

# Through the admin listener (https://<keycloak_domain>:8443), the only one that serves the master realm
# and the admin API.
provider "keycloak" {
  url           = module.keycloak.admin_url
  realm         = "master"
  client_id     = "admin-cli"
  username      = module.keycloak.admin_username
  password      = ephemeral.aws_secretsmanager_secret_version.keycloak_admin.secret_string
  initial_login = false
}
