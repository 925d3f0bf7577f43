#!/usr/bin/env bash
# `terraform init -backend=false` and `terraform validate` in every module and example under terraform/,
# the way ci.yml's terraform job runs it. Needs the Terraform CLI and the Terraform registry.
#
# Modules that receive an aliased provider (`configuration_aliases`, e.g. the edge function's aws.us_east_1)
# cannot be validated on their own: Terraform asks for a configuration of the alias
# (hashicorp/terraform#28490). For the run, such a module gets a file with an empty `provider` block per
# alias, which is what a caller would pass in; the file is removed afterwards.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

status=0
for dir in terraform/modules/*/ terraform/examples/*/; do
  [ -e "$dir" ] || continue
  echo "::group::$dir"
  shim="${dir}zz_ci_provider_aliases.tf"
  aliases=$(cat "$dir"*.tf 2>/dev/null | tr '\n' ' ' |
    grep -oE 'configuration_aliases[[:space:]]*=[[:space:]]*\[[^]]*\]' |
    grep -oE '[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+' || true)
  for ref in $aliases; do
    printf 'provider "%s" {\n  alias = "%s"\n}\n' "${ref%%.*}" "${ref#*.}" >>"$shim"
  done
  if terraform -chdir="$dir" init -backend=false -input=false -no-color &&
    terraform -chdir="$dir" validate -no-color; then
    echo "::endgroup::"
  else
    echo "::endgroup::"
    echo "::error::terraform validate failed in $dir"
    status=1
  fi
  rm -f "$shim"
done
exit $status
