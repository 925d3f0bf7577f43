#!/usr/bin/env bash
# `terraform init -backend=false` and `terraform validate` in every module and example under terraform/,
# then `terraform test` in each of them that has tests (tests/*.tftest.hcl), the way ci.yml's terraform
# job runs it. Needs the Terraform CLI (1.7 or newer: the tests mock their providers with mock_provider)
# and the Terraform registry; no cloud account, no Keycloak.
#
# Modules that receive an aliased provider (`configuration_aliases`, e.g. the edge function's aws.us_east_1)
# cannot be validated on their own: Terraform asks for a configuration of the alias
# (hashicorp/terraform#28490). For the run, such a module gets a file with an empty `provider` block per
# alias, which is what a caller would pass in; the file is removed afterwards.
#
# The examples' tests plan the Lambda modules, which hash the zips `pnpm build` writes
# (filebase64sha256) but upload nothing at plan time. Where a zip is missing (CI's terraform job does
# not build), an empty placeholder stands in for the run and is removed afterwards; a real zip is left
# alone.
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

  if compgen -G "${dir}tests/*.tftest.hcl" >/dev/null; then
    echo "::group::terraform test in $dir"
    placeholders=()
    for zip in $(grep -ohE 'packages/[A-Za-z0-9_-]+/dist/[A-Za-z0-9_-]+\.zip' "$dir"*.tf | sort -u); do
      if [ ! -e "$zip" ]; then
        mkdir -p "$(dirname "$zip")"
        : >"$zip"
        placeholders+=("$zip")
      fi
    done
    if terraform -chdir="$dir" test -no-color; then
      echo "::endgroup::"
    else
      echo "::endgroup::"
      echo "::error::terraform test failed in $dir"
      status=1
    fi
    for zip in ${placeholders[@]+"${placeholders[@]}"}; do rm -f "$zip"; done
  fi
done
exit $status
