# tflint for every module and example (ci.yml's terraform job runs `tflint --recursive` from terraform/).
# The AWS ruleset checks what Terraform's own validation cannot: instance classes, runtimes, regions and
# other values the AWS APIs would refuse only at apply.
config {
  call_module_type = "local"
}

plugin "terraform" {
  enabled = true
  preset  = "recommended"
}

plugin "aws" {
  enabled = true
  version = "0.48.0"
  source  = "github.com/terraform-linters/tflint-ruleset-aws"
}
