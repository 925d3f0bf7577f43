terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source                = "hashicorp/aws"
      version               = "~> 6.19"
      configuration_aliases = [aws.us_east_1]
    }
    # The fast path's session signing keys (random_bytes).
    random = {
      source  = "hashicorp/random"
      version = "~> 3.7"
    }
  }
}
