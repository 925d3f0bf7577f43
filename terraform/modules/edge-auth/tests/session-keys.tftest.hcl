# The fast path's session signing keys and their rotation (docs/key-rotation.md), applied against mocked
# providers: the runs share one state, as successive applies of one deployment do. After each rotation
# the CloudFront Function's KeyValueStore and the edge's config must hold the same keys: the new one as
# current (the edge mints with it) and the one before as previous (cookies it signed still pass).

mock_provider "aws" {
  alias = "us_east_1"

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
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
  # The provider checks the shape of the ARN a key is written to.
  mock_resource "aws_cloudfront_key_value_store" {
    defaults = {
      arn = "arn:aws:cloudfront::123456789012:key-value-store/00000000-0000-0000-0000-000000000000"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/site-auth-edge"
    }
  }
  mock_resource "aws_cloudfront_function" {
    defaults = {
      arn = "arn:aws:cloudfront::123456789012:function/site-auth-check"
    }
  }
}

mock_provider "random" {}

variables {
  function_name           = "site-auth"
  zip_path                = "tests/placeholder.zip"
  session_check_code_path = "tests/session-check.js"
  issuer                  = "https://sso.example.com/realms/demo"
  client_id               = "static-site"
  validate_url            = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/validate"
  validate_route_arn      = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/$default/POST/validate"
}

run "generates_the_first_key" {
  assert {
    condition     = output.session_key_ids == { current = "k1", previous = null }
    error_message = "By default one key, k1, is generated and there is no previous one."
  }

  assert {
    condition     = keys(random_bytes.session_key) == ["k1"] && random_bytes.session_key["k1"].length == 32
    error_message = "One 32-byte secret, for k1."
  }

  assert {
    condition     = jsondecode(local.config_json).sessionKeys == { current = aws_cloudfrontkeyvaluestore_key.this["session-key-current"].value }
    error_message = "The edge config's sessionKeys holds exactly the store's current key."
  }

  assert {
    condition     = aws_cloudfrontkeyvaluestore_key.this["session-key-previous"].value == aws_cloudfrontkeyvaluestore_key.this["session-key-current"].value
    error_message = "Without a previous key the store's previous entry repeats the current one (no other kid is accepted)."
  }

  assert {
    condition     = can(regex("^k1:[A-Za-z0-9_-]+$", nonsensitive(aws_cloudfrontkeyvaluestore_key.this["session-key-current"].value)))
    error_message = "The store holds <kid>:<secret>, the secret in base64url without padding."
  }
}

run "rotates_without_logging_anyone_out" {
  variables {
    session_key_id          = "k2"
    previous_session_key_id = "k1"
  }

  assert {
    condition     = output.session_key_fingerprints.previous == run.generates_the_first_key.session_key_fingerprints.current
    error_message = "After the rotation the previous key is the old current one, unchanged (its cookies still pass)."
  }

  assert {
    condition     = output.session_key_fingerprints.current != run.generates_the_first_key.session_key_fingerprints.current
    error_message = "After the rotation the current key is a new one."
  }

  assert {
    condition     = startswith(nonsensitive(aws_cloudfrontkeyvaluestore_key.this["session-key-current"].value), "k2:") && startswith(nonsensitive(aws_cloudfrontkeyvaluestore_key.this["session-key-previous"].value), "k1:")
    error_message = "The store holds current = k2, previous = k1."
  }

  assert {
    condition = jsondecode(local.config_json).sessionKeys == {
      current  = aws_cloudfrontkeyvaluestore_key.this["session-key-current"].value
      previous = aws_cloudfrontkeyvaluestore_key.this["session-key-previous"].value
    }
    error_message = "The edge config carries the very keys of the store: it mints with the new one and the function accepts both."
  }

  assert {
    condition     = output.config_version != run.generates_the_first_key.config_version
    error_message = "New keys are a new config: the parameter is written again and the edge publishes a version."
  }
}

run "drops_the_oldest_key_at_the_next_rotation" {
  variables {
    session_key_id          = "k3"
    previous_session_key_id = "k2"
  }

  assert {
    condition     = output.session_key_fingerprints.previous == run.rotates_without_logging_anyone_out.session_key_fingerprints.current
    error_message = "k2, the current key before, is now the previous one."
  }

  assert {
    condition     = keys(random_bytes.session_key) == ["k2", "k3"]
    error_message = "Only the current and the previous key are kept: k1's secret is gone."
  }

  assert {
    condition     = startswith(nonsensitive(aws_cloudfrontkeyvaluestore_key.this["session-key-current"].value), "k3:") && startswith(nonsensitive(aws_cloudfrontkeyvaluestore_key.this["session-key-previous"].value), "k2:")
    error_message = "The store holds current = k3, previous = k2."
  }
}

run "takes_given_keys" {
  variables {
    session_keys = {
      current = "g1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    }
  }

  assert {
    condition     = length(random_bytes.session_key) == 0
    error_message = "Given keys: nothing is generated."
  }

  assert {
    condition     = nonsensitive(aws_cloudfrontkeyvaluestore_key.this["session-key-current"].value) == "g1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    error_message = "The given current key goes to the store as it is."
  }
}

run "rotates_given_keys" {
  variables {
    session_keys = {
      current  = "g2:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
      previous = "g1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    }
  }

  assert {
    condition = {
      for k, v in aws_cloudfrontkeyvaluestore_key.this : k => nonsensitive(v.value)
      } == {
      "session-key-current"  = "g2:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
      "session-key-previous" = "g1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    }
    error_message = "The store holds current = the new key, previous = the old one."
  }

  assert {
    condition = nonsensitive(jsondecode(local.config_json).sessionKeys) == {
      current  = "g2:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
      previous = "g1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    }
    error_message = "The edge config carries the same two keys."
  }

  assert {
    condition     = output.session_key_fingerprints.previous == run.takes_given_keys.session_key_fingerprints.current
    error_message = "The fingerprints show the old current key as the previous one."
  }
}

run "refuses_malformed_given_keys" {
  command = plan

  variables {
    session_keys = {
      current  = "g2:too-short"
      previous = "g2:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
    }
  }

  expect_failures = [var.session_keys]
}

run "refuses_the_same_kid_twice" {
  command = plan

  variables {
    session_keys = {
      current  = "g1:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
      previous = "g1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    }
  }

  expect_failures = [var.session_keys]
}

run "refuses_a_previous_id_equal_to_the_current_one" {
  command = plan

  variables {
    session_key_id          = "k1"
    previous_session_key_id = "k1"
  }

  expect_failures = [var.previous_session_key_id]
}
