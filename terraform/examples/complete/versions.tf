terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
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

# The bootstrap admin's password is read from Secrets Manager at plan time; it is never a variable or an
# output. Keycloak must be up before this provider can work: the first apply is two steps (README). The
# module's output comes from the secret's version, so the read waits until the secret holds the password.
data "aws_secretsmanager_secret_version" "keycloak_admin" {
  secret_id = module.keycloak.admin_password_secret_arn
}

provider "keycloak" {
  url           = module.keycloak.url
  realm         = "master"
  client_id     = "admin-cli"
  username      = module.keycloak.admin_username
  password      = data.aws_secretsmanager_secret_version.keycloak_admin.secret_string
  initial_login = false
}
